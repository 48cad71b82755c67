"""Catalog reads for pages and pipelines: stores, groups, products of an account, their records, and a
product's key across stores. What the seller publishes of it is sync.publishing's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, func, literal_column, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.catalog import search
from marketsync.catalog.models import Product, ProductGroup, Stock, Store
from marketsync.catalog.stock_levels import ProductStock, StockRow, stock_levels
from marketsync.connectors.records import SourceProduct

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

# A product's key across stores: its code (SKU), else its source id. The same key in several stores is one
# product to a channel. PRODUCT_KEY is the same rule in SQL.
# (A literal, not a bound parameter: PostgreSQL must see one expression in SELECT, ORDER BY and GROUP BY.)
PRODUCT_KEY = func.coalesce(func.nullif(Product.sku, literal_column("''")), Product.external_id)


def product_key(product: Product) -> str:
    """Return the product's key across stores: its code, else its source id."""
    return product.sku or product.external_id


def stores_of(session: Session, account_id: int) -> list[Store]:
    """Return the account's stores by name."""
    return list(session.scalars(select(Store).where(Store.account_id == account_id).order_by(Store.name)))


def store_of(session: Session, account_id: int, store_id: int) -> Store | None:
    """Return one of the account's stores by its row id (None if it is not theirs)."""
    return session.scalar(select(Store).where(Store.account_id == account_id, Store.id == store_id))


def groups_of(session: Session, account_id: int, store_external_id: str | None = None) -> list[ProductGroup]:
    """Return the account's product groups (of one store when given), by name."""
    query = select(ProductGroup).where(ProductGroup.account_id == account_id)
    if store_external_id is not None:
        query = query.where(ProductGroup.store_external_id == store_external_id)
    return list(session.scalars(query.order_by(ProductGroup.name)))


def product_counts(session: Session, account_id: int, store_external_id: str) -> dict[str | None, int]:
    """Return product counts by group id for one store."""
    rows = session.execute(select(Product.group_external_id, func.count()).where(
        Product.account_id == account_id, Product.store_external_id == store_external_id)
        .group_by(Product.group_external_id))
    return {g: n for g, n in rows}


# The products table: its sortable columns and filters (the page's TableSpec is built from these).
PRODUCT_SORTS = ("name", "sku", "price", "stock")
SALE_FILTER = ("yes", "no")
_SORT_COLUMNS = {"name": Product.name, "sku": Product.sku, "price": Product.price, "stock": Product.quantity}
# Always set (NOT NULL): ordered without an "empty last" key, so ix_products_store_name and _price serve the
# order. The stock's order, empty last included, is an index of its own (ix_products_store_stock and _desc).
_NEVER_EMPTY = ("name", "price")


def product_order(table: TableQuery, *, backwards: bool = False) -> list[Any]:
    """Return the products table's ORDER BY keys as the table asks (backwards: the exact reverse)."""
    # A search keeps the "empty last" key, so no index serves the order: PostgreSQL then takes the few matches
    # from the trigram index and sorts them. Offered the name index, it walks it row by row for LIMIT 50 (it
    # guesses 1% of the rows match any needle): 42 ms for "номер 0421", the whole table when nothing matches.
    return listing.order_keys(table, _SORT_COLUMNS, "name", Product.id,
                              never_empty=() if table.q else _NEVER_EMPTY, backwards=backwards)


def products_query(session: Session, account_id: int, store_external_id: str,
                   table: TableQuery) -> tuple[AnySelect, AnySelect]:
    """Return a store's products (their stock is products.quantity), searched, filtered and sorted as the table
    asks, and the matching product ids for counting. Search: name, code (article) or barcode."""
    found = [Product.account_id == account_id, Product.store_external_id == store_external_id]
    if table.q:
        found.append(_found_by(session, table.q))
    if table.filter("group"):
        found.append(Product.group_external_id == table.filter("group"))
    if table.filter("sale"):
        found.append(Product.allow_to_sell.is_(table.filter("sale") == "yes"))
    # select_from: the explicit left side of the joins a caller adds (sync.service joins the VK item).
    query = select(Product).select_from(Product).where(*found)
    return query.order_by(*product_order(table)), select(Product.id).where(*found)


