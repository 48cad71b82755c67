"""What the event pipeline reads and writes of a cabinet's marketplace events: the stored state of one page's ids
(one indexed query per chunk, never the whole history), bulk upserts for the three dialects, the feed cursors
and the product cards. `created_at` is when we first stored a row and is never overwritten."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from marketsync.connectors.records import MarketOrder, MarketReview, MarketSale, ProductCard
from marketsync.db import upsert, utcnow
from marketsync.notifications.detect import KnownOrder, KnownStock, SizeTotal
from marketsync.orders.models import EventCursor, Order, ProductCardRow, Review, Sale, SizeStockTotal

CHUNK = 500  # ids per lookup: well under every dialect's parameter limit
ORDERS, SALES, REVIEWS, CARDS, INITIAL = "orders", "sales", "reviews", "cards", "initial"


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """Yield consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def cursor(session: Session, account_id: int, source: str, feed: str) -> EventCursor | None:
    """Return a feed's cursor row, if the feed was ever read."""
    return session.scalar(select(EventCursor).where(EventCursor.account_id == account_id,
                                                    EventCursor.source == source, EventCursor.feed == feed))


def move_cursor(session: Session, account_id: int, source: str, feed: str, position: datetime | None) -> None:
    """Set a feed's position (never backwards), creating its row on first use."""
    row = cursor(session, account_id, source, feed)
    if row is None:
        session.add(EventCursor(account_id=account_id, source=source, feed=feed, position=position,
                                updated_at=utcnow()))
    else:
        if position is not None and (row.position is None or position > row.position):
            row.position = position
        row.updated_at = utcnow()
    session.flush()


KnownOrders = dict[str, tuple[KnownOrder, datetime | None]]


def known_orders(session: Session, account_id: int, source: str, ids: Sequence[str]) -> KnownOrders:
    """Return what is stored of these orders: cancelled or not, and when we first saw them cancelled."""
    rows = session.execute(select(Order.external_id, Order.cancelled, Order.cancelled_seen_at).where(
        Order.account_id == account_id, Order.source == source, Order.external_id.in_(ids)))
    return {external_id: (KnownOrder(bool(cancelled)), seen_at) for external_id, cancelled, seen_at in rows}


def save_orders(session: Session, account_id: int, source: str, orders: Sequence[MarketOrder],
                known: KnownOrders, now: datetime) -> None:
    """Upsert orders; `cancelled_seen_at` keeps the first time we stored the order as cancelled."""
    rows = []
    for order in orders:
        seen = known.get(order.order_id, (None, None))[1]
        rows.append({"account_id": account_id, "source": source, "external_id": order.order_id,
                     "ordered_at": order.ordered_at, "changed_at": order.changed_at, "article": order.article[:128],
                     "product_id": order.product_id, "barcode": order.barcode, "size": order.size,
                     "price": order.price, "warehouse": order.warehouse, "region": order.region,
                     "cancelled": order.cancelled, "cancelled_at": order.cancelled_at,
                     "cancelled_seen_at": seen or (now if order.cancelled else None), "created_at": now})
    upsert(session, Order, rows, keys=["account_id", "source", "external_id"],
           update=["ordered_at", "changed_at", "article", "product_id", "barcode", "size", "price", "warehouse",
                   "region", "cancelled", "cancelled_at", "cancelled_seen_at"])


def known_ids(session: Session, model: type[Sale] | type[Review], account_id: int, source: str,
              ids: Sequence[str]) -> set[str]:
    """Return which of these sale or review ids are stored already."""
    return set(session.scalars(select(model.external_id).where(
        model.account_id == account_id, model.source == source, model.external_id.in_(ids))))


def save_sales(session: Session, account_id: int, source: str, sales: Sequence[MarketSale], now: datetime) -> None:
    """Upsert buyouts and returns."""
    upsert(session, Sale, [{
        "account_id": account_id, "source": source, "external_id": sale.sale_id, "kind": sale.kind,
        "order_external_id": sale.order_id, "sold_at": sale.sold_at, "changed_at": sale.changed_at,
        "article": sale.article[:128], "product_id": sale.product_id, "barcode": sale.barcode, "size": sale.size,
        "price": sale.price, "for_pay": sale.for_pay, "warehouse": sale.warehouse, "region": sale.region,
        "created_at": now} for sale in sales], keys=["account_id", "source", "external_id"],
        update=["kind", "order_external_id", "sold_at", "changed_at", "article", "product_id", "barcode", "size",
                "price", "for_pay", "warehouse", "region"])


