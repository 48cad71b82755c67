"""Source → canonical catalog: read stores, groups and products page by page and bulk-upsert them, with each
product's stock key (catalog.stock_levels) and its quantity at its store as a `stocks` row (the pipelines read it)
and on the product row (the products table sorts by it).

Rows not seen in a complete read are deleted (their refreshed_at is older than the read's start), so
memory never holds more than one page. A store the source refuses for payment (Evotor 402) is kept,
flagged, and skipped quietly; its cached products are left as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, ProductGroup, Stock, Store
from marketsync.catalog.search import search_text
from marketsync.catalog.stock_levels import KEY_MAX, stock_key
from marketsync.connections.models import Connection
from marketsync.connectors.capabilities import CatalogSource
from marketsync.connectors.errors import PaymentRequired
from marketsync.connectors.records import SourceProduct
from marketsync.db import upsert, utcnow

log = logging.getLogger(__name__)


@dataclass
class ImportCounts:
    """What one catalog refresh saw."""

    stores: int = 0
    unpaid_stores: int = 0
    groups: int = 0
    products: int = 0


def import_catalog(session: Session, *, conn: Connection, source: CatalogSource,
                   on_page: Callable[[int], None] | None = None,
                   on_store: Callable[[int, int], None] | None = None) -> ImportCounts:
    """Refresh the account's canonical catalog from a source; the caller commits.

    `on_store(done, total)` follows each store read whole: the one safe commit point (a store is never kept
    half-read).
    """
    started = utcnow()
    counts = ImportCounts()
    stores = source.list_stores()
    upsert(session, Store, [
        {"account_id": conn.account_id, "connection_id": conn.id, "external_id": s.external_id,
         "name": s.name[:255], "address": (s.address or "")[:500] or None, "refreshed_at": started,
         "unavailable_reason": None}
        for s in stores
    ], keys=["connection_id", "external_id"], update=["name", "address", "refreshed_at", "unavailable_reason"])
    session.execute(delete(Store).where(Store.connection_id == conn.id, Store.refreshed_at < started))
    known = [s.external_id for s in stores]
    for model in (ProductGroup, Product):
        session.execute(delete(model).where(model.connection_id == conn.id,
                                            model.store_external_id.not_in(known)))
    counts.stores = len(stores)
    for number, store in enumerate(stores, start=1):
        try:
            counts.groups += _import_groups(session, conn, source, store.external_id, started)
            counts.products += _import_products(session, conn, source, store.external_id, started, on_page)
        except PaymentRequired as exc:
            log.debug("evotor store %s skipped: %s", store.external_id, exc.message)
            counts.unpaid_stores += 1
            row = session.scalar(select(Store).where(Store.connection_id == conn.id,
                                                     Store.external_id == store.external_id))
            if row is not None:
                row.unavailable_reason = "payment required"
        if on_store is not None:
            on_store(number, len(stores))
    session.flush()
    return counts


def _import_groups(session: Session, conn: Connection, source: CatalogSource, store_id: str,
                   started: object) -> int:
    groups = source.list_groups(store_id)
    upsert(session, ProductGroup, [
        {"account_id": conn.account_id, "connection_id": conn.id, "store_external_id": store_id,
         "external_id": g.external_id, "parent_external_id": g.parent_external_id, "name": g.name[:255],
         "refreshed_at": started}
        for g in groups
    ], keys=["connection_id", "store_external_id", "external_id"],
        update=["parent_external_id", "name", "refreshed_at"])
    session.execute(delete(ProductGroup).where(
        ProductGroup.connection_id == conn.id, ProductGroup.store_external_id == store_id,
        ProductGroup.refreshed_at < started))
    return len(groups)


def _import_products(session: Session, conn: Connection, source: CatalogSource, store_id: str,
                     started: object, on_page: Callable[[int], None] | None) -> int:
    total = 0
    for page in source.iter_products(store_id):
        upsert(session, Product, [
            {"account_id": conn.account_id, "connection_id": conn.id, "store_external_id": store_id,
             "external_id": p.external_id, "group_external_id": p.group_external_id, "sku": p.code,
             "article_number": (p.article_number or "")[:KEY_MAX] or None,
             "stock_key": stock_key(p.article_number, p.code, p.external_id)[0],
             "barcodes": list(p.barcodes), "name": p.name[:500], "description": p.description,
             "price": p.price, "measure": (p.measure or "")[:32] or None, "allow_to_sell": p.allow_to_sell,
             # Also the stock row's (below): kept on the product for the products table's order by stock.
             "quantity": p.quantity, "attributes": {}, "refreshed_at": started,
             # Folded here, once per write, so the products table's search runs no function per row.
             "search_text": search_text(p.name[:500], p.code, p.barcodes, p.article_number)}
            for p in page
        ], keys=["connection_id", "store_external_id", "external_id"],
            update=["group_external_id", "sku", "article_number", "stock_key", "barcodes", "name", "description",
                    "price", "measure", "allow_to_sell", "quantity", "refreshed_at", "search_text"])
        _import_stocks(session, conn, store_id, page, started)
        total += len(page)
        if on_page:
            on_page(len(page))
    session.execute(delete(Product).where(
        Product.connection_id == conn.id, Product.store_external_id == store_id,
        Product.refreshed_at < started))  # their stocks go with them (ON DELETE CASCADE)
    return total


def _import_stocks(session: Session, conn: Connection, store_id: str, page: Sequence[SourceProduct],
                   started: object) -> None:
    """Store each product's quantity at this store as reported, zero and negative included (a store may sell
    before stock is received); a product reported without a quantity (a service) keeps no stock row."""
    ids = {external_id: product_id for external_id, product_id in session.execute(
        select(Product.external_id, Product.id).where(
            Product.connection_id == conn.id, Product.store_external_id == store_id,
            Product.external_id.in_([p.external_id for p in page])))}
    counted = [p for p in page if p.quantity is not None and p.external_id in ids]
    upsert(session, Stock, [
        {"account_id": conn.account_id, "product_id": ids[p.external_id], "quantity": p.quantity,
         "updated_at": started}
        for p in counted
    ], keys=["product_id"], update=["quantity", "updated_at"])
    uncounted = [ids[p.external_id] for p in page if p.quantity is None and p.external_id in ids]
    if uncounted:
        session.execute(delete(Stock).where(Stock.product_id.in_(uncounted)))
