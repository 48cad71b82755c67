"""Each person's notification switches per cabinet: read with defaults (everything on), toggled one type or all
at once; what the bot, the web page and the CLI change, and what delivery reads at send time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.notifications.models import TYPES, NotificationSetting

ALL = "all"


def settings_of(session: Session, *, account_id: int, user_id: int) -> NotificationSetting:
    """Return the person's switches for the cabinet, creating the all-on row on first use."""
    row = session.scalar(select(NotificationSetting).where(NotificationSetting.account_id == account_id,
                                                           NotificationSetting.user_id == user_id))
    if row is None:
        row = NotificationSetting(account_id=account_id, user_id=user_id, enabled=True,
                                  **dict.fromkeys(TYPES, True))
        session.add(row)
        session.flush()
    return row


def set_switch(session: Session, *, account_id: int, user_id: int, kind: str, on: bool) -> NotificationSetting:
    """Turn one type (or `all`, the global switch) on or off; raise ValueError for an unknown type."""
    if kind != ALL and kind not in TYPES:
        raise ValueError(f"unknown notification type {kind!r}; one of: {', '.join((ALL, *TYPES))}")
    row = settings_of(session, account_id=account_id, user_id=user_id)
    setattr(row, "enabled" if kind == ALL else kind, on)
    row.updated_at = utcnow()
    session.flush()
    return row


def wants(row: NotificationSetting, kind: str) -> bool:
    """Whether a message of this type goes to the person now (the global switch and the type's both on)."""
    return bool(row.enabled and getattr(row, kind))
