"""The /stocks table: one row per matched offer (a product key on one marketplace) with our stock over the
enabled stores, the reserve, what we offer, what the marketplace took and reports, and the last push's error;
searched, filtered by marketplace and state, sorted, paged, or streamed whole for an export. Read-only."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from marketsync import listing
from marketsync.catalog.models import Product, Stock
from marketsync.connections.models import Connection
from marketsync.connectors.records import FBO, FBS
from marketsync.stocks.models import MarketStock, OfferRow, StockConfig, StockPush
from marketsync.stocks.service import connected_marketplaces
from marketsync.sync.filters import load_scope

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

OK, ERROR, NEVER, DIFFERS = "ok", "error", "never", "differs"
STATES = (OK, ERROR, NEVER, DIFFERS)
SORTS = ("key", "name", "marketplace", "stock", "offered", "pushed", "reported", "pushed_at")


def our_warehouse(conn: Connection) -> str:
    """Return the warehouse whose FBS stock we keep, as the push records it (YM: the shop's campaign)."""
    return str(conn.settings.get("warehouse_id") or conn.settings.get("campaign_id") or "")


def positive_sum(quantity: Any) -> Any:
    """Return SUM of the quantities with a negative or missing one counted as 0 (stock_levels.whole_units)."""
    return func.sum(case((quantity > 0, quantity), else_=literal(0)))


def whole(total: Decimal | int | None) -> int | None:
    """Return a positive-sum stock in whole units (floored), None when no enabled store sells the product."""
    return None if total is None else math.floor(total)


@dataclass(frozen=True)
class StockLine:
    """One product on one marketplace, as the /stocks table and its exports show it."""

    product_key: str
    name: str | None
    system: str
    offer_id: str | None
    stock: int | None  # our stock over the enabled stores; None: no enabled store sells it any more
    reserve: int
    offered: int
    pushed: int | None
    reported: int | None  # FBS at our warehouse as the marketplace reports it; None: no record
    fbo: int | None  # FBO over the marketplace's own warehouses; None: none reported
    pushed_at: datetime | None
    error: str | None
    error_code: str | None
    state: str


def _still_matched() -> ColumnElement[bool]:
    # A push row outlives its match (an offer the seller later marked "not ours" or mapped elsewhere, one the
    # marketplace no longer lists): only offers matched to that product by the last run are shown.
    return and_(OfferRow.connection_id == StockPush.connection_id, OfferRow.stock_key == StockPush.stock_key,
                OfferRow.product_key == StockPush.product_key)


@dataclass(frozen=True)
class _Queries:
    rows: AnySelect  # every column of the filtered lines, in the table's order (the export)
    keys: AnySelect  # the same lines' ids in the same order, joining only what the filters and the sort need
    count: AnySelect  # the filtered ids, unordered
    wide: AnySelect  # every column of the cabinet's lines, unfiltered (a page's rows are picked by id)


def _queries(session: Session, account_id: int, table: TableQuery) -> _Queries:
    stores = list(load_scope(session, account_id).stores)
    conns = list(session.scalars(select(Connection).where(Connection.account_id == account_id)))
    warehouses = {conn.id: our_warehouse(conn) for conn in conns}
    fbs = aliased(MarketStock)
    in_stores = Product.store_external_id.in_(stores)
    of_key = and_(Product.account_id == account_id, Product.stock_key == StockPush.product_key)
    # Per line, never per cabinet: a page computes these for its own 50 lines only (the keys query sorts by at
    # most one of them), so a page costs the same at any catalog size.
    # The name of the first enabled store that sells the key, else of any store that still has it.
    name = select(Product.name).where(of_key).order_by(case((in_stores, 0), else_=1), Product.id) \
        .limit(1).correlate(StockPush).scalar_subquery()
    stock = select(positive_sum(Stock.quantity)).select_from(Product) \
        .outerjoin(Stock, Stock.product_id == Product.id).where(of_key, in_stores) \
        .correlate(StockPush).scalar_subquery()
    fbo = select(func.sum(MarketStock.quantity)).where(
        MarketStock.connection_id == StockPush.connection_id, MarketStock.stock_key == StockPush.stock_key,
        MarketStock.fulfillment == FBO).correlate(StockPush).scalar_subquery()
    ours = case(warehouses, value=StockPush.connection_id, else_=literal("")) if warehouses else literal("")
    at_ours = and_(fbs.connection_id == StockPush.connection_id, fbs.stock_key == StockPush.stock_key,
                   fbs.fulfillment == FBS, fbs.warehouse_id == ours)
    differs = or_(fbs.quantity.is_(None), fbs.quantity != StockPush.offered, StockPush.pushed_amount.is_(None),
                  StockPush.pushed_amount != StockPush.offered)
    state = case((StockPush.error.is_not(None), literal(ERROR)), (StockPush.pushed_at.is_(None), literal(NEVER)),
                 (differs, literal(DIFFERS)), else_=literal(OK))
    of_account = and_(Connection.id == StockPush.connection_id, Connection.account_id == account_id)
    wide = select(
        StockPush.id, StockPush.product_key, name.label("name"), Connection.system, OfferRow.offer_id,
        stock.label("stock"), func.coalesce(StockConfig.reserve, 0).label("reserve"), StockPush.offered,
        StockPush.pushed_amount, fbs.quantity.label("reported"), fbo.label("fbo"), StockPush.pushed_at,
        StockPush.error, StockPush.error_code, state.label("state"),
    ).select_from(StockPush).join(Connection, of_account).join(OfferRow, _still_matched()) \
        .outerjoin(fbs, at_ours) \
        .outerjoin(StockConfig, and_(StockConfig.account_id == account_id, StockConfig.system == Connection.system)) \
        .where(StockPush.account_id == account_id)
    found: list[ColumnElement[bool]] = [StockPush.account_id == account_id]
    if table.q:
        named = select(Product.stock_key).where(Product.account_id == account_id,
                                                listing.contains(session, [Product.name], table.q))
        found.append(or_(StockPush.product_key.icontains(table.q, autoescape=True),
                         OfferRow.offer_id.icontains(table.q, autoescape=True),
                         StockPush.stock_key.icontains(table.q, autoescape=True), StockPush.product_key.in_(named)))
    if table.filter("marketplace"):
        found.append(StockPush.connection_id.in_([c.id for c in conns if c.system == table.filter("marketplace")]))
    if table.filter("state"):
        found.append(state == table.filter("state"))
    sorts = {"key": StockPush.product_key, "name": name, "marketplace": Connection.system, "stock": stock,
             "offered": StockPush.offered, "pushed": StockPush.pushed_amount, "reported": fbs.quantity,
             "pushed_at": StockPush.pushed_at}
    narrow = select(StockPush.id).select_from(StockPush).join(OfferRow, _still_matched())
    if table.filter("state") or table.sort == "reported":
        narrow = narrow.outerjoin(fbs, at_ours)
    if table.sort == "marketplace":
        narrow = narrow.join(Connection, of_account)
    narrow = narrow.where(*found)
    return _Queries(rows=listing.ordered(wide.where(*found), table, sorts, "key", StockPush.id),
                    keys=listing.ordered(narrow, table, sorts, "key", StockPush.id), count=narrow, wide=wide)


def _line(row: Row[Any]) -> StockLine:
    return StockLine(product_key=row.product_key, name=row.name, system=row.system, offer_id=row.offer_id,
                     stock=whole(row.stock), reserve=int(row.reserve), offered=row.offered, pushed=row.pushed_amount,
                     reported=row.reported, fbo=None if row.fbo is None else int(row.fbo), pushed_at=row.pushed_at,
                     error=row.error, error_code=row.error_code, state=row.state)


def stock_lines_page(session: Session, account_id: int, table: TableQuery) -> tuple[list[StockLine], listing.Page]:
    """Return one page of the cabinet's stock lines as the table asks, and the page's figures."""
    queries = _queries(session, account_id, table)
    page = listing.page_by_key(session, queries.keys, queries.wide, StockPush.id, table, count_query=queries.count,
                               row_key=lambda row: row.id)
    return [_line(row) for row in page.rows], page


def stock_lines_export(session: Session, account_id: int, table: TableQuery) -> Iterator[StockLine]:
    """Yield every stock line of the table's filtered set (all pages), in its order, a chunk at a time."""
    for row in listing.every_row(session, _queries(session, account_id, table).rows):
        yield _line(row)


@dataclass(frozen=True)
class MarketSummary:
    """One marketplace's stock figures for the overview and the /stocks header."""

    system: str
    matched: int
    errors: int
    unmatched: int
    last_pushed_at: datetime | None


def market_summaries(session: Session, account_id: int) -> list[MarketSummary]:
    """Return, per connected marketplace, how many offers are matched, in error, unmatched, and the last push."""
    conns = connected_marketplaces(session, account_id)
    if not conns:
        return []
    ids = [conn.id for conn in conns]
    pushed = {row[0]: row[1:] for row in session.execute(select(
        StockPush.connection_id, func.count(), func.count(StockPush.error), func.max(StockPush.pushed_at),
    ).join(OfferRow, _still_matched()).where(StockPush.account_id == account_id, StockPush.connection_id.in_(ids))
        .group_by(StockPush.connection_id))}
    unmatched = {row[0]: row[1] for row in session.execute(select(OfferRow.connection_id, func.count()).where(
        OfferRow.account_id == account_id, OfferRow.connection_id.in_(ids), OfferRow.product_key.is_(None),
        OfferRow.archived.is_(False)).group_by(OfferRow.connection_id))}
    summaries = []
    for conn in conns:
        matched, errors, last = pushed.get(conn.id, (0, 0, None))
        summaries.append(MarketSummary(conn.system, matched, errors, unmatched.get(conn.id, 0), last))
    return summaries
