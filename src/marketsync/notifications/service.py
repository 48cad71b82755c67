"""Notification use cases for the bot, the CLI, the pages and the tasks: a Telegram person's switches in each of
their cabinets, their notification history, and delivering the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import AccountMember, OAuthIdentity
from marketsync.db import utcnow
from marketsync.notifications import delivery
from marketsync.notifications.models import PENDING, TYPES, OutboxMessage
from marketsync.notifications.outbox import TELEGRAM
from marketsync.notifications.settings import ALL, set_switch, settings_of

HISTORY_LIMIT = 100


class NotificationError(ValueError):
    """A refusal shown to the person as is (an unknown Telegram id, an unknown type)."""


def person_of(session: Session, telegram_id: int) -> int | None:
    """Return the user id of the Telegram person, if they ever registered with the bot."""
    return session.scalar(select(OAuthIdentity.user_id).where(OAuthIdentity.provider == TELEGRAM,
                                                             OAuthIdentity.subject == str(telegram_id)))


def _require_person(session: Session, telegram_id: int) -> int:
    user_id = person_of(session, telegram_id)
    if user_id is None:
        raise NotificationError(f"no person with Telegram id {telegram_id} has started the bot")
    return user_id


def cabinets_of(session: Session, user_id: int) -> list[int]:
    """Return the cabinets a person is a member of, in the order they joined."""
    return list(session.scalars(select(AccountMember.account_id).where(AccountMember.user_id == user_id)
                                .order_by(AccountMember.id)))


def switch(session: Session, *, telegram_id: int, kind: str, on: bool) -> dict[str, bool]:
    """Turn one type (or `all`) on or off in every cabinet of the Telegram person; return the new switches."""
    if kind != ALL and kind not in TYPES:
        raise NotificationError(f"unknown notification type {kind!r}; one of: {', '.join((ALL, *TYPES))}")
    user_id = _require_person(session, telegram_id)
    accounts = cabinets_of(session, user_id)
    if not accounts:
        raise NotificationError(f"the person with Telegram id {telegram_id} has no cabinet yet")
    for account_id in accounts:
        set_switch(session, account_id=account_id, user_id=user_id, kind=kind, on=on)
    return switches(session, telegram_id=telegram_id)


def switches(session: Session, *, telegram_id: int) -> dict[str, bool]:
    """Return the person's switches (of their first cabinet): `all` and one per type."""
    user_id = _require_person(session, telegram_id)
    accounts = cabinets_of(session, user_id)
    if not accounts:
        return {ALL: True, **dict.fromkeys(TYPES, True)}
    row = settings_of(session, account_id=accounts[0], user_id=user_id)
    return {ALL: bool(row.enabled), **{kind: bool(getattr(row, kind)) for kind in TYPES}}


@dataclass(frozen=True)
class HistoryEntry:
    """One notification as the history shows it."""

    type: str
    wb_id: str
    state: str
    sent_at: datetime | None
    event_at: datetime | None
    created_at: datetime
    attempts: int
    last_error: str | None

    def as_json(self) -> dict[str, str | None]:
        """Return the CLI's JSON line: type, wb_id, state and sent_at (ISO 8601 UTC, or null)."""
        return {"type": self.type, "wb_id": self.wb_id, "state": self.state,
                "sent_at": self.sent_at.isoformat() if self.sent_at else None}


def history(session: Session, telegram_id: int, *, limit: int = HISTORY_LIMIT,
            kind: str | None = None) -> list[HistoryEntry]:
    """Return the Telegram person's latest notifications in all their cabinets, newest first."""
    user_id = _require_person(session, telegram_id)
    query = select(OutboxMessage).where(OutboxMessage.user_id == user_id)
    if kind is not None:
        query = query.where(OutboxMessage.type == kind)
    rows = session.scalars(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit))
    return [HistoryEntry(r.type, r.wb_id, r.state, r.sent_at, r.event_at, r.created_at, r.attempts, r.last_error)
            for r in rows]


def deliver(engine: Engine, *, account_id: int | None = None, wait_seconds: float = 0.0) -> delivery.DeliveryReport:
    """Send what is due in the outbox (of one cabinet, or all) to Telegram."""
    return delivery.deliver(engine, account_id=account_id, wait_seconds=wait_seconds)


def outbox_depth(session: Session) -> dict[str, float]:
    """Count the outbox's waiting rows: `pending` (all of them) and `overdue` (due over five minutes ago)."""
    waiting = OutboxMessage.state == PENDING
    overdue = session.scalar(select(func.count()).where(
        waiting, OutboxMessage.next_attempt_at <= utcnow() - timedelta(minutes=5))) or 0
    return {"pending": float(session.scalar(select(func.count()).where(waiting)) or 0), "overdue": float(overdue)}
