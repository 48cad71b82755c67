"""What matching left over and the seller's answers to it: marketplace offers without a product of ours (with
the reason), our products without an offer on a marketplace, and the manual mappings (an offer → a product key,
or "not ours"), which win over automatic matching at the next push (sync.matching)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.catalog.models import Product, Stock
from marketsync.connections.models import Connection
from marketsync.db import utcnow
from marketsync.stocks.models import OfferRow, StockMapping
from marketsync.stocks.table_service import positive_sum, whole
from marketsync.sync.filters import load_scope
from marketsync.sync.matching import IGNORE, Unmatched

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

OFFER_SORTS = ("marketplace", "offer", "name")
PRODUCT_SORTS = ("key", "name", "stock")
MAPPING_SORTS = ("marketplace", "offer", "product", "created")
NOT_YET = "not matched yet"  # an offer listed by a run that had not matched it yet (no reason stored)


class MappingError(ValueError):
    """A mapping the seller asked for cannot be saved; the message says why (shown translated by the page)."""

    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class UnmatchedOffer:
    """An offer no product of ours is matched to, and why."""

    id: int
    system: str
    offer_id: str
    stock_key: str
    name: str
    barcodes: list[str]
    size: str | None
    reason: str


@dataclass(frozen=True)
class UnofferedProduct:
    """A product key of the enabled stores that no offer of a marketplace is matched to."""

    key: str
    name: str
    barcodes: list[str]
    stock: int | None


@dataclass(frozen=True)
class ManualMapping:
    """A seller's mapping, with the offer it names and how the last run applied it."""

    id: int
    system: str
    offer_row_id: int | None  # the offer's row, to map it again; None: the marketplace no longer lists it
    offer_id: str | None
    stock_key: str
    name: str | None
    product_key: str  # "" (IGNORE): not ours
    applied_key: str | None  # the product the last run matched the offer to
    reason: str | None  # why the last run left it unmatched
    created_at: datetime

    @property
    def state(self) -> str:
        """Say how the last run treated the mapping: applied, refused (see `reason`) or pending (not run yet)."""
        if self.product_key == IGNORE:
            return "applied" if self.reason == Unmatched.IGNORED else "pending"
        if self.applied_key == self.product_key:
            return "applied"
        return "refused" if self.reason in (Unmatched.TAKEN, Unmatched.MAPPED_TO_MISSING) else "pending"


def _of_account(account_id: int) -> ColumnElement[bool]:
    return and_(Connection.id == OfferRow.connection_id, Connection.account_id == account_id)


def _unmatched_offers_query(session: Session, account_id: int, table: TableQuery) -> AnySelect:
    mapped = exists().where(StockMapping.connection_id == OfferRow.connection_id,
                            StockMapping.stock_key == OfferRow.stock_key).correlate(OfferRow)
    found: list[ColumnElement[bool]] = [OfferRow.account_id == account_id, OfferRow.product_key.is_(None),
                                        OfferRow.archived.is_(False), ~mapped]
    if table.q:
        found.append(or_(OfferRow.offer_id.icontains(table.q, autoescape=True),
                         OfferRow.stock_key.icontains(table.q, autoescape=True),
                         cast(OfferRow.barcodes, String).icontains(table.q, autoescape=True),
                         listing.contains(session, [OfferRow.name], table.q)))
    if table.filter("marketplace"):
        found.append(Connection.system == table.filter("marketplace"))
    query = select(OfferRow.id, Connection.system, OfferRow.offer_id, OfferRow.stock_key, OfferRow.name,
                   OfferRow.barcodes, OfferRow.size, OfferRow.unmatched_reason) \
        .join(Connection, _of_account(account_id)).where(*found)
    sorts = {"marketplace": Connection.system, "offer": OfferRow.offer_id, "name": OfferRow.name}
    return listing.ordered(query, table, sorts, "marketplace", OfferRow.id)


def _offer(row: Any) -> UnmatchedOffer:
    return UnmatchedOffer(id=row.id, system=row.system, offer_id=row.offer_id, stock_key=row.stock_key,
                          name=row.name, barcodes=list(row.barcodes or ()), size=row.size,
                          reason=row.unmatched_reason or NOT_YET)


def unmatched_offers_page(session: Session, account_id: int,
                          table: TableQuery) -> tuple[list[UnmatchedOffer], listing.Page]:
    """Return one page of the offers without a product (those the seller mapped by hand are on the mappings)."""
    page = listing.page_of(session, _unmatched_offers_query(session, account_id, table), table)
    return [_offer(row) for row in page.rows], page


def _unoffered_query(session: Session, account_id: int, connection_id: int, table: TableQuery) -> AnySelect:
    stores = list(load_scope(session, account_id).stores)
    offered = exists().where(OfferRow.account_id == account_id, OfferRow.product_key == Product.stock_key,
                             OfferRow.connection_id == connection_id).correlate(Product)  # ix_market_offers_product
    found: list[ColumnElement[bool]] = [Product.account_id == account_id, Product.store_external_id.in_(stores),
                                        ~offered]
    if table.q:
        found.append(or_(Product.stock_key.icontains(table.q, autoescape=True),
                         cast(Product.barcodes, String).icontains(table.q, autoescape=True),
                         listing.contains(session, [Product.name], table.q)))
    name, stock = func.min(Product.name), positive_sum(Stock.quantity)
    query = select(Product.stock_key, name.label("name"), stock.label("stock"),
                   func.max(cast(Product.barcodes, String)).label("barcodes")) \
        .outerjoin(Stock, Stock.product_id == Product.id).where(*found).group_by(Product.stock_key)
    sorts = {"key": Product.stock_key, "name": name, "stock": stock}
    return listing.ordered(query, table, sorts, "key", Product.stock_key)


