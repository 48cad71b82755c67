"""Wallets (one per cabinet), their ledger entries, YooKassa payments, and the tariff the balance pays for.

A wallet's balance is a cache of the sum of its entries, changed only by billing.ledger.post_entry in the same
transaction as the entry it adds, so the two never disagree."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow

MONEY = Numeric(14, 2)


class Wallet(Base):
    """A cabinet's balance in rubles."""

    __tablename__ = "wallets"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    balance: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(Base):
    """One top-up: our row first (with its Idempotence-Key), then YooKassa's payment id once it answers.

    Statuses: new (not yet created at YooKassa), pending, waiting_for_capture, succeeded, canceled, failed
    (YooKassa refused to create it). `credited_at` is set by the one transaction that credits it."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    provider: Mapped[str] = mapped_column(String(16), default="yookassa")
    provider_payment_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    idempotence_key: Mapped[str] = mapped_column(String(64), unique=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="RUB")
    status: Mapped[str] = mapped_column(String(24), default="new", index=True)
    confirmation_token: Mapped[str | None] = mapped_column(String(255))
    refunded_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    credited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """One change of a cabinet's balance: payment, refund, charge or adjustment (by an admin, with a reason).

    `dedup_key` is unique ("payment:<id>", "refund:<YooKassa refund id>", a charge's "charge:<day>"...), so an
    event applied twice by racing transactions fails on the second insert instead of counting twice."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    balance_after: Mapped[Decimal] = mapped_column(MONEY)
    reason: Mapped[str | None] = mapped_column(String(500))
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id", ondelete="SET NULL"), index=True)
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Tariff(Base):
    """The one tariff an admin sets (row id 1): a daily fee per active connection beyond `free_connections`;
    a cabinet with at most `free_products` products (when that is above 0) pays nothing. Off: nobody pays."""

    __tablename__ = "tariffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    connection_fee: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    free_connections: Mapped[int] = mapped_column(Integer, default=0)
    free_products: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TariffState(Base):
    """A cabinet's low-balance episode: `warned_days` is the smallest warning already given in it (3 or 1), None
    while the balance lasts; the episode number grows when a top-up ends one, so its warnings can come again."""

    __tablename__ = "tariff_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    episode: Mapped[int] = mapped_column(Integer, default=1)
    warned_days: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TariffWarning(Base):
    """One "the balance runs out" warning to a cabinet's people, unique per episode and threshold
    ("tariff:<cabinet>:<episode>:<days>"); `sent_at` once the e-mails and Telegram messages went out."""

    __tablename__ = "tariff_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    dedup_key: Mapped[str] = mapped_column(String(128), unique=True)
    threshold: Mapped[int] = mapped_column(Integer)
    days_left: Mapped[int] = mapped_column(Integer)
    balance: Mapped[Decimal] = mapped_column(MONEY)
    daily_fee: Mapped[Decimal] = mapped_column(MONEY)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
