"""What a person is told, kept free of any language until it is shown: a Notice is a key and its parameters.

Connectors raise errors with keys and plain parameters (connectors/errors.py) and never speak a language;
services turn them (and their own refusals) into Notices, store them as JSON beside the English text that logs
and the CLI read (`connections.last_error_notice`, `sync_runs.error_notice`), and a page says them in the
reader's language through the Babel catalogs (Russian by default, English). This module is that catalog: one
msgid per key, and for some keys the remedy, what the seller can do about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marketsync.connectors import title_of
from marketsync.connectors.errors import ConnectorError
from marketsync.connectors.records import CheckResult
from marketsync.web.i18n import get_locale, translations


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it yet."""
    return message


# key → msgid; %(system)s is a system's slug said by its name, %(cause)s another Notice said in place.
TEXTS: dict[str, str] = {
    # raised by connectors
    "token_rejected": N_("%(system)s rejected the token (code %(code)s): %(detail)s"),
    "no_access": N_("%(system)s denied access (code %(code)s): %(detail)s"),
    "not_paid": N_("%(system)s: the store's subscription is not paid (code %(code)s)"),
    "refused": N_("%(system)s refused the request (code %(code)s): %(detail)s"),
    "photo_refused": N_("%(system)s refused the photo: %(detail)s"),
    "no_warehouse": N_("%(system)s: no seller warehouse is set for this connection, so its stock is not pushed"),
    "rate_limited": N_("%(system)s asks to slow down"),
    "own_pace_spent": N_("Our own request budget for %(system)s is spent for now"),
    "read_only": N_("MarketSync is in read-only mode: nothing is written to %(system)s"),
    "no_answer": N_("%(system)s gave no proper answer (%(detail)s)"),
    "http_status": N_("%(system)s answered with an error (HTTP %(status)s)"),
    "not_sent": N_("%(system)s is not reachable (%(detail)s)"),
    "unavailable": N_("%(system)s is not available for now (%(detail)s)"),
    "malformed": N_("%(system)s answered something unexpected (%(detail)s)"),
    "not_found": N_("%(system)s: not found (code %(code)s) at %(path)s"),
    "stock_updates_blocked": N_("%(system)s blocked stock updates for this seller (code %(code)s): %(detail)s"),
    # connection checks
    "stores_found": N_("Evotor: stores found: %(count)s"),
    "community_found": N_("VK: community «%(name)s», albums: %(albums)s"),
    "community_not_found": N_("VK community %(group_id)s was not found"),
    "market_disabled": N_("VK community «%(name)s» has no market enabled"),
    "community_unavailable": N_("VK community %(group_id)s is not available: %(cause)s"),
    "unreachable": N_("%(system)s is not reachable: %(cause)s"),
    "wait_and_retry": N_("%(system)s asks to wait %(seconds)s s, try again later"),
    "slow_down_and_retry": N_("%(system)s asks to slow down, try again in a minute"),
    "own_pace_retry": N_("Our own request budget for %(system)s is spent for now, try again in a minute"),
    "invalid_credentials": N_("%(system)s: %(field)s: %(detail)s"),
    "credentials_unreadable": N_("The stored credentials cannot be read any more: connect again"),
    "not_a_source": N_("%(system)s cannot be a catalog source"),
    "not_a_channel": N_("%(system)s cannot be a catalog channel"),
    "not_a_stock_channel": N_("%(system)s does not take stock from us"),
    "not_a_card_channel": N_("%(system)s does not take product cards from us"),
    "publish_already_running": N_("another publish of this cabinet to this marketplace is still running"),
    "warehouse_found": N_("%(system)s: warehouse «%(name)s» (%(warehouse)s)"),
    "warehouse_not_found": N_("%(system)s: warehouse %(warehouse)s is not among the seller's warehouses "
                              "(%(known)s)"),
    "warehouse_inactive": N_("%(system)s: warehouse %(warehouse)s «%(name)s» is not active (status %(status)s): "
                             "stock cannot be sent to it"),
    "campaign_found": N_("%(system)s: shop «%(name)s», campaign %(campaign)s (%(placement)s)"),
    "campaign_not_found": N_("%(system)s: campaign %(campaign)s was not found"),
    "campaign_of_another_business": N_("%(system)s: campaign %(campaign)s belongs to business %(owner)s, not to "
                                       "business %(business)s"),
    "campaign_not_fbs": N_("%(system)s: campaign %(campaign)s works by %(placement)s, where the marketplace keeps "
                           "the stock; connect an FBS or DBS shop"),
    "not_an_event_feed": N_("%(system)s has no buyer events for us to read"),
    # runs
    "not_connected": N_("%(system)s is not connected: connect it on the connections page first"),
    "already_running": N_("another sync of this account is still running"),
    "balance_spent": N_("paused: the cabinet's balance is spent; syncs resume by themselves once it is topped up"),
    "queue_unavailable": N_("the task queue is not available: %(detail)s"),
    "worker_stopped": N_("the worker stopped during this run (no sign of life); it was marked failed"),
    "lock_taken": N_("another run took over this account's lock"),
    "stock_already_running": N_("another stock sync of this cabinet is still running"),
    "cards_unavailable": N_("%(system)s did not give its product cards (no photos in messages): %(cause)s"),
    "reviews_unavailable": N_("%(system)s did not give its reviews (no review notifications): %(cause)s"),
    "stock_report_unavailable": N_("%(system)s did not give its stock report (no critical stock notifications): "
                                   "%(cause)s"),
    "events_already_running": N_("another sync of this cabinet's orders and reviews is still running"),
    "stock_refused": N_("%(system)s refused the stock of %(offer)s (%(code)s): %(detail)s"),
    "answers_lost": N_("the channel lost %(count)s answers in one run: %(cause)s"),
    "internal_error": N_("internal error: %(detail)s"),
    "item_failed": N_("«%(name)s»: %(detail)s"),
    "album_failed": N_("album «%(name)s»: %(detail)s"),
    "memberships_failed": N_("%(count)s item(s) into album %(album)s: %(detail)s"),
}

