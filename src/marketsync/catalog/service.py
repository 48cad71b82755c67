"""Catalog reads for pages and pipelines: stores, groups, products of an account, their records, and a
product's key across stores. What the seller publishes of it is sync.publishing's."""

from __future__ import annotations

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, ProductGroup, Store
from marketsync.connectors.records import SourceProduct

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


def products_page(session: Session, account_id: int, store_external_id: str, *, group: str | None,
                  page: int, per_page: int = 50) -> tuple[list[Product], int]:
    """Return one page of a store's products (optionally of one group) and the total count."""
    query = select(Product).where(Product.account_id == account_id,
                                  Product.store_external_id == store_external_id)
    if group:
        query = query.where(Product.group_external_id == group)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Product.name, Product.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def to_record(product: Product) -> SourceProduct:
    """Turn a catalog row back into the source record the channel rules take."""
    return SourceProduct(
        external_id=product.external_id, store_external_id=product.store_external_id, name=product.name,
        price=product.price, allow_to_sell=product.allow_to_sell, group_external_id=product.group_external_id,
        code=product.sku, description=product.description, measure=product.measure,
        barcodes=tuple(product.barcodes or ()),
    )


# What the seller publishes: the catalog pages' and `marketsync filters`' use cases over sync.filters.
