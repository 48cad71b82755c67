"""The Telegram Login Widget's answer: the fields it appends to the auth URL, signed by Telegram with the bot's
token. Check: hash = hex HMAC-SHA256 of the data-check-string (every other field as `key=value`, sorted by key,
joined by newlines) keyed by SHA256(bot token); auth_date no older than a day."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from marketsync.connectors.oauth.identity import FailureKind, ProviderError, ProviderIdentity

MAX_AGE = timedelta(days=1)
FIELDS = frozenset({"id", "first_name", "last_name", "username", "photo_url", "auth_date"})
# Telegram's clock and ours may differ a little: an auth_date this far in the future is still accepted.
CLOCK_SKEW = timedelta(minutes=5)


def data_check_string(fields: Mapping[str, str]) -> str:
    """Return the data-check-string of the widget's fields: every field but `hash`, sorted, `key=value` lines."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: Mapping[str, str], bot_token: str) -> str:
    """Return the hash Telegram puts on these fields for this bot (the sandbox signs with it too)."""
    key = hashlib.sha256(bot_token.encode()).digest()
    return hmac.new(key, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def verify(query: Mapping[str, str], bot_token: str, *, now: datetime | None = None) -> ProviderIdentity:
    """Return the Telegram person the widget's fields name; raise ProviderError when forged, altered or stale."""
    fields = {key: value for key, value in query.items() if key in FIELDS}
    given = query.get("hash", "")
    if not bot_token or not given or "id" not in fields or "auth_date" not in fields:
        raise ProviderError(FailureKind.INVALID, "missing fields")
    # Constant time: the comparison must not tell a forger how many leading characters were right.
    if not hmac.compare_digest(sign(fields, bot_token), given.lower()):
        raise ProviderError(FailureKind.INVALID, "hash does not match")
    if not fields["id"].isdigit() or not fields["auth_date"].isdigit():
        raise ProviderError(FailureKind.INVALID, "malformed id or auth_date")
    signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    moment = now or datetime.now(UTC)
    if signed_at < moment - MAX_AGE or signed_at > moment + CLOCK_SKEW:
        raise ProviderError(FailureKind.INVALID, "auth_date is older than a day")
    name = " ".join(part for part in (fields.get("first_name"), fields.get("last_name")) if part) or None
    return ProviderIdentity(provider="telegram", subject=fields["id"], name=name or fields.get("username"))