def _found_by(session: Session, text: str) -> ColumnElement[bool]:
    """Return "the text is part of the product's name, article or a barcode", ignoring case (Cyrillic too),
    through the dialect's trigram index where there is one (catalog.search)."""
    needle = search.fold_needle(text)
    # No field holds a line break (only the joined text would match) or a NUL (PostgreSQL refuses it in text,
    # FTS5 ends its query string there): a needle with one finds nothing, and is no error.
    if search.SEPARATOR in needle or "\x00" in needle:
        return false()
    if session.get_bind().dialect.name == "sqlite" and len(needle) >= search.TRIGRAM:
        fts = search.fts_table
        return Product.id.in_(select(fts.c.rowid).where(fts.c.search_text.match(search.fts_phrase(needle))))
    # PostgreSQL: LIKE served by the pg_trgm GIN index (a scan below three characters). MariaDB: a scan, as
    # before (its collation ignores case anyway). SQLite below three characters: a scan, no Python per row.
    return Product.search_text.contains(needle, autoescape=True)


def to_record(product: Product) -> SourceProduct:
    """Turn a catalog row back into the source record the channel rules take."""
    return SourceProduct(
        external_id=product.external_id, store_external_id=product.store_external_id, name=product.name,
        price=product.price, allow_to_sell=product.allow_to_sell, group_external_id=product.group_external_id,
        code=product.sku, description=product.description, measure=product.measure,
        barcodes=tuple(product.barcodes or ()), article_number=product.article_number,
    )


STOCK_CHUNK = 1000  # product keys per chunk of iter_stock_levels: memory stays flat however big the catalog


def iter_stock_levels(session: Session, *, account_id: int, enabled_stores: Sequence[str], reserve: int = 0,
                      chunk: int = STOCK_CHUNK) -> Iterator[list[ProductStock]]:
    """Yield the stock of every product key sold in the enabled stores, `chunk` keys at a time in key order.

    `enabled_stores` in the order the seller enabled them (the first names a product). Each chunk is two range
    scans of ix_products_stock_key (the next `chunk` distinct keys after the last one, then the rows of that key
    range), so a caller may write between chunks and nothing is held open.
    """
    stores = list(enabled_stores)
    if not stores:
        return
    scope = (Product.account_id == account_id, Product.store_external_id.in_(stores))
    last: str | None = None
    while True:
        after = (Product.stock_key > last,) if last is not None else ()
        keys = list(session.scalars(select(Product.stock_key).where(*scope, *after).distinct()
                                    .order_by(Product.stock_key).limit(chunk)))
        if not keys:
            return
        # The rows of the key range (last, keys[-1]], not of an IN list (PostgreSQL scanned the whole table for
        # one). Under a case-insensitive collation (MariaDB's default) "ab1" comes here with "AB1" although
        # DISTINCT folded them, and stock_levels keeps the two keys apart.
        rows = session.execute(select(
            Product.id, Product.store_external_id, Product.stock_key, Product.article_number, Product.sku,
            Product.name, Product.barcodes, Stock.quantity,
        ).outerjoin(Stock, Stock.product_id == Product.id)
            .where(*scope, *after, Product.stock_key <= keys[-1]).order_by(Product.stock_key, Product.id))
        last = keys[-1]
        yield stock_levels((StockRow(product_id=r[0], store_external_id=r[1], key=r[2], article_number=r[3],
                                     code=r[4], name=r[5], barcodes=tuple(r[6] or ()), quantity=r[7])
                            for r in rows), stores, reserve)


# What the seller publishes: the catalog pages' and `marketsync filters`' use cases over sync.filters.
