"""Russian and English: the .po catalogs (read at startup, no compile step), the request's locale and the
language switch. Message ids are English; Russian is the default language of every page."""

from __future__ import annotations

from contextvars import ContextVar, Token
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from marketsync.settings import get_settings

LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"
LANG_COOKIE = "ms_lang"
LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}

_current: ContextVar[str] = ContextVar("marketsync_locale", default=DEFAULT_LOCALE)

router = APIRouter(tags=["pages"])


@lru_cache
def translations(locale: str) -> Translations:
    """Return the Translations of a locale, read from its messages.po (compiled in memory once)."""
    path = LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def load_catalogs() -> None:
    """Read every catalog now, so a broken .po file fails at startup rather than on a page."""
    for locale in LOCALES:
        translations(locale)


def pick_locale(value: str | None) -> str:
    """Return a supported locale for a cookie value, Russian by default."""
    value = (value or "").strip().lower()[:2]
    return value if value in LOCALES else DEFAULT_LOCALE


def set_locale(locale: str) -> Token[str]:
    """Make a locale current for this request's context."""
    return _current.set(pick_locale(locale))


def reset_locale(token: Token[str]) -> None:
    """Restore the locale that was current before set_locale."""
    _current.reset(token)


def get_locale() -> str:
    """Return the current request's locale."""
    return _current.get()


def gettext(message: str, **variables: Any) -> str:
    """Translate a message into the current locale, then fill %(name)s placeholders."""
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """Translate a message with a count (Russian has three plural forms); %(num)d is the count."""
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def local_path(value: str | None, default: str = "/") -> str:
    """Return value when it is a path on this site (never another host), else the default."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in "\r\n\t\\"):
        return default
    return value


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str, next: str | None = None) -> RedirectResponse:
    """Remember the chosen language in a cookie and go back to the page the seller was on."""
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(LANG_COOKIE, pick_locale(code), max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                        secure=get_settings().BASE_URL.startswith("https"))
    return response
