"""Marketplace events as stored per cabinet: orders, sales (buyouts and returns), reviews, each size's stock
total with its critical state, and product cards (title, photo) for the messages.

Every row carries `account_id` and `source` (the connection's system: wildberries, ozon); `created_at` is when
*we* stored the row (buyouts and returns are found by it, not by the sale date); times are UTC."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class Order(Base):
    """One ordered unit (WB srid); `cancelled_seen_at` is when we first stored it as cancelled."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("account_id", "source", "external_id"),
                      Index("ix_orders_account_ordered", "account_id", "ordered_at"),
                      Index("ix_orders_account_created", "account_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article: Mapped[str] = mapped_column(String(128), default="")
    product_id: Mapped[str | None] = mapped_column(String(128))
    barcode: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    warehouse: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Sale(Base):
    """A buyout (WB saleID S…) or a return (R…) of one unit."""

    __tablename__ = "sales"
    __table_args__ = (UniqueConstraint("account_id", "source", "external_id"),
                      Index("ix_sales_account_sold", "account_id", "sold_at"),
                      Index("ix_sales_account_created", "account_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # buyout | return
    order_external_id: Mapped[str | None] = mapped_column(String(128))
    sold_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article: Mapped[str] = mapped_column(String(128), default="")
    product_id: Mapped[str | None] = mapped_column(String(128))
    barcode: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    for_pay: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    warehouse: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Review(Base):
    """A buyer's review (WB feedback), with its rating 1..5."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("account_id", "source", "external_id"),
                      Index("ix_reviews_account_created", "account_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    rating: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    product_id: Mapped[str | None] = mapped_column(String(128))
    article: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SizeStockTotal(Base):
    """One product size's units summed over every marketplace warehouse, as of the last sync.

    `critical` is set when the total fell from above CRITICAL_STOCK_THRESHOLD to at or below it and cleared only
    once it rose above again, so a size fires once per crossing; a move between warehouses keeps the total."""

    __tablename__ = "stock_snapshots"
    __table_args__ = (UniqueConstraint("account_id", "source", "product_id", "size_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[str] = mapped_column(String(128))
    size_key: Mapped[str] = mapped_column(String(128))
    article: Mapped[str] = mapped_column(String(128), default="")
    size: Mapped[str | None] = mapped_column(String(64))
    total: Mapped[int] = mapped_column(Integer, default=0)
    warehouses: Mapped[int] = mapped_column(Integer, default=0)
    critical: Mapped[bool] = mapped_column(Boolean, default=False)
    crossed_run_id: Mapped[int | None] = mapped_column(Integer)  # the sync run that saw it cross
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductCardRow(Base):
    """A marketplace product card as a message shows it."""

    __tablename__ = "product_cards"
    __table_args__ = (UniqueConstraint("account_id", "source", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    product_id: Mapped[str] = mapped_column(String(128))
    article: Mapped[str] = mapped_column(String(128), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    photo_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventCursor(Base):
    """Where the next read of one feed starts (WB: the last lastChangeDate stored), and whether the cabinet's
    initial sync is done (until then nothing is notified)."""

    __tablename__ = "event_cursors"
    __table_args__ = (UniqueConstraint("account_id", "source", "feed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    feed: Mapped[str] = mapped_column(String(32))  # orders | sales | reviews | initial
    position: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
