"""The canonical catalog: stores, product groups, products and stocks, as read from a source."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Connection,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from marketsync.catalog import search
from marketsync.catalog.stock_levels import stock_key
from marketsync.db import Base, UTCDateTime, utcnow


class Store(Base):
    """A point of sale of the source system (an Evotor store)."""

    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(500))
    # Set when the source refused the store (Evotor 402): kept, but its products are not read.
    unavailable_reason: Mapped[str | None] = mapped_column(String(255))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductGroup(Base):
    """A product group (category) of a store."""

    __tablename__ = "product_groups"
    __table_args__ = (UniqueConstraint("connection_id", "store_external_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    store_external_id: Mapped[str] = mapped_column(String(128))
    external_id: Mapped[str] = mapped_column(String(128))
    parent_external_id: Mapped[str | None] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(255))
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The dialects that index an expression (ddl_if takes a tuple of names, as documented; its hint says one str).
_EXPRESSION_INDEXES: Any = ("sqlite", "postgresql")
STOCK_ASC_INDEX = "ix_products_store_stock"
STOCK_DESC_INDEX = "ix_products_store_stock_desc"


def _stock_key_of(context: Any) -> str:
    """Compute stock_key for an insert that does not give one, from the row's own article, code and id."""
    row = context.get_current_parameters()
    return stock_key(row.get("article_number"), row.get("sku"), row["external_id"])[0]


class Product(Base):
    """A product of a store, as the source describes it."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("connection_id", "store_external_id", "external_id"),
        # The products table pages a store's rows by name, price or article (benchmarks/tables.py).
        Index("ix_products_store_name", "account_id", "store_external_id", "name"),
        Index("ix_products_store_price", "account_id", "store_external_id", "price"),
        Index("ix_products_store_sku", "account_id", "store_external_id", "sku"),
        # ... and by stock, products without one last both ways (listing.order_keys): one index per direction, its
        # reverse scan serving the far pages read from the end. Expressions, which MariaDB cannot index: a sort there.
        Index(STOCK_ASC_INDEX, "account_id", "store_external_id", text("(quantity IS NULL)"), "quantity", "id")
        .ddl_if(dialect=_EXPRESSION_INDEXES),
        Index(STOCK_DESC_INDEX, "account_id", "store_external_id", text("(quantity IS NULL)"), text("quantity DESC"),
              text("id DESC")).ddl_if(dialect=_EXPRESSION_INDEXES),
        # The stock pipelines page a cabinet's products by stock key (catalog.service.iter_stock_levels).
        Index("ix_products_stock_key", "account_id", "stock_key", "store_external_id"),
        # The search box (catalog.search): pg_trgm on PostgreSQL; SQLite's FTS5 table is made by the DDL below.
        Index(search.PG_INDEX, "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    store_external_id: Mapped[str] = mapped_column(String(128), index=True)
    external_id: Mapped[str] = mapped_column(String(128))
    group_external_id: Mapped[str | None] = mapped_column(String(128), index=True)
    sku: Mapped[str | None] = mapped_column(String(128))  # the source's code (Evotor `code`)
    article_number: Mapped[str | None] = mapped_column(String(128))  # the seller's article (Evotor `article_number`)
    # The product's key to marketplaces: its article, else its code, else its source id (stock_levels.stock_key),
    # stored so a cabinet's keys are read in order from an index. The VK mirror keys by code, else id (PRODUCT_KEY).
    stock_key: Mapped[str] = mapped_column(String(128), default=_stock_key_of)
    barcodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    measure: Mapped[str | None] = mapped_column(String(32))
    allow_to_sell: Mapped[bool] = mapped_column(Boolean, default=True)
    # The quantity of its stock row (None: none), written with it by the importer: on the product row, an index
    # gives the products table's order by stock (a join to `stocks` sorted every row of the store for each page).
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Name, article and barcodes case-folded (catalog.search.search_text): set by the importer, and by the
    # listeners below for rows written through the ORM. No default: an insert that forgets it fails loudly.
    search_text: Mapped[str] = mapped_column(Text)


@event.listens_for(Product, "before_insert")
@event.listens_for(Product, "before_update")
def _fold_for_search(_mapper: Mapper[Product], _connection: Connection, product: Product) -> None:
    product.search_text = search.search_text(product.name, product.sku, product.barcodes, product.article_number)


# create_all / drop_all make what the migrations make: the extension pg_trgm before the tables (its operator
# class is named by the index), and SQLite's FTS5 index with its triggers after the products table.
event.listen(Product.__table__, "before_create", DDL(search.PG_EXTENSION).execute_if(dialect="postgresql"))
for _statement in (search.SQLITE_TABLE, *search.SQLITE_TRIGGERS):
    event.listen(Product.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(Product.__table__, "before_drop", DDL(search.SQLITE_DROP).execute_if(dialect="sqlite"))


class Stock(Base):
    """The quantity of a product at its store, as the source last reported it (negative kept as reported); what
    the stock pipelines read. The importer writes the same quantity to products.quantity, for the products table."""

    __tablename__ = "stocks"
    __table_args__ = (UniqueConstraint("product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3), default=Decimal("0"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
