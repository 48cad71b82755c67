"""What the hub's catalog pages show and change: the canonical products with each one's offers (which supplier,
price, stock, which won), the suppliers with their priority and pack size, and the cabinet's price rule."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Integer, Text, func, select
from sqlalchemy.orm import Session, aliased

from marketsync.hub import linking
from marketsync.hub.merge import HubError, HubNotFoundError, MergeCounts, merge_account, merge_supplier, price_rule
from marketsync.hub.models import BundlePart, HubCategory, HubProduct, HubSettings, Supplier, SupplierOffer
from marketsync.listing import contains, ordered, page_of

if TYPE_CHECKING:
    from marketsync.web.tables import TableQuery

PRODUCT_SORTS = ("sku", "name", "price", "stock", "updated_at")
KINDS = ("single", "pack", "bundle")
MAX_PRIORITY = 1_000_000
MAX_PACK = 10_000


@dataclass(frozen=True)
class OfferLine:
    """One supplier's offer of a product, as the catalog page lists it."""

    supplier: str
    offer_id: str
    price: Decimal
    stock: int
    available: bool
    won: bool
    pack_size: int | None


@dataclass(frozen=True)
class ProductLine:
    """One canonical product of the catalog page with its offers (or its base product, or its parts)."""

    id: int
    sku: str
    kind: str
    name: str
    vendor: str | None
    category: str | None
    barcodes: list[str]
    price: Decimal
    stock: int
    picture: str | None
    updated_at: datetime
    offers: list[OfferLine]
    base_sku: str | None
    pack_of: int | None
    parts: list[tuple[str, int]]


@dataclass(frozen=True)
class SupplierLine:
    """One supplier of the suppliers page."""

    id: int
    name: str
    priority: int
    pack_size: int | None
    offers: int
    in_stock: int
    last_import_at: datetime | None
    feed_url: str | None = None
    feed_format: str | None = None
    refresh_minutes: int | None = None


def set_price_rule(session: Session, *, account_id: int, rule: str) -> MergeCounts:
    """Choose whose price and stock win (`cheapest` in stock or by suppliers' `priority`) and recompute the
    catalog under it."""
    if rule not in linking.PRICE_RULES:
        raise HubError(f"unknown price rule {rule!r}")
    row = session.scalar(select(HubSettings).where(HubSettings.account_id == account_id))
    if row is None:
        session.add(HubSettings(account_id=account_id, price_rule=rule))
    elif row.price_rule == rule:
        return MergeCounts()
    else:
        row.price_rule = rule
    session.flush()
    return merge_account(session, account_id=account_id)


def has_supplier(session: Session, *, account_id: int, supplier_id: int) -> bool:
    """Whether the supplier is one of the cabinet's."""
    return session.scalar(select(Supplier.id).where(Supplier.id == supplier_id,
                                                    Supplier.account_id == account_id)) is not None


def update_supplier(session: Session, *, account_id: int, supplier_id: int, priority: int,
                    pack_size: int | None) -> MergeCounts:
    """Save a supplier's rank and pack size (None or 1: single units) and recompute its products."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.account_id != account_id:
        raise HubNotFoundError(f"no supplier {supplier_id}")
    if not 0 <= priority <= MAX_PRIORITY or (pack_size is not None and not 1 <= pack_size <= MAX_PACK):
        raise HubError("priority or pack size out of range")
    pack_size = pack_size if pack_size and pack_size > 1 else None
    if (supplier.priority, supplier.pack_size) == (priority, pack_size):
        return MergeCounts()
    supplier.priority, supplier.pack_size = priority, pack_size
    session.flush()
    return merge_supplier(session, account_id=account_id, supplier_id=supplier_id)


def supplier_lines(session: Session, account_id: int) -> list[SupplierLine]:
    """List the cabinet's suppliers by rank, with how many offers each has and how many are in stock."""
    in_stock = func.sum(((SupplierOffer.stock > 0) & SupplierOffer.available).cast(Integer))
    counts = {sid: (n, s or 0) for sid, n, s in session.execute(
        select(SupplierOffer.supplier_id, func.count(), in_stock)
        .where(SupplierOffer.account_id == account_id).group_by(SupplierOffer.supplier_id))}
    return [SupplierLine(s.id, s.name, s.priority, s.pack_size, *counts.get(s.id, (0, 0)), s.last_import_at,
                         s.feed_url, s.feed_format, s.refresh_minutes)
            for s in session.scalars(select(Supplier).where(Supplier.account_id == account_id)
                                     .order_by(Supplier.priority, Supplier.name, Supplier.id))]


