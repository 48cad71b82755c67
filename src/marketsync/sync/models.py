"""Sync state: per-account config and filters, id bindings, cached channel state, runs and locks."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow

# How the VK mirror sets an item's stock: VK_STOCK_AMOUNT for every item (EvoSync's rule, the default), or the
# product's real stock over the enabled stores (catalog.stock_levels.whole_units; no reserve for VK).
VK_STOCK_FIXED, VK_STOCK_REAL = "fixed", "real"
VK_STOCK_MODES = (VK_STOCK_FIXED, VK_STOCK_REAL)


class SyncConfig(Base):
    """Per-account pipeline switches, pricing rules and the VK stock mode."""

    __tablename__ = "sync_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    catalog_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    price_multiplier: Mapped[Decimal] = mapped_column(Numeric(8, 4), default=Decimal("1"))
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    stock_reserve: Mapped[int] = mapped_column(Integer, default=0)
    vk_stock_mode: Mapped[str] = mapped_column(String(16), default=VK_STOCK_FIXED, server_default=VK_STOCK_FIXED)


class SyncFilter(Base):
    """Inclusion of one store or one group; a store row may enable all its groups, present and future."""

    __tablename__ = "sync_filters"
    __table_args__ = (UniqueConstraint("account_id", "entity_type", "store_external_id", "group_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    entity_type: Mapped[str] = mapped_column(String(8))  # "store" | "group"
    store_external_id: Mapped[str] = mapped_column(String(128))
    # Empty string (not NULL) for store rows, so the unique constraint holds on every dialect.
    group_external_id: Mapped[str] = mapped_column(String(128), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    all_groups: Mapped[bool] = mapped_column(Boolean, default=False)


class Binding(Base):
    """Internal id ↔ channel id, with the hash of the payload last pushed."""

    __tablename__ = "bindings"
    __table_args__ = (
        UniqueConstraint("connection_id", "kind", "external_id"),
        UniqueConstraint("connection_id", "kind", "internal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "item" | "album" | "photo"
    internal_id: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str] = mapped_column(String(128))
    payload_hash: Mapped[str | None] = mapped_column(String(64))
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    error: Mapped[str | None] = mapped_column(Text)


class ChannelItem(Base):
    """The cached state of one object in a channel (a VK item or album), refreshed before a push."""

    __tablename__ = "channel_items"
    __table_args__ = (UniqueConstraint("connection_id", "kind", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "item" | "album"
    external_id: Mapped[str] = mapped_column(String(128))
    sku: Mapped[str | None] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    stock_amount: Mapped[int | None] = mapped_column(Integer)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    album_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    photo_url: Mapped[str | None] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(1000))  # where buyers see it, as the channel says
    item_count: Mapped[int | None] = mapped_column(Integer)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncRun(Base):
    """One run of a pipeline for an account, with its counts, progress and error."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    pipeline: Mapped[str] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(32))  # the marketplace of a stock run (ozon, …)
    # queued (asked for, not started) | running | succeeded | failed | skipped
    status: Mapped[str] = mapped_column(String(16), default="running")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    stage: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)  # in English, for logs, the CLI and the admin's searches
    # The same as a notice (marketsync/notices.py: key, params, text), said in the reader's language.
    error_notice: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SyncRunItem(Base):
    """One decision of a run about one product key (or album, or orphan item), with the plan's reason."""

    __tablename__ = "sync_run_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "item" | "album"
    internal_id: Mapped[str] = mapped_column(String(128))  # the product key, album title or retired key
    name: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(16))  # created|updated|hidden|skipped|failed
    reason: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(128))


class ProductRule(Base):
    """The seller's choice for one product key, over its store and group switches: publish or never."""

    __tablename__ = "product_rules"
    __table_args__ = (UniqueConstraint("account_id", "product_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    product_key: Mapped[str] = mapped_column(String(128))
    publish: Mapped[bool] = mapped_column(Boolean)  # True: always published; False: never (hidden if in VK)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncLock(Base):
    """A per-(pipeline, account) lease: taken by insert, reclaimable once it expires."""

    __tablename__ = "sync_locks"
    __table_args__ = (UniqueConstraint("pipeline", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    owner: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
