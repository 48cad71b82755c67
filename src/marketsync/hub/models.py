"""The hub's data: suppliers, their offers as last imported, import reports, and the canonical catalog the offers
are merged into (categories, products, packs and bundles). Every row carries its cabinet's account_id."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class Supplier(Base):
    """A source of offers: a supplier's or a corporate system's catalog file, uploaded or fetched from a URL."""

    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Fetched on a schedule when set: the file's URL, its format (yml|csv|xlsx; None: guessed) and the interval.
    feed_url: Mapped[str | None] = mapped_column(String(2000))
    feed_format: Mapped[str | None] = mapped_column(String(8))
    refresh_minutes: Mapped[int | None] = mapped_column(Integer)
    # CSV/XLSX column → our field ({"Артикул": "sku", ...}); saved by the mapping page or the CLI's --mapping.
    column_mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The priority rule's rank (lower wins); the cheapest-in-stock rule ignores it.
    priority: Mapped[int] = mapped_column(Integer, default=100)
    # Every offer of this supplier is a pack of N of what it names (its price and stock are per pack).
    pack_size: Mapped[int | None] = mapped_column(Integer)
    last_import_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HubCategory(Base):
    """A category of the canonical catalog (the suppliers' category names, one row per distinct name)."""

    __tablename__ = "hub_categories"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("hub_categories.id", ondelete="SET NULL"))


class HubProduct(Base):
    """A canonical product: one per real good however many suppliers offer it, or a pack or bundle made of them.
    `sku` is the seller's article, the product's key on every marketplace (Ozon offer_id, WB vendorCode, YM
    offerId)."""

    __tablename__ = "hub_products"
    __table_args__ = (
        UniqueConstraint("account_id", "sku"),
        Index("ix_hub_products_vendor_code", "account_id", "vendor", "vendor_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="single")  # single | pack | bundle
    # A pack: pack_of units of base_product (price of the pack, stock = base stock ÷ pack_of).
    base_product_id: Mapped[int | None] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"))
    pack_of: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    vendor: Mapped[str | None] = mapped_column(String(255))
    vendor_code: Mapped[str | None] = mapped_column(String(128))
    barcodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("hub_categories.id", ondelete="SET NULL"), index=True)
    # The winning offer's price and stock (the cabinet's rule: cheapest in stock, or the suppliers' priority).
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    pictures: Mapped[list[str]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # name → value (text), as YML's <param>
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    length_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    width_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    height_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # A hash of every field above that a channel or a feed shows: unchanged hash, nothing to publish or rebuild.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class BundlePart(Base):
    """One part of a bundle: `quantity` units of a product (the bundle's stock is the minimum over its parts)."""

    __tablename__ = "hub_bundle_parts"
    __table_args__ = (UniqueConstraint("bundle_id", "part_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"))
    part_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)


class SupplierOffer(Base):
    """One supplier's offer as its last import read it, linked to the canonical product it is merged into."""

    __tablename__ = "supplier_offers"
    __table_args__ = (
        UniqueConstraint("supplier_id", "offer_id"),
        Index("ix_supplier_offers_vendor_code", "account_id", "vendor", "vendor_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    offer_id: Mapped[str] = mapped_column(String(128))  # the supplier's id (YML offer id, the sku column)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("hub_products.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    vendor: Mapped[str | None] = mapped_column(String(255))
    vendor_code: Mapped[str | None] = mapped_column(String(128))
    barcodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(255))  # the supplier's category name
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    available: Mapped[bool] = mapped_column(Boolean, default=True)
    pictures: Mapped[list[str]] = mapped_column(JSON, default=list)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    length_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    width_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    height_cm: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # A hash of the fields above as read: the same hash on the next import counts the row `unchanged`, no write.
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportReport(Base):
    """What one import did: counts over this supplier's offers, and the rejected rows with their reasons."""

    __tablename__ = "import_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(2000))  # the file's name or URL
    file_format: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | refused
    read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": "12" | offer id, "reason": "..."}], the first REJECTS_KEPT of them; `rejected` counts them all.
    rejects: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(String(1000))  # why a refused file was refused whole
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HubBarcode(Base):
    """A barcode of the canonical catalog and the one product it names in its cabinet: the merge's first link."""

    __tablename__ = "hub_barcodes"
    __table_args__ = (UniqueConstraint("account_id", "barcode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    barcode: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"), index=True)


class HubVendorCode(Base):
    """A vendor + vendor code (folded, hashed: the pair may be longer than an index allows) and its one product:
    the merge's second link."""

    __tablename__ = "hub_vendor_codes"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # sha256 of "vendor\x1fvendor_code", case and spaces folded
    product_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"), index=True)


class HubSettings(Base):
    """A cabinet's hub settings: which supplier's price and stock win (cheapest in stock, or by priority)."""

    __tablename__ = "hub_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    price_rule: Mapped[str] = mapped_column(String(16), default="cheapest")  # cheapest | priority