def product_lines(session: Session, account_id: int, table: TableQuery) -> tuple[list[ProductLine], int, int]:
    """Return one page of the canonical catalog (searched by article, name, vendor code or barcode; optionally one
    kind), the number of matches and the page shown."""
    base = aliased(HubProduct)
    query = (select(HubProduct, HubCategory.name, base.sku)
             .outerjoin(HubCategory, HubCategory.id == HubProduct.category_id)
             .outerjoin(base, base.id == HubProduct.base_product_id)
             .where(HubProduct.account_id == account_id))
    count_query = select(HubProduct.id).where(HubProduct.account_id == account_id)
    if table.q:
        match = contains(session, [HubProduct.sku, HubProduct.name, HubProduct.vendor_code], table.q)
        barcode = HubProduct.barcodes.cast(Text).contains(table.q, autoescape=True)
        query, count_query = query.where(match | barcode), count_query.where(match | barcode)
    if table.filter("kind") in KINDS:
        query = query.where(HubProduct.kind == table.filter("kind"))
        count_query = count_query.where(HubProduct.kind == table.filter("kind"))
    sorts = {name: getattr(HubProduct, name) for name in PRODUCT_SORTS}
    page = page_of(session, ordered(query, table, sorts, "sku", HubProduct.id, never_empty=PRODUCT_SORTS),
                   table, count_query=count_query)
    ids = [row[0].id for row in page.rows]
    offers = _offers_of(session, account_id, ids, price_rule(session, account_id))
    parts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for bundle_id, sku, qty in session.execute(
            select(BundlePart.bundle_id, HubProduct.sku, BundlePart.quantity)
            .join(HubProduct, HubProduct.id == BundlePart.part_id)
            .where(BundlePart.bundle_id.in_(ids)).order_by(BundlePart.id)):
        parts[bundle_id].append((sku, qty))
    lines = []
    for row in page.rows:
        p, category, base_sku = tuple(row)
        lines.append(ProductLine(p.id, p.sku, p.kind, p.name, p.vendor, category, list(p.barcodes or []), p.price,
                                 p.stock, (p.pictures or [None])[0], p.updated_at, offers.get(p.id, []), base_sku,
                                 p.pack_of, parts.get(p.id, [])))
    return lines, page.total, page.page


def _offers_of(session: Session, account_id: int, ids: list[int], rule: str) -> dict[int, list[OfferLine]]:
    """Return each product's offers, the one whose price and stock it took marked as won."""
    rows = session.execute(
        select(SupplierOffer.id, SupplierOffer.product_id, SupplierOffer.supplier_id, SupplierOffer.offer_id,
               SupplierOffer.price, SupplierOffer.stock, SupplierOffer.available, Supplier.name, Supplier.priority,
               Supplier.pack_size)
        .join(Supplier, Supplier.id == SupplierOffer.supplier_id)
        .where(SupplierOffer.account_id == account_id, SupplierOffer.product_id.in_(ids))
        .order_by(SupplierOffer.id)).all()
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.product_id].append(row)
    result: dict[int, list[OfferLine]] = {}
    for product_id, mine in grouped.items():
        candidates = [linking.as_candidate(r.id, r.supplier_id, r.priority, r.price, r.stock, r.available,
                                           r.pack_size) for r in mine]
        winner = linking.pick_winner(candidates, rule)
        order = {c.offer_pk: n for n, c in enumerate(linking.ranked(candidates, rule))}
        result[product_id] = [
            OfferLine(r.name, r.offer_id, r.price, r.stock if r.available else 0, r.available,
                      winner is not None and winner.offer_pk == r.id, r.pack_size)
            for r in sorted(mine, key=lambda r: order[r.id])]
    return result
