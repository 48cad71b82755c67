"""Pure event detection: what a sync saw against the state before it → the events a seller is told about.

The pipeline reads each page of a feed, looks up what it already stored of those ids (one indexed query per
page, so the work never grows with the history) and asks these functions what happened: a new order (an srid
never stored, whatever its date), a cancellation (a stored order that became cancelled), a buyout or a return
(a sale row never stored, S… or R…), a negative review (a new review rated at or below the maximum) and a
critical stock (a size whose total over all warehouses fell from above the threshold to at or below it; a move
between warehouses keeps the total, so it is no event; it fires again only after the total rose above).
No I/O here; the facts a message names travel in `Event.payload` (JSON-ready: strings and numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from marketsync.connectors.records import BUYOUT, RETURN, MarketOrder, MarketReview, MarketSale, SizeStock
from marketsync.notifications.models import (
    CRITICAL_STOCKS,
    NEGATIVE_REVIEWS,
    NEW_ORDERS,
    ORDER_BUYOUTS,
    ORDER_CANCELLATIONS,
    ORDER_RETURNS,
)

SALE_TYPES = {BUYOUT: ORDER_BUYOUTS, RETURN: ORDER_RETURNS}


@dataclass(frozen=True)
class Event:
    """One thing a seller is told about; `key` is what makes it unique within a cabinet and type (the WB id;
    for a critical stock also the size and the sync run that saw it cross)."""

    type: str
    wb_id: str
    key: str
    event_at: datetime | None
    product_id: str | None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class KnownOrder:
    """What was stored of an order before this sync."""

    cancelled: bool


@dataclass(frozen=True)
class SizeTotal:
    """One size's units summed over every warehouse the marketplace reported, with each warehouse's share."""

    product_id: str
    size_key: str
    total: int
    article: str = ""
    size: str | None = None
    warehouses: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class KnownStock:
    """A size's total at the last sync and whether it was critical (at or below the threshold) then."""

    total: int
    critical: bool


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _order_payload(order: MarketOrder) -> dict[str, Any]:
    return {"article": order.article, "product_id": order.product_id, "barcode": order.barcode, "size": order.size,
            "price": _money(order.price), "warehouse": order.warehouse, "region": order.region,
            "ordered_at": order.ordered_at.isoformat()}


def order_events(known: Mapping[str, KnownOrder], orders: Iterable[MarketOrder]) -> list[Event]:
    """New orders (ids not in `known`) and cancellations (known, not cancelled before, cancelled now)."""
    events: list[Event] = []
    # A row may come twice (WB: a page boundary, dateFrom is inclusive): its last state is the one that counts.
    latest = {order.order_id: order for order in orders}
    for order in latest.values():
        before = known.get(order.order_id)
        if before is None:
            events.append(Event(NEW_ORDERS, order.order_id, order.order_id, order.ordered_at, order.product_id,
                                _order_payload(order)))
        elif order.cancelled and not before.cancelled:
            at = order.cancelled_at or order.changed_at
            events.append(Event(ORDER_CANCELLATIONS, order.order_id, order.order_id, at, order.product_id,
                                {**_order_payload(order), "cancelled_at": at.isoformat()}))
    return events


def sale_events(known: Iterable[str], sales: Iterable[MarketSale]) -> list[Event]:
    """Buyouts and returns: sale rows whose id was never stored (by when we store them, not by their date)."""
    stored = set(known)
    events: list[Event] = []
    for sale in sales:
        if sale.sale_id in stored or sale.kind not in SALE_TYPES:
            continue
        stored.add(sale.sale_id)
        events.append(Event(SALE_TYPES[sale.kind], sale.sale_id, sale.sale_id, sale.sold_at, sale.product_id, {
            "article": sale.article, "product_id": sale.product_id, "barcode": sale.barcode, "size": sale.size,
            "price": _money(sale.price), "for_pay": _money(sale.for_pay), "warehouse": sale.warehouse,
            "region": sale.region, "order_id": sale.order_id, "sold_at": sale.sold_at.isoformat()}))
    return events


def review_events(known: Iterable[str], reviews: Iterable[MarketReview], *, max_rating: int) -> list[Event]:
    """Negative reviews: never stored before and rated at or below `max_rating`."""
    stored = set(known)
    events: list[Event] = []
    for review in reviews:
        if review.review_id in stored:
            continue
        stored.add(review.review_id)
        if review.rating <= max_rating:
            events.append(Event(NEGATIVE_REVIEWS, review.review_id, review.review_id, review.created_at,
                                review.product_id, {
                                    "article": review.article, "product_id": review.product_id,
                                    "size": review.size, "rating": review.rating, "text": review.text[:600],
                                    "author": review.author, "reviewed_at": review.created_at.isoformat()}))
    return events


def size_totals(stocks: Iterable[SizeStock]) -> dict[tuple[str, str], SizeTotal]:
    """Sum each size's units over every warehouse (one size may be reported in several rows and pages)."""
    parts: dict[tuple[str, str], dict[str, int]] = {}
    labels: dict[tuple[str, str], tuple[str, str | None]] = {}
    for row in stocks:
        key = (row.product_id, row.size_key)
        by_warehouse = parts.setdefault(key, {})
        by_warehouse[row.warehouse] = by_warehouse.get(row.warehouse, 0) + max(0, row.quantity)
        if key not in labels or (not labels[key][0] and row.article):
            labels[key] = (row.article, row.size)
    return {key: SizeTotal(key[0], key[1], sum(w.values()), *labels[key],
                           tuple(sorted(w.items(), key=lambda item: (-item[1], item[0]))))
            for key, w in parts.items()}


def stock_events(known: Mapping[tuple[str, str], KnownStock], totals: Sequence[SizeTotal], *, threshold: int,
                 run_id: int) -> tuple[list[Event], dict[tuple[str, str], bool]]:
    """Critical stocks: a size known above the threshold whose total is now at or below it.

    Returns the events and every reported size's new critical flag (total at or below the threshold), so a size
    first seen low, or one that stays low, never fires, and one that rose above fires again when it falls."""
    events: list[Event] = []
    critical: dict[tuple[str, str], bool] = {}
    for size in totals:
        key = (size.product_id, size.size_key)
        now = size.total <= threshold
        critical[key] = now
        before = known.get(key)
        if now and before is not None and not before.critical:
            events.append(Event(CRITICAL_STOCKS, size.product_id, f"{size.product_id}:{size.size_key}:{run_id}",
                                None, size.product_id, {
                                    "article": size.article, "product_id": size.product_id, "size": size.size,
                                    "size_key": size.size_key, "total": size.total, "before": before.total,
                                    "warehouses": [list(item) for item in size.warehouses[:5]]}))
    return events, critical
