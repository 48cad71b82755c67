"""The web application factory: every feature's router, static files, middleware (security headers,
language, flash session, CSRF) and the error pages. Started by `uvicorn --factory
marketsync.web.app:create_app`; nothing is built at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from asgi_csrf import asgi_csrf
from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope, Send

from marketsync.casdoor import hooks as casdoor_hooks
from marketsync.db import session_scope
from marketsync.ops import service as ops_service
from marketsync.security import RedactingFilter
from marketsync.settings import get_settings
from marketsync.web.api_docs import hide_pages, install_api_docs
from marketsync.web.deps import current_user, ids_in_range
from marketsync.web.i18n import get_locale, load_catalogs, local_path
from marketsync.web.i18n import gettext as _
from marketsync.web.metrics import RequestMetricsMiddleware, note_route
from marketsync.web.middleware import LocaleMiddleware, SecurityHeadersMiddleware
from marketsync.web.templating import environment, render

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
CSRF_COOKIE = "ms_csrf"
FLASH_COOKIE = "ms_flash"


EVOTOR_WEBHOOKS = frozenset({"/user/create", "/user/verify", "/user/token"})
PAYMENT_WEBHOOK = "/api/payment/webhook"  # YooKassa's notifications: judged by sender network and the API


# The sandbox's emulated foreign APIs (called by connectors, not browsers); its mail page is a browser page.
SANDBOX_APIS = ("/sandbox/evotor/", "/sandbox/vk/", "/sandbox/ozon/", "/sandbox/wildberries/",
                "/sandbox/yandex_market/", "/sandbox/telegram/", "/sandbox/yookassa/", "/sandbox/oauth/",
                "/sandbox/casdoor/", "/sandbox/llm/", "/sandbox/_control/")


# File uploads whose page checks the form's CSRF token itself, as the body streams in: asgi-csrf's own multipart
# parsing fails on the python-multipart in use, and would have to read up to the token before the page's size limit.
STREAMED_UPLOADS = ("/hub/imports",)


def csrf_exempt(path: str) -> bool:
    """Whether a path takes unsafe requests without asgi-csrf's check: the health probe, the emulated foreign APIs,
    the Evotor webhooks (a server calling with its Bearer secret, no browser and no cookies), YooKassa's, and the
    streamed uploads (which check the token themselves)."""
    return (path in ("/health", "/metrics") or path.startswith(SANDBOX_APIS) or path in EVOTOR_WEBHOOKS
            or path == PAYMENT_WEBHOOK or path == _telegram_webhook_path() or path in STREAMED_UPLOADS)


def _telegram_webhook_path() -> str | None:
    # Telegram posts with its secret-token header, no cookies: the webhook checks that header instead of CSRF.
    settings = get_settings()
    if not (settings.BOT_TOKEN and settings.TELEGRAM_WEBHOOK_URL):
        return None
    from marketsync.bot.webhook import webhook_path

    return webhook_path(settings)


class _EveryPathButExempt:
    """asgi-csrf lets a POST without any cookie through unless its path is "always protected": protect all."""

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and not csrf_exempt(path)


def wants_json(request: Request) -> bool:
    """Whether the client asked for JSON rather than a page (fetch/htmx with Accept: application/json)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