REMEDIES: dict[str, str] = {
    "balance_spent": N_("Top up the balance on the Billing page."),
    "token_rejected": N_("Paste a new token on the connections page."),
    "no_access": N_("Check the community id and that the token belongs to one of its administrators."),
    "not_paid": N_("Pay for the store's Evotor subscription, or switch the store off."),
    "community_not_found": N_("Check the community id on the connections page."),
    "market_disabled": N_("Switch the market (Products) on in the community's settings."),
    "credentials_unreadable": N_("Connect the system again on the connections page."),
    "rate_limited": N_("Nothing to do: the next sync tries again by itself."),
    "wait_and_retry": N_("Nothing to do: the next sync tries again by itself."),
    "slow_down_and_retry": N_("Nothing to do: the next sync tries again by itself."),
    "own_pace_spent": N_("Nothing to do: the next sync tries again by itself."),
    "read_only": N_("The operator paused every write; syncs resume by themselves when read-only mode is off."),
    "own_pace_retry": N_("Nothing to do: the next sync tries again by itself."),
    "no_answer": N_("Nothing to do: the next sync tries again by itself."),
    "http_status": N_("Nothing to do: the next sync tries again by itself."),
    "not_sent": N_("Nothing to do: the next sync tries again by itself."),
    "unavailable": N_("Nothing to do: the next sync tries again by itself."),
    "unreachable": N_("Nothing to do: the next sync tries again by itself."),
    "not_connected": N_("Connect it on the connections page."),
    "no_warehouse": N_("Enter the id of your seller warehouse on the connections page."),
}


@dataclass(frozen=True)
class Notice:
    """A message as a key and parameters, with the English text to show when the key is not in the catalog."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    def say(self, locale: str | None = None) -> str:
        """Say it in a locale (the request's by default); a key the catalog does not know says `text`."""
        msgid = TEXTS.get(self.key)
        if msgid is None:
            return self.text or self.key
        locale = locale or get_locale()
        values = {name: _value(name, value, locale) for name, value in self.params.items()}
        try:
            return translations(locale).gettext(msgid) % values
        except (KeyError, TypeError, ValueError):  # a parameter missing from an old row: say what was stored
            return self.text or msgid

    @property
    def english(self) -> str:
        """The English text, for logs, the CLI and the admin's searches."""
        return self.text or self.say("en")

    def remedy(self, locale: str | None = None) -> str | None:
        """Say what the seller can do about it, when there is a known remedy."""
        msgid = REMEDIES.get(self.key)
        return translations(locale or get_locale()).gettext(msgid) if msgid else None

    def dump(self) -> dict[str, Any]:
        """Return the JSON stored beside the English text."""
        return {"key": self.key, "params": dict(self.params), "text": self.english}


def _value(name: str, value: Any, locale: str) -> Any:
    if isinstance(value, Mapping) and "key" in value:  # a nested notice (a check's or a run's cause)
        nested = load(value)
        return nested.say(locale) if nested else ""
    if name == "system" and isinstance(value, str):
        return translations(locale).pgettext("system", title_of(value))
    return "" if value is None else value


def load(data: Any) -> Notice | None:
    """Read a stored notice back (None for nothing stored or something that is not a notice)."""
    if isinstance(data, Notice):
        return data
    if not isinstance(data, Mapping):
        return None
    params = data.get("params")
    return Notice(str(data.get("key") or ""), params if isinstance(params, Mapping) else {},
                  str(data.get("text") or ""))


def notice(key: str, **params: Any) -> Notice:
    """Build a notice of this catalog, its English text said now."""
    return Notice(key, params, Notice(key, params).say("en"))


def plain(text: str) -> Notice:
    """Wrap a text that has no key (shown as it is, in English)."""
    return Notice("", {}, text)


def of_error(exc: BaseException) -> Notice:
    """Turn a connector's error (or any exception) into a notice; its English message stays the text."""
    if isinstance(exc, ConnectorError):
        return Notice(exc.key or "", dict(exc.params), exc.message)
    carried = getattr(exc, "notice", None)
    return carried if isinstance(carried, Notice) else plain(str(exc))


def of_check(result: CheckResult) -> Notice:
    """Turn a connection test's outcome into a notice."""
    return Notice(result.key or "", dict(result.params), result.message)


def say(stored: Any, fallback: str | None = None) -> str:
    """Say a stored notice in the request's language, else the stored text (a row from before notices)."""
    found = load(stored)
    if found is not None and (found.key or found.text):
        return found.say()
    return fallback or ""


def remedy(stored: Any) -> str | None:
    """Say the remedy of a stored notice in the request's language, if it has one."""
    found = load(stored)
    return found.remedy() if found is not None else None