def save_reviews(session: Session, account_id: int, source: str, reviews: Sequence[MarketReview],
                 now: datetime) -> None:
    """Upsert reviews."""
    upsert(session, Review, [{
        "account_id": account_id, "source": source, "external_id": review.review_id, "rating": review.rating,
        "reviewed_at": review.created_at, "product_id": review.product_id, "article": review.article,
        "size": review.size, "text": review.text, "author": review.author[:200], "created_at": now}
        for review in reviews], keys=["account_id", "source", "external_id"],
        update=["rating", "reviewed_at", "product_id", "article", "size", "text", "author"])


def known_stocks(session: Session, account_id: int, source: str,
                 keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], KnownStock]:
    """Return the stored total and critical flag of these sizes."""
    rows = session.execute(select(SizeStockTotal.product_id, SizeStockTotal.size_key, SizeStockTotal.total,
                                  SizeStockTotal.critical).where(
        SizeStockTotal.account_id == account_id, SizeStockTotal.source == source,
        tuple_(SizeStockTotal.product_id, SizeStockTotal.size_key).in_(list(keys))))
    return {(product_id, size_key): KnownStock(total, bool(critical)) for product_id, size_key, total, critical in rows}


def save_stocks(session: Session, account_id: int, source: str, totals: Sequence[SizeTotal],
                critical: dict[tuple[str, str], bool], crossed: dict[tuple[str, str], int], now: datetime) -> None:
    """Upsert each size's total and critical flag; `crossed` names the run that saw a size cross."""
    rows = [{"account_id": account_id, "source": source, "product_id": size.product_id, "size_key": size.size_key,
             "article": size.article[:128], "size": size.size, "total": size.total,
             "warehouses": len(size.warehouses), "critical": critical[(size.product_id, size.size_key)],
             "crossed_run_id": crossed.get((size.product_id, size.size_key)), "updated_at": now}
            for size in totals]
    upsert(session, SizeStockTotal, [r for r in rows if r["crossed_run_id"] is not None],
           keys=["account_id", "source", "product_id", "size_key"],
           update=["article", "size", "total", "warehouses", "critical", "crossed_run_id", "updated_at"])
    upsert(session, SizeStockTotal, [r for r in rows if r["crossed_run_id"] is None],
           keys=["account_id", "source", "product_id", "size_key"],
           update=["article", "size", "total", "warehouses", "critical", "updated_at"])


def save_cards(session: Session, account_id: int, source: str, cards: Sequence[ProductCard], now: datetime) -> None:
    """Upsert product cards (title, article, first photo)."""
    upsert(session, ProductCardRow, [{
        "account_id": account_id, "source": source, "product_id": card.product_id, "article": card.article[:128],
        "title": card.title[:500], "photo_url": card.photo_url, "updated_at": now} for card in cards],
        keys=["account_id", "source", "product_id"], update=["article", "title", "photo_url", "updated_at"])


def missing_cards(session: Session, account_id: int, source: str, product_ids: Iterable[str]) -> set[str]:
    """Return which of these products have no stored card."""
    wanted = sorted(set(product_ids))
    found: set[str] = set()
    for part in chunks(wanted):
        found.update(session.scalars(select(ProductCardRow.product_id).where(
            ProductCardRow.account_id == account_id, ProductCardRow.source == source,
            ProductCardRow.product_id.in_(part))))
    return set(wanted) - found


def card_photos(session: Session, account_id: int, source: str, product_ids: Iterable[str]) -> dict[str, str]:
    """Return the stored first photo of each of these products that has one."""
    photos: dict[str, str] = {}
    for part in chunks(sorted(set(product_ids))):
        photos.update({product_id: url for product_id, url in session.execute(
            select(ProductCardRow.product_id, ProductCardRow.photo_url).where(
                ProductCardRow.account_id == account_id, ProductCardRow.source == source,
                ProductCardRow.product_id.in_(part), ProductCardRow.photo_url.is_not(None))) if url})
    return photos
