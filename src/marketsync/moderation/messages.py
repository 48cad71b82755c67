"""Why a verdict is what it is, in words: each reason stored on a verdict ({"rule", "key", "params"}) said in
Russian or English through the Babel catalogs (msgids are English; the page's language by default, English for
the CLI and logs). A key this catalog does not know is shown as its stored text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marketsync.connectors import title_of
from marketsync.web.i18n import get_locale, translations


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it yet."""
    return message


TEXTS: dict[str, str] = {
    "forbidden_word_name": N_("The name contains the forbidden word «%(word)s»"),
    "forbidden_word_description": N_("The description contains the forbidden word «%(word)s»"),
    "forbidden_word_param": N_("The attribute «%(param)s» contains the forbidden word «%(word)s»"),
    "title_too_long": N_("The name is %(length)s characters long: %(channel)s allows at most %(limit)s"),
    "no_photos": N_("The product has no photos"),
    "photo_unreadable": N_("Photo %(number)s cannot be used: %(problem)s"),
    "photo_too_small": N_("Photo %(number)s is %(width)s×%(height)s px: %(channel)s needs at least "
                          "%(min_width)s×%(min_height)s px"),
    "photo_format": N_("Photo %(number)s is %(format)s: %(channel)s takes only JPG and PNG"),
    "empty_description": N_("The description is empty"),
    "price_missing": N_("The price is not set"),
    "price_below": N_("The price %(price)s ₽ is below the cabinet's minimum of %(min)s ₽"),
    "price_above": N_("The price %(price)s ₽ is above the cabinet's maximum of %(max)s ₽"),
    "model_reason": N_("Language model: %(text)s"),
    "manual_reject": N_("Rejected by %(who)s"),
}

PROBLEMS: dict[str, str] = {
    "picture_missing": N_("it is not found at its address"),
    "not_a_picture": N_("the file is not a picture"),
    "picture_too_large": N_("the file is too large"),
    "picture_redirects": N_("its address redirects too many times"),
}

RULE_NAMES: dict[str, str] = {
    "forbidden_words": N_("Forbidden words"),
    "title_length": N_("Title length"),
    "no_photos": N_("No photos"),
    "photo_size": N_("Photo size and format"),
    "empty_description": N_("Empty description"),
    "price_range": N_("Price out of range"),
    "model": N_("Language model"),
    "manual": N_("Manual decision"),
}

CHANNEL_SYSTEMS = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}


def channel_name(channel: str, locale: str | None = None) -> str:
    """Name a channel (ozon, wb, ym) as sellers know it, in the locale."""
    return str(translations(locale or get_locale()).pgettext("system",
                                                             title_of(CHANNEL_SYSTEMS.get(channel, channel))))


def rule_name(rule: str, locale: str | None = None) -> str:
    """Name a rule in the locale."""
    msgid = RULE_NAMES.get(rule)
    return translations(locale or get_locale()).gettext(msgid) if msgid else rule


def say(reason: Mapping[str, Any], locale: str | None = None) -> str:
    """Say one stored reason in the locale (the request's by default)."""
    locale = locale or get_locale()
    catalog = translations(locale)
    key = str(reason.get("key") or "")
    params = dict(reason.get("params") or {})
    msgid = TEXTS.get(key)
    if msgid is None:
        return str(params.get("text") or key)
    channel = reason.get("channel")
    if channel:
        params["channel"] = channel_name(str(channel), locale)
    if key == "photo_unreadable":
        problem = PROBLEMS.get(str(params.get("problem")))
        params["problem"] = catalog.gettext(problem) if problem else params.get("problem", "")
    try:
        return catalog.gettext(msgid) % params
    except (KeyError, TypeError, ValueError):  # a reason stored by an older version: its key at least
        return key


def english(reason: Mapping[str, Any]) -> str:
    """Say a reason in English, prefixed by its rule key (the CLI's and the logs' form)."""
    if reason.get("key") == "model_reason":  # the model's own words, not "model: Language model: ..."
        return f"model: {dict(reason.get('params') or {}).get('text', '')}"
    return f"{reason.get('rule', '')}: {say(reason, 'en')}"
