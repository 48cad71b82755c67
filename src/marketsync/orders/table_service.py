"""The /orders table: what buyers did, one row per order (active or cancelled), buyout or return, newest first;
searched (article, product name, barcode, marketplace id), filtered by marketplace, operation, order state and
Moscow dates, sorted, paged, or streamed whole for an export. Read-only, and only the cabinet's own rows.

Orders and sales live in two tables: a page is the UNION ALL of both, each side first cut to the rows the page
can need (ordered the page's way, at most offset + page size), so the (account_id, time) indexes serve it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Numeric, Row, String, and_, case, cast, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.db import UTCDateTime
from marketsync.orders.chart_service import msk_day_start
from marketsync.orders.models import Order, ProductCardRow, Sale

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

ORDER, BUYOUT, RETURN = "order", "buyout", "return"
KINDS = (ORDER, BUYOUT, RETURN)
ACTIVE, CANCELLED = "active", "cancelled"
STATES = (ACTIVE, CANCELLED)
SOURCES = ("wildberries", "ozon")
SORTS = ("at", "article", "price", "marketplace")  # every one a NOT NULL column: no "empty last" key


@dataclass(frozen=True)
class OrderLine:
    """One row of the /orders table and its exports: an order, a buyout or a return."""

    kind: str  # order | buyout | return
    state: str  # an order's: active | cancelled; a sale's: its kind
    at: datetime  # ordered or sold (UTC)
    source: str
    external_id: str
    article: str
    product_id: str | None
    title: str | None
    size: str | None
    price: Decimal
    for_pay: Decimal | None
    warehouse: str | None
    region: str | None
    cancelled_at: datetime | None


def parse_day(raw: str) -> date | None:
    """Read a date filter ("2025-11-25"); None when it is not a date."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _card(account_id: int, source: Any, product_id: Any) -> Any:
    return and_(ProductCardRow.account_id == account_id, ProductCardRow.source == source,
                ProductCardRow.product_id == product_id)


def _dates(column: Any, table: TableQuery) -> list[ColumnElement[bool]]:
    found = []
    since, until = parse_day(table.filter("since")), parse_day(table.filter("until"))
    if since:
        found.append(column >= msk_day_start(since))
    if until:
        found.append(column < msk_day_start(until + timedelta(days=1)))
    return found


def _orders(session: Session, account_id: int, table: TableQuery) -> tuple[AnySelect, AnySelect] | None:
    """The orders side: its rows' select and its count, or None when the filters exclude every order."""
    if table.filter("kind") not in ("", ORDER):
        return None
    where: list[ColumnElement[bool]] = [Order.account_id == account_id, *_dates(Order.ordered_at, table)]
    if table.filter("marketplace"):
        where.append(Order.source == table.filter("marketplace"))
    if table.filter("state"):
        where.append(Order.cancelled.is_(table.filter("state") == CANCELLED))
    needs_card = bool(table.q)
    if table.q:
        where.append(listing.contains(session, [Order.article, Order.external_id, Order.barcode, Order.product_id,
                                                ProductCardRow.title], table.q))
    cancelled_at = case((Order.cancelled.is_(True),
                         func.coalesce(Order.cancelled_at, Order.cancelled_seen_at, Order.changed_at)),
                        else_=null())
    rows = select(
        (Order.id * 2).label("key"), literal(ORDER, String).label("kind"),
        case((Order.cancelled.is_(True), literal(CANCELLED, String)), else_=literal(ACTIVE, String)).label("state"),
        Order.ordered_at.label("at"), Order.source, Order.external_id, Order.article, Order.product_id,
        ProductCardRow.title, Order.size, Order.price, cast(null(), Numeric(14, 2)).label("for_pay"),
        Order.warehouse, Order.region, cancelled_at.label("cancelled_at"),
    ).select_from(Order).outerjoin(ProductCardRow, _card(account_id, Order.source, Order.product_id)).where(*where)
    count = select(Order.id).select_from(Order)
    if needs_card:
        count = count.outerjoin(ProductCardRow, _card(account_id, Order.source, Order.product_id))
    return rows, count.where(*where)


