"""The dictionaries' cache and the seller's choices, per cabinet (account_id) and channel (ozon, wb, ym).

Dictionaries are public per marketplace, but they are kept per cabinet: Yandex Market answers a category's
parameters with the cabinet's own variant features when asked with its business, a seller may see only the
categories its contract allows, and which categories and dictionaries are cached tells what a cabinet maps and
publishes; a shared cache would let one tenant learn that of another.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class DictionaryState(Base):
    """When a cabinet's category tree of one channel was last fetched, and why the last refresh failed."""

    __tablename__ = "market_dictionaries"
    __table_args__ = (UniqueConstraint("account_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    categories_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    category_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))


class MarketCategoryRow(Base):
    """A node of a channel's category tree: Ozon "DESCRIPTION_CATEGORY_ID:TYPE_ID" for a type (a category node
    alone by its id), WB a subject id (a parent "parent:<id>"), YM a market category id."""

    __tablename__ = "market_categories"
    __table_args__ = (UniqueConstraint("account_id", "channel", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    category_id: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(500))
    path: Mapped[str] = mapped_column(String(1000))
    # The path lower-cased with ё as е: SQLite's LIKE folds ASCII only, so searches compare this instead.
    search_text: Mapped[str] = mapped_column(String(1000), default="")
    leaf: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    attributes_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MarketAttributeRow(Base):
    """An attribute of a leaf category; `values_fetched_at` set once its dictionary was read (lazily), and
    `values_complete` false when it was too big to read whole (then values are searched for by text)."""

    __tablename__ = "market_attributes"
    __table_args__ = (UniqueConstraint("account_id", "channel", "category_id", "attribute_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    category_id: Mapped[str] = mapped_column(String(64))
    attribute_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16))  # text | number | boolean | enum
    dictionary: Mapped[bool] = mapped_column(Boolean, default=False)
    custom_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str | None] = mapped_column(String(64))
    max_count: Mapped[int] = mapped_column(Integer, default=1)  # 0: unlimited
    values_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    values_complete: Mapped[bool] = mapped_column(Boolean, default=False)


class MarketValueRow(Base):
    """One dictionary value of an attribute; `value_id` None where the channel takes the text (WB)."""

    __tablename__ = "market_attribute_values"
    __table_args__ = (Index("ix_market_attribute_values_attribute", "account_id", "channel", "category_id",
                            "attribute_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    category_id: Mapped[str] = mapped_column(String(64))
    attribute_id: Mapped[str] = mapped_column(String(64))
    value_id: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(500))
    info: Mapped[str] = mapped_column(String(500), default="")


class CategoryMapping(Base):
    """Our category → a channel's leaf category (one per category and channel)."""

    __tablename__ = "category_mappings"
    __table_args__ = (UniqueConstraint("hub_category_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    hub_category_id: Mapped[int] = mapped_column(ForeignKey("hub_categories.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttributeOverride(Base):
    """A seller's correction of the matching, per cabinet and channel: our parameter name → an attribute id
    (kind "attribute", attribute_id ""), or a value text of an attribute → its dictionary value (kind "value";
    `target` the value id, or the text where the channel takes texts). `source` is kept normalized."""

    __tablename__ = "attribute_overrides"
    __table_args__ = (UniqueConstraint("account_id", "channel", "kind", "attribute_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    attribute_id: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