async def _csrf_failed(scope: Scope, send: Send, message_id: Any) -> None:
    """Answer a refused form post: a readable page (or JSON), status 403."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    message = _("The form has expired or was sent from another site. Reload the page and try again.")
    accept = headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        body, content_type = JSONResponse({"detail": message}).body, "application/json"
    else:
        body = environment.get_template("errors/error.html").render(
            status_code=403, title=_("Request refused"), message=message, user=None, flashes=[],
            locale=get_locale(), csrf_token="", switch_locale_url=None, current_path=scope.get("path", ""),
        ).encode("utf-8")
        content_type = "text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _login_redirect(request: Request) -> Response:
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:  # after signing in, go back to the page the form was on, never to a POST-only URL
        referer = request.headers.get("referer", "")
        base = str(request.base_url).rstrip("/")
        target = local_path(referer[len(base):] if referer.startswith(base) else None, "")
    url = "/login" + (f"?next={quote(target, safe='/')}" if target and target != "/" else "")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _identify(request: Request) -> None:
    # An unknown URL matched no route, so no dependency read the session: read it for the page header.
    if hasattr(request.state, "user"):
        return
    try:
        with session_scope() as session:
            current_user(request, session)
    except Exception:  # the error page must render even when the database does not answer
        request.state.user = None


def _error_text(status_code: int) -> tuple[str, str]:
    if status_code == 403:
        return _("Access denied"), _("You do not have access to this page.")
    if status_code == 404:
        return _("Page not found"), _("There is no such page, or it belongs to another cabinet.")
    return _("Method not allowed"), _("This address does not accept this kind of request.")


async def _http_error(request: Request, exc: Exception) -> Response:
    """Turn 401 into the login page, show 403/404/405 as pages, keep JSON for API clients."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 401 and not wants_json(request):
        return _login_redirect(request)
    if exc.status_code in {403, 404, 405} and not wants_json(request):
        _identify(request)
        title, message = _error_text(exc.status_code)
        return render(request, "errors/error.html",
                      {"status_code": exc.status_code, "title": title, "message": message},
                      status_code=exc.status_code, headers=getattr(exc, "headers", None))
    return await http_exception_handler(request, exc)  # type: ignore[arg-type]


