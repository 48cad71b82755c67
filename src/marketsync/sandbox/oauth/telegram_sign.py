"""How Telegram signs the Login Widget's fields for a bot (written from Telegram's page, independently of ours):
HMAC-SHA256 over the sorted `key=value` lines, keyed by SHA256 of the bot token."""

from __future__ import annotations

import hashlib
import hmac

from marketsync.sandbox.oauth.state import Person


def signed_fields(person: Person, bot_token: str, auth_date: int) -> dict[str, str]:
    """Return the fields the widget appends to the auth URL, `hash` included."""
    first, _, last = person.name.partition(" ")
    fields = {"id": person.subject, "first_name": first, "auth_date": str(auth_date)}
    if last:
        fields["last_name"] = last
    if person.username:
        fields["username"] = person.username
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret = hashlib.sha256(bot_token.encode()).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return fields
