"""Per-person notification settings and the outbox: one row per (cabinet, person, event), unique by its key,
so a retried or repeated sync never notifies twice; state and attempts live on the row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow

# The notification types, named as in the settings, the bot and the CLI.
NEW_ORDERS, ORDER_BUYOUTS, ORDER_CANCELLATIONS = "new_orders", "order_buyouts", "order_cancellations"
ORDER_RETURNS, NEGATIVE_REVIEWS, CRITICAL_STOCKS = "order_returns", "negative_reviews", "critical_stocks"
TYPES = (NEW_ORDERS, ORDER_BUYOUTS, ORDER_CANCELLATIONS, ORDER_RETURNS, NEGATIVE_REVIEWS, CRITICAL_STOCKS)
PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"


class NotificationSetting(Base):
    """One person's switches for one cabinet: all on or off, and one per type."""

    __tablename__ = "notification_settings"
    __table_args__ = (UniqueConstraint("account_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    new_orders: Mapped[bool] = mapped_column(Boolean, default=True)
    order_buyouts: Mapped[bool] = mapped_column(Boolean, default=True)
    order_cancellations: Mapped[bool] = mapped_column(Boolean, default=True)
    order_returns: Mapped[bool] = mapped_column(Boolean, default=True)
    negative_reviews: Mapped[bool] = mapped_column(Boolean, default=True)
    critical_stocks: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """One event for one person: pending until delivered (sent), refused for good (failed) or switched off at
    send time (skipped). `payload` holds the facts the message names; `claimed_until` is the sender's lease."""

    __tablename__ = "notification_outbox"
    __table_args__ = (UniqueConstraint("dedupe_key"),
                      Index("ix_notification_outbox_due", "state", "next_attempt_at"),
                      Index("ix_notification_outbox_user", "user_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    wb_id: Mapped[str] = mapped_column(String(128))  # the marketplace's id of the event (srid, saleID, review id)
    dedupe_key: Mapped[str] = mapped_column(String(255))  # cabinet:user:type:id[:size:run]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    photo_url: Mapped[str | None] = mapped_column(String(1000))
    event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