async def _server_error(request: Request, exc: Exception) -> Response:
    """Show a plain apology page for an unexpected error (details go to the log, never to the page)."""
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.url.path in EVOTOR_WEBHOOKS:  # e.g. the commit after a webhook failed: Evotor reads JSON only
        return JSONResponse({"errors": [{"code": 500, "reason": "internal error"}]}, status_code=500)
    if wants_json(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    return render(request, "errors/error.html",
                  {"status_code": 500, "title": _("Something went wrong"),
                   "message": _("The error has been logged. Please try again in a minute.")}, status_code=500)


def _include_routers(app: FastAPI) -> None:
    from marketsync.accounts.identity_views import router as identity_router
    from marketsync.accounts.profile_views import router as profile_router
    from marketsync.accounts.social_views import router as social_router
    from marketsync.accounts.views import router as accounts_router
    from marketsync.accounts.webhook_views import router as evotor_webhook_router
    from marketsync.admin.views import router as admin_router
    from marketsync.billing.views import router as billing_router
    from marketsync.billing.webhook_views import router as payment_webhook_router
    from marketsync.catalog.views import router as catalog_router
    from marketsync.connections.views import router as connections_router
    from marketsync.dashboard.views import router as dashboard_router
    from marketsync.dictionaries.views import router as dictionaries_router
    from marketsync.feeds.views import router as feeds_router
    from marketsync.hub.catalog_views import router as hub_catalog_router
    from marketsync.hub.import_views import router as hub_import_router
    from marketsync.moderation.views import router as moderation_router
    from marketsync.notifications.views import router as notifications_router
    from marketsync.orders.views import router as orders_router
    from marketsync.publishing.views import router as publishing_router
    from marketsync.stocks.monitor_views import router as monitor_router
    from marketsync.stocks.unmatched_views import router as stocks_unmatched_router
    from marketsync.stocks.views import product_path_router as stock_product_router
    from marketsync.stocks.views import router as stocks_router
    from marketsync.sync.channel_views import router as channel_router
    from marketsync.sync.views import router as sync_router
    from marketsync.web.health import router as health_router
    from marketsync.web.i18n import router as i18n_router
    from marketsync.web.metrics import router as metrics_router

    for router in (health_router, metrics_router, i18n_router, dashboard_router, accounts_router, social_router,
                   profile_router, identity_router, evotor_webhook_router,
                   admin_router, connections_router, catalog_router, hub_catalog_router, hub_import_router,
                   channel_router, sync_router,
                   monitor_router, orders_router, notifications_router, billing_router, payment_webhook_router,
                   moderation_router, publishing_router, feeds_router, dictionaries_router, stocks_unmatched_router,
                   stocks_router,
                   stock_product_router):  # /stocks/<key> last
        hide_pages(router.routes)  # the API schema lists the JSON endpoints, not the pages and form posts
        app.include_router(router)
    settings = get_settings()
    if settings.BOT_TOKEN and settings.TELEGRAM_WEBHOOK_URL:
        from marketsync.bot.webhook import webhook_router

        app.include_router(webhook_router(settings))


def _mount_sandbox(app: FastAPI) -> None:
    settings = get_settings()
    if not (settings.SANDBOX_ENABLED or settings.MARKETSYNC_ENV == "demo"):
        return
    try:
        from marketsync.sandbox.app import create_sandbox_app
    except ImportError:  # pragma: no cover - only while the sandbox is missing from a build
        log.warning("SANDBOX_ENABLED is set but marketsync.sandbox.app cannot be imported")
        return
    app.mount("/sandbox", create_sandbox_app())


@asynccontextmanager
async def _sandbox_smtp_sink(app: FastAPI) -> AsyncIterator[None]:
    """In demo mode, run the SMTP sink catching every mail while the app runs (SANDBOX_SMTP_PORT=0: off)."""
    settings = get_settings()
    if not (settings.SANDBOX_ENABLED or settings.MARKETSYNC_ENV == "demo") or settings.SANDBOX_SMTP_PORT <= 0:
        yield
        return
    from marketsync.sandbox.smtp import running_sink

    async with running_sink("127.0.0.1", settings.SANDBOX_SMTP_PORT, Path(settings.SANDBOX_MAIL_DIR)) as sink:
        app.state.smtp_sink = sink  # None when the port was taken: logged, and the app runs on
        yield


def create_app() -> FastAPI:
    """Build the MarketSync web application."""
    settings = get_settings()
    https = settings.BASE_URL.startswith("https")
    load_catalogs()
    casdoor_hooks.install()  # sign-ups, sign-ins, profile edits and balance changes are mirrored into Casdoor
    ops_service.install()  # the read-only switch before every write a page makes (a connection's check, a payment)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactingFilter) for f in access_log.filters):
        access_log.addFilter(RedactingFilter())  # confirm, reset and invite links carry tokens in the query
    app = FastAPI(title="MarketSync", docs_url=None, redoc_url=None,
                  description="Evotor → VK market catalog sync: the JSON endpoints, Evotor's webhooks and the "
                              "health probe (the HTML pages are not listed).",
                  lifespan=_sandbox_smtp_sink,
                  dependencies=[Depends(note_route), Depends(ids_in_range)])  # the route first: 4xx are timed too
    install_api_docs(app)  # /docs and /redoc from the vendored assets: they work offline
    _include_routers(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _mount_sandbox(app)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)

    # Added innermost first: the request passes security headers → language → flash session → CSRF → routes.
    app.add_middleware(asgi_csrf, cookie_name=CSRF_COOKIE, signing_secret=settings.SECRET_KEY,
                       always_protect=_EveryPathButExempt(), skip_if_scope=lambda s: csrf_exempt(s["path"]),
                       cookie_secure=https, cookie_samesite="Lax", send_csrf_failed=_csrf_failed)
    app.add_middleware(SessionMiddleware, secret_key=settings.SECRET_KEY, session_cookie=FLASH_COOKIE,
                       max_age=None, same_site="lax", https_only=https)
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, https=https, jivosite=bool(settings.JIVOSITE_WIDGET_ID))
    app.add_middleware(RequestMetricsMiddleware)  # outermost: times the whole answer, ids every log line
    return app