def _sales(session: Session, account_id: int, table: TableQuery) -> tuple[AnySelect, AnySelect] | None:
    """The buyouts-and-returns side: its rows' select and its count, or None when the filters exclude every sale."""
    kind = table.filter("kind")
    if kind == ORDER or table.filter("state"):
        return None
    where: list[ColumnElement[bool]] = [Sale.account_id == account_id, *_dates(Sale.sold_at, table)]
    if kind:
        where.append(Sale.kind == kind)
    if table.filter("marketplace"):
        where.append(Sale.source == table.filter("marketplace"))
    if table.q:
        where.append(listing.contains(session, [Sale.article, Sale.external_id, Sale.barcode, Sale.product_id,
                                                Sale.order_external_id, ProductCardRow.title], table.q))
    rows = select(
        (Sale.id * 2 + 1).label("key"), Sale.kind.label("kind"), Sale.kind.label("state"), Sale.sold_at.label("at"),
        Sale.source, Sale.external_id, Sale.article, Sale.product_id, ProductCardRow.title, Sale.size, Sale.price,
        Sale.for_pay, Sale.warehouse, Sale.region, cast(null(), UTCDateTime).label("cancelled_at"),
    ).select_from(Sale).outerjoin(ProductCardRow, _card(account_id, Sale.source, Sale.product_id)).where(*where)
    count = select(Sale.id).select_from(Sale)
    if table.q:
        count = count.outerjoin(ProductCardRow, _card(account_id, Sale.source, Sale.product_id))
    return rows, count.where(*where)


def _sorts(columns: Any) -> dict[str, Any]:
    return {"at": columns.at, "article": columns.article, "price": columns.price, "marketplace": columns.source}


def _ordered(sides: list[AnySelect], table: TableQuery, limit: int | None = None) -> AnySelect | None:
    """Return the sides' union in the table's order; with `limit`, each side is first cut to its first rows."""
    if not sides:
        return None
    parts = []
    for side in sides:
        if limit is not None:
            part = side.subquery()
            side = select(part).order_by(*listing.order_keys(table, _sorts(part.c), "at", part.c.key,
                                                                never_empty=SORTS)).limit(limit)
        parts.append(select(side.subquery()))  # a UNION member may carry ORDER BY / LIMIT only as a subquery
    lines = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("lines")
    return listing.ordered(select(lines), table, _sorts(lines.c), "at", lines.c.key, never_empty=SORTS)


def _line(row: Row[Any]) -> OrderLine:
    return OrderLine(kind=row.kind, state=row.state, at=row.at, source=row.source, external_id=row.external_id,
                     article=row.article or "", product_id=row.product_id, title=row.title, size=row.size,
                     price=Decimal(str(row.price or 0)),
                     for_pay=None if row.for_pay is None else Decimal(str(row.for_pay)), warehouse=row.warehouse,
                     region=row.region, cancelled_at=row.cancelled_at)


def _sides(session: Session, account_id: int, table: TableQuery) -> list[tuple[AnySelect, AnySelect]]:
    return [side for side in (_orders(session, account_id, table), _sales(session, account_id, table)) if side]


def order_lines_page(session: Session, account_id: int, table: TableQuery) -> tuple[list[OrderLine], listing.Page]:
    """Return one page of the cabinet's orders, buyouts and returns as the table asks, and the page's figures."""
    sides = _sides(session, account_id, table)
    total = sum(session.scalar(select(func.count()).select_from(count.subquery())) or 0 for _rows, count in sides)
    page = min(table.page, max(1, -(-total // table.per_page)))
    start = (page - 1) * table.per_page
    query = _ordered([rows for rows, _count in sides], table, limit=start + table.per_page)
    if query is None or not total:
        return [], listing.Page(rows=[], total=total, page=page)
    rows = list(session.execute(query.offset(start).limit(table.per_page)))
    return [_line(row) for row in rows], listing.Page(rows=rows, total=total, page=page)


def order_lines_export(session: Session, account_id: int, table: TableQuery) -> Iterator[OrderLine]:
    """Yield every line of the table's filtered set (all pages), in its order, a chunk at a time."""
    query = _ordered([rows for rows, _count in _sides(session, account_id, table)], table)
    if query is None:
        return
    for row in listing.every_row(session, query):
        yield _line(row)
