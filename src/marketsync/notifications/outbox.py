"""The outbox's writing side: who of a cabinet is told (its members with a Telegram identity), and one row per
event and person, inserted so that a retried or repeated sync never makes a second row (unique dedupe key)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.accounts.models import AccountMember, OAuthIdentity
from marketsync.db import insert_ignore, utcnow
from marketsync.notifications.detect import Event
from marketsync.notifications.models import PENDING, OutboxMessage
from marketsync.security import sha256_hex

TELEGRAM = "telegram"  # oauth_identities.provider of a Telegram person; subject = str(telegram id) = chat id
KEY_MAX = 255


@dataclass(frozen=True)
class Subscriber:
    """A cabinet member who has a Telegram chat with the bot."""

    user_id: int
    chat_id: int


def subscribers(session: Session, account_id: int) -> list[Subscriber]:
    """Return the cabinet's members with a Telegram identity, in the order they joined."""
    rows = session.execute(
        select(AccountMember.user_id, OAuthIdentity.subject)
        .join(OAuthIdentity, (OAuthIdentity.user_id == AccountMember.user_id) & (OAuthIdentity.provider == TELEGRAM))
        .where(AccountMember.account_id == account_id).order_by(AccountMember.id))
    found: dict[int, Subscriber] = {}
    for user_id, subject in rows:
        if subject.lstrip("-").isdigit() and user_id not in found:
            found[user_id] = Subscriber(user_id, int(subject))
    return list(found.values())


def dedupe_key(account_id: int, user_id: int, event: Event) -> str:
    """Return the row's unique key: cabinet, person, type and the event's key (hashed when too long)."""
    key = f"{account_id}:{user_id}:{event.type}:{event.key}"
    return key if len(key) <= KEY_MAX else f"{account_id}:{user_id}:{event.type}:#{sha256_hex(event.key)}"


def add_events(session: Session, *, account_id: int, source: str, events: Sequence[Event],
               people: Sequence[Subscriber], photos: dict[str, str] | None = None) -> int:
    """Queue one pending row per event and person (a row already there is left alone); return how many tried."""
    if not events or not people:
        return 0
    now = utcnow()
    rows = [{"account_id": account_id, "user_id": person.user_id, "chat_id": person.chat_id, "type": event.type,
             "source": source, "wb_id": event.wb_id[:128], "dedupe_key": dedupe_key(account_id, person.user_id, event),
             "payload": event.payload, "photo_url": (photos or {}).get(event.product_id or ""),
             "event_at": event.event_at or now, "state": PENDING, "attempts": 0, "next_attempt_at": now,
             "created_at": now}
            for event in events for person in people]
    insert_ignore(session, OutboxMessage, rows, keys=["dedupe_key"])
    return len(rows)
