"""Marketplace stock state per cabinet: the offers we saw, the seller's mappings, what each marketplace reports
(the stock-sync tool's `inventory`), what we last pushed, the history of pushes, per-marketplace settings and the
stock monitor's alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class OfferRow(Base):
    """One marketplace offer (a WB size) as last listed, and the product key it was matched to."""

    __tablename__ = "market_offers"
    __table_args__ = (UniqueConstraint("connection_id", "stock_key"),
                      Index("ix_market_offers_product", "account_id", "product_key"),
                      # A push walks a connection's offers in id order and counts the sizes of their cards.
                      Index("ix_market_offers_walk", "connection_id", "id"),
                      Index("ix_market_offers_card", "connection_id", "remote_product_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stock_key: Mapped[str] = mapped_column(String(128))
    offer_id: Mapped[str] = mapped_column(String(128))
    barcodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(500), default="")
    remote_product_id: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[str | None] = mapped_column(String(128))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    product_key: Mapped[str | None] = mapped_column(String(128))  # None: unmatched
    match_rule: Mapped[str | None] = mapped_column(String(16))  # manual | key | barcode
    unmatched_reason: Mapped[str | None] = mapped_column(String(255))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockMapping(Base):
    """The seller's own answer for one offer: this product key, or "" for "not ours"; wins over matching."""

    __tablename__ = "stock_mappings"
    __table_args__ = (UniqueConstraint("connection_id", "stock_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stock_key: Mapped[str] = mapped_column(String(128))
    product_key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MarketStock(Base):
    """A quantity a marketplace reported for one offer at one warehouse (FBS or FBO), as of its last pull."""

    __tablename__ = "market_stocks"
    __table_args__ = (UniqueConstraint("connection_id", "stock_key", "warehouse_id", "fulfillment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stock_key: Mapped[str] = mapped_column(String(128))
    warehouse_id: Mapped[str] = mapped_column(String(128))
    warehouse_name: Mapped[str | None] = mapped_column(String(255))
    fulfillment: Mapped[str] = mapped_column(String(8))  # fbs | fbo
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockPush(Base):
    """Our side of one matched offer: the stock we offer, the last amount the marketplace accepted, errors."""

    __tablename__ = "stock_pushes"
    __table_args__ = (UniqueConstraint("connection_id", "stock_key"),
                      Index("ix_stock_pushes_product", "account_id", "product_key"),
                      Index("ix_stock_pushes_walk", "connection_id", "id"),
                      # The push hands out what is pending, least recently pushed first.
                      Index("ix_stock_pushes_pending", "connection_id", "pending", "pushed_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    stock_key: Mapped[str] = mapped_column(String(128))
    product_key: Mapped[str] = mapped_column(String(128))
    offered: Mapped[int] = mapped_column(Integer, default=0)
    # None: never accepted, or the last push's answer was lost (only the marketplace's report is trusted then).
    pushed_amount: Mapped[int | None] = mapped_column(Integer)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(String(64))
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The plan of the push under way: write `offered` (cleared as each answer is recorded).
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What the marketplace reported at our warehouse when last read for a never-pushed item (None: no record).
    reported: Mapped[int | None] = mapped_column(Integer)


class OfferedLevel(Base):
    """A push's copy of our stock per product key over the enabled stores, so matching and planning read it
    chunk by chunk from the database instead of holding every product in memory. Rewritten by every push."""

    __tablename__ = "offered_levels"
    # Not unique: under MariaDB's case-insensitive collation "ab1" and "AB1" are two keys (compared exactly in
    # Python after the lookup).
    __table_args__ = (Index("ix_offered_levels_key", "connection_id", "product_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    product_key: Mapped[str] = mapped_column(String(128))
    offered: Mapped[int] = mapped_column(Integer)


class OfferedBarcode(Base):
    """A barcode of one of our product keys in a push's copy (see OfferedLevel), for matching by barcode."""

    __tablename__ = "offered_barcodes"
    __table_args__ = (Index("ix_offered_barcodes_barcode", "connection_id", "barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    barcode: Mapped[str] = mapped_column(String(255))
    product_key: Mapped[str] = mapped_column(String(128))


class StockHistory(Base):
    """One accepted push: the amount a marketplace took for an offer, for the product's stock chart."""

    __tablename__ = "stock_history"
    __table_args__ = (Index("ix_stock_history_product", "account_id", "product_key", "pushed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    product_key: Mapped[str] = mapped_column(String(128))
    stock_key: Mapped[str] = mapped_column(String(128))
    amount: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockConfig(Base):
    """A cabinet's stock rules for one marketplace: units held back, and how often beat pushes and pulls."""

    __tablename__ = "stock_configs"
    __table_args__ = (UniqueConstraint("account_id", "system"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(32))
    reserve: Mapped[int] = mapped_column(Integer, default=0)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_seconds: Mapped[int] = mapped_column(Integer, default=6 * 3600)  # the tool's "every 6 hours"


class MonitorAlert(Base):
    """One alert of the stock monitor about a cabinet's marketplace, from raised to cleared, and which of its two
    messages (raised, cleared) went out by e-mail and by Telegram."""

    __tablename__ = "monitor_alerts"
    __table_args__ = (UniqueConstraint("open_key"),
                      Index("ix_monitor_alerts_account_opened", "account_id", "opened_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))  # the marketplace (ozon, wildberries, yandex_market)
    kind: Mapped[str] = mapped_column(String(32))  # sync.monitor.KINDS
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the figures when it was raised
    message: Mapped[str] = mapped_column(Text)  # the alert as sent (Russian, then English)
    clear_message: Mapped[str | None] = mapped_column(Text)
    # "account:source:kind" while open, NULL once cleared: at most one open alert per kind, even when two monitor
    # runs overlap (NULLs never collide in a unique constraint, on every dialect).
    open_key: Mapped[str | None] = mapped_column(String(96))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When each message went out on each channel; None: not yet (or the channel is off).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clear_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clear_telegram_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last failed delivery: tried again by the next monitor run.
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivery_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
