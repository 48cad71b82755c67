"""The Jinja2 environment of the pages (autoescape, i18n, Moscow time, money and enumerated-value filters),
rendering with the shared page context (user, CSRF token, flash messages, language switch) and pagination."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from marketsync import notices
from marketsync.settings import get_settings
from marketsync.web.i18n import LANGUAGE_NAMES, LOCALES, get_locale, translations

TEMPLATES_DIR = Path(__file__).parent / "templates"
MOSCOW = ZoneInfo("Europe/Moscow")
FLASH_KEY = "flash"
FLASH_CATEGORIES = ("success", "info", "warning", "danger")


def format_msk(value: datetime | None, pattern: str = "%d.%m.%Y %H:%M") -> str:
    """Show an aware UTC time in Moscow time ("25.11.2025 14:03"); empty for None."""
    if value is None:
        return ""
    return value.astimezone(MOSCOW).strftime(pattern)


def format_money(value: Decimal | float | int | str | None) -> str:
    """Show an amount in roubles: "1 234,50 ₽" in Russian, "1,234.50 ₽" in English (half-up to kopecks)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    return f"{format_decimal(amount, format='#,##0.00', locale=get_locale())}\u00a0₽"


def format_number(value: Decimal | float | int | None) -> str:
    """Show a plain number with the locale's grouping ("12 345")."""
    if value is None:
        return ""
    return format_decimal(value, locale=get_locale())


def _gettext(message: str) -> str:
    return translations(get_locale()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_locale()).ngettext(singular, plural, n)


def _pgettext(context: str, message: str) -> str:
    return str(translations(get_locale()).pgettext(context, message))


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return str(translations(get_locale()).npgettext(context, singular, plural, n))


def _label_words() -> dict[str, dict[str, str]]:
    # Built per call so every word is in the request's language; the names `_` and `pgettext` are what
    # `make messages` extracts.
    _, pgettext = _gettext, _pgettext
    return {
        "role": {"system": _("Instance owner"), "admin": _("Administrator"), "user": _("Seller")},
        "member": {"owner": pgettext("cabinet role", "Owner"), "manager": pgettext("cabinet role", "Manager"),
                   "viewer": pgettext("cabinet role", "Viewer")},
        "system": {"evotor": pgettext("system", "Evotor"), "vk": pgettext("system", "VK"),
                   "ozon": pgettext("system", "Ozon"), "wildberries": pgettext("system", "Wildberries"),
                   "yandex_market": pgettext("system", "Yandex Market")},
        "user_status": {"pending": _("Pending"), "active": _("Active"), "suspended": _("Suspended")},
        "connection_status": {"active": _("Connected"), "broken": _("Needs attention")},
        "run_status": {"queued": pgettext("run status", "Queued"), "running": pgettext("run status", "Running"),
                       "succeeded": pgettext("run status", "Succeeded"),
                       "failed": pgettext("run status", "Failed"), "skipped": pgettext("run status", "Skipped")},
        "pipeline": {"catalog": pgettext("pipeline", "Catalog sync"),
                     "catalog_refresh": pgettext("pipeline", "Catalog read"),
                     "push_stocks": pgettext("pipeline", "Stock push"),
                     "pull_stocks": pgettext("pipeline", "Stock read")},
        # The stock monitor's alert kinds (sync.monitor.KINDS), named as its messages name them.
        "alert": {"stale": _("Stock sync is stale"), "few_products": _("Too few products"),
                  "stock_jump": _("The stock total jumped"),
                  "offers_drop": _("The marketplace lists far fewer products")},
    }


def label(value: str | None, kind: str) -> str:
    """Name an enumerated value in words of the page's language (`{{ user.status|label("user_status") }}`)."""
    if value is None:
        return ""
    return _label_words()[kind].get(value, value)  # a value added later shows as stored rather than vanishing


@pass_context
def _label_filter(_context: Any, value: str | None, kind: str) -> str:
    # Taking the context keeps Jinja from folding `"vk"|label("system")` into the template when it is compiled,
    # which would fix the words in the language of whoever rendered the page first.
    return label(value, kind)


