"""Pure ASGI middleware: the request's language (from the `ms_lang` cookie) and the security headers
every response carries (CSP without inline scripts, no framing, no sniffing, HSTS behind https)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marketsync.web.i18n import LANG_COOKIE, pick_locale, reset_locale, set_locale

# Swagger UI / ReDoc pages (vendored assets) start with an inline script; the sandbox is an
# emulated foreign API. Neither gets the page policy.
_NO_CSP_PREFIXES = ("/docs", "/redoc", "/sandbox")


def cookie_value(scope: Scope, name: str) -> str | None:
    """Return one cookie of an ASGI request, if present and parseable."""
    for key, value in scope.get("headers") or []:
        if key == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header is treated as absent
                return None
            morsel = jar.get(name)
            return morsel.value if morsel else None
    return None


class LocaleMiddleware:
    """Choose the language of this request (cookie, else Russian) and expose it to views and templates."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the locale for the duration of the request and say it in Content-Language."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale = pick_locale(cookie_value(scope, LANG_COOKIE))
        scope.setdefault("state", {})["locale"] = locale

        async def send_with_language(message: Message) -> None:
            """Pass a response message on, naming its language."""
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("content-language", locale)
            await send(message)

        token = set_locale(locale)
        try:
            await self.app(scope, receive, send_with_language)
        finally:
            reset_locale(token)


def content_security_policy(jivosite: bool, widget_origin: str | None = None) -> str:
    """Return the page CSP: own scripts only (htmx attributes, no inline JS); images may be remote photos.

    `widget_origin` (the /billing page alone) admits YooKassa's checkout widget: its script, its frames and
    what it fetches."""
    script = "'self' https://code.jivo.ru https://*.jivosite.com" if jivosite else "'self'"
    connect = "'self' https: wss:" if jivosite else "'self'"
    frame = "https://*.jivosite.com https://*.jivo.ru" if jivosite else "'none'"
    if widget_origin:
        script += f" {widget_origin}"
        connect += f" {widget_origin}"
        frame = f"{widget_origin} https://*.yookassa.ru" if frame == "'none'" else f"{frame} {widget_origin}"
    return (f"default-src 'self'; script-src {script}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: https: http:; connect-src {connect}; frame-src {frame}; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'")


class SecurityHeadersMiddleware:
    """Add the security headers of §11 to every response that did not set them itself."""

    def __init__(self, app: ASGIApp, *, https: bool = False, jivosite: bool = False) -> None:
        self.app = app
        self.https = https
        self.csp = content_security_policy(jivosite)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap `send` so the response start carries the headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            """Pass a response message on, with the security headers added to its start."""
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("x-content-type-options", "nosniff")
                headers.setdefault("referrer-policy", "same-origin")
                headers.setdefault("permissions-policy", "camera=(), microphone=(), geolocation=()")
                if not path.startswith(_NO_CSP_PREFIXES):
                    headers.setdefault("x-frame-options", "DENY")
                    headers.setdefault("content-security-policy", self.csp)
                if self.https:
                    headers.setdefault("strict-transport-security", "max-age=31536000; includeSubDomains")
                # Pages show a seller's data: never keep them in shared or back-button caches.
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("cache-control", "no-store")
                # A session rotated while reading the user (privileges changed) sends its new id here.
                rotated = (scope.get("state") or {}).get("session_cookie")
                if rotated:
                    headers.append("set-cookie", rotated)
            await send(message)

        await self.app(scope, receive, send_with_headers)