def unoffered_products_page(session: Session, account_id: int, connection_id: int,
                            table: TableQuery) -> tuple[list[UnofferedProduct], listing.Page]:
    """Return one page of the enabled stores' product keys that no offer of this marketplace is matched to."""
    page = listing.page_of(session, _unoffered_query(session, account_id, connection_id, table), table)
    return [UnofferedProduct(key=row.stock_key, name=row.name, barcodes=json.loads(row.barcodes or "[]"),
                             stock=whole(row.stock)) for row in page.rows], page


def _mappings_query(session: Session, account_id: int, table: TableQuery) -> AnySelect:
    found: list[ColumnElement[bool]] = [StockMapping.account_id == account_id]
    if table.q:
        found.append(or_(StockMapping.product_key.icontains(table.q, autoescape=True),
                         StockMapping.stock_key.icontains(table.q, autoescape=True),
                         OfferRow.offer_id.icontains(table.q, autoescape=True),
                         listing.contains(session, [OfferRow.name], table.q)))
    if table.filter("marketplace"):
        found.append(Connection.system == table.filter("marketplace"))
    query = select(StockMapping.id, Connection.system, OfferRow.id.label("offer_row_id"), OfferRow.offer_id,
                   StockMapping.stock_key, OfferRow.name,
                   StockMapping.product_key, OfferRow.product_key.label("applied_key"), OfferRow.unmatched_reason,
                   StockMapping.created_at) \
        .join(Connection, and_(Connection.id == StockMapping.connection_id, Connection.account_id == account_id)) \
        .outerjoin(OfferRow, and_(OfferRow.connection_id == StockMapping.connection_id,
                                  OfferRow.stock_key == StockMapping.stock_key)).where(*found)
    sorts = {"marketplace": Connection.system, "offer": OfferRow.offer_id, "product": StockMapping.product_key,
             "created": StockMapping.created_at}
    return listing.ordered(query, table, sorts, "marketplace", StockMapping.id)


def mappings_page(session: Session, account_id: int, table: TableQuery) -> tuple[list[ManualMapping], listing.Page]:
    """Return one page of the seller's manual mappings with how the last run applied each."""
    page = listing.page_of(session, _mappings_query(session, account_id, table), table)
    return [ManualMapping(id=r.id, system=r.system, offer_row_id=r.offer_row_id, offer_id=r.offer_id,
                          stock_key=r.stock_key, name=r.name,
                          product_key=r.product_key, applied_key=r.applied_key, reason=r.unmatched_reason,
                          created_at=r.created_at)
            for r in page.rows], page


def iter_unmatched_offers(session: Session, account_id: int, table: TableQuery) -> Iterator[UnmatchedOffer]:
    """Yield every unmatched offer of the table's filtered set, a chunk at a time."""
    for row in listing.every_row(session, _unmatched_offers_query(session, account_id, table)):
        yield _offer(row)


def map_offer(session: Session, *, account_id: int, offer_id: int, product_key: str | None) -> StockMapping:
    """Map one of the cabinet's offers (by its row id) to a product key of its enabled stores, or, with None,
    mark it not ours; replaces an earlier mapping of the offer. Applied by the next push."""
    offer = session.scalar(select(OfferRow).join(Connection, _of_account(account_id))
                           .where(OfferRow.id == offer_id, OfferRow.account_id == account_id))
    if offer is None:
        raise MappingError("unknown_offer")
    key = IGNORE if product_key is None else product_key.strip()
    if product_key is not None:
        if not key:
            raise MappingError("empty_key")
        stores = list(load_scope(session, account_id).stores)
        if session.scalar(select(Product.id).where(Product.account_id == account_id, Product.stock_key == key,
                                                   Product.store_external_id.in_(stores)).limit(1)) is None:
            raise MappingError("unknown_key", key=key)
        other = session.scalar(select(StockMapping).where(
            StockMapping.connection_id == offer.connection_id, StockMapping.product_key == key,
            StockMapping.stock_key != offer.stock_key))
        if other is not None:  # one product, one offer per marketplace: two would sell the stock twice
            taken = session.scalar(select(OfferRow.offer_id).where(OfferRow.connection_id == offer.connection_id,
                                                                   OfferRow.stock_key == other.stock_key))
            raise MappingError("key_taken", key=key, offer=taken or other.stock_key)
    mapping = session.scalar(select(StockMapping).where(StockMapping.connection_id == offer.connection_id,
                                                        StockMapping.stock_key == offer.stock_key))
    if mapping is None:
        mapping = StockMapping(account_id=account_id, connection_id=offer.connection_id, stock_key=offer.stock_key,
                               product_key=key)
        session.add(mapping)
    mapping.product_key, mapping.created_at = key, utcnow()
    session.flush()
    return mapping


def remove_mapping(session: Session, *, account_id: int, mapping_id: int) -> bool:
    """Delete one of the cabinet's mappings (the offer is matched automatically again); False if not theirs."""
    mapping = session.scalar(select(StockMapping).where(StockMapping.id == mapping_id,
                                                        StockMapping.account_id == account_id))
    if mapping is None:
        return False
    session.delete(mapping)
    session.flush()
    return True