def build_environment() -> Environment:
    """Create the page environment: autoescaped HTML, newstyle gettext bound to the request's locale."""
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True,  # type: ignore[attr-defined]
                                  pgettext=_pgettext, npgettext=_npgettext)
    env.filters["msk"] = format_msk
    env.filters["money"] = format_money
    env.filters["number"] = format_number
    env.filters["label"] = _label_filter
    # A stored notice said in the page's language (the stored English text for rows from before notices).
    env.globals["say"] = notices.say
    env.globals["remedy"] = notices.remedy
    env.globals["social_providers"] = _social_providers
    return env


def _social_providers() -> list[tuple[str, str]]:
    """Return (provider, title) of the sign-in buttons on /login and /register: the configured providers."""
    from marketsync.accounts.social import TITLES, enabled_providers

    return [(name, TITLES[name]) for name in enabled_providers()]


environment = build_environment()


def csrf_token(request: Request) -> str:
    """Return this request's CSRF token for a form field (asgi-csrf sets the matching cookie)."""
    getter = request.scope.get("csrftoken")
    return str(getter()) if callable(getter) else ""


def flash(request: Request, message: str, category: str = "success") -> None:
    """Keep a message for the next page the seller sees (an alert under the header)."""
    category = category if category in FLASH_CATEGORIES else "info"
    if "session" not in request.scope:
        return
    request.session[FLASH_KEY] = [*request.session.get(FLASH_KEY, []), [category, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    """Take the pending flash messages (each shown once)."""
    if "session" not in request.scope:
        return []
    return [(c, m) for c, m in request.session.pop(FLASH_KEY, [])]


TOKEN_PAGES = frozenset({"/reset-password", "/confirm-email", "/invite"})


def carries_token(request: Request) -> bool:
    """Whether the page's URL carries a secret (a mailed link's token), or its form does."""
    return request.url.path in TOKEN_PAGES or any("token" in key.lower() for key in request.query_params)


def _page_context(request: Request) -> dict[str, Any]:
    locale = get_locale()
    other = next(code for code in LOCALES if code != locale)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    settings = get_settings()
    return {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "locale": locale,
        "switch_locale": other,
        "switch_locale_name": LANGUAGE_NAMES[other],
        "switch_locale_url": f"/lang/{other}?next={quote(here, safe='/')}",
        "current_path": request.url.path,
        # A third-party script on a page whose URL (or form) carries a link token could read and leak it.
        "jivosite_widget_id": None if carries_token(request) else settings.JIVOSITE_WIDGET_ID,
        "sandbox_enabled": settings.SANDBOX_ENABLED or settings.MARKETSYNC_ENV == "demo",
    }


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render a page or fragment as `text/html; charset=utf-8`."""
    html = environment.get_template(template).render({**_page_context(request), **(context or {})})
    return HTMLResponse(html, status_code=status_code, headers=headers)


MAX_PAGE = 1_000_000


def page_number(raw: str | None) -> int:
    """Parse a ?page= value leniently: anything but a positive integer means the first page."""
    try:
        return min(max(1, int(raw or 1)), MAX_PAGE)  # a huge page overflows the databases' OFFSET
    except ValueError:
        return 1


@dataclass(frozen=True)
class Pager:
    """One page of a listing: which page, how many, and links to its neighbours."""

    page: int
    per_page: int
    total: int
    base_url: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_index(self) -> int:
        """Return the 1-based position of this page's first row (0 when empty)."""
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        """Return the 1-based position of this page's last row."""
        return min(self.total, self.page * self.per_page)

    def url(self, page: int) -> str:
        """Return the link to another page, keeping the other query parameters."""
        query = [(k, v) for k, v in self.params if v] + [("page", str(page))]
        return f"{self.base_url}?{urlencode(query)}"

    def window(self, radius: int = 2) -> list[int]:
        """Return the page numbers to show around the current one."""
        start = max(1, self.page - radius)
        end = min(self.pages, self.page + radius)
        return list(range(start, end + 1))
