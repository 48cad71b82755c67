"""What the stock pipelines keep between runs: offers seen and their matches, the seller's mappings, what the
marketplaces report, and what we pushed. Plain reads and bulk writes over `stocks.models`; no decisions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connectors.records import FBS, MarketOffer, StockLevel
from marketsync.db import upsert, utcnow
from marketsync.stocks.models import MarketStock, OfferedLevel, OfferRow, StockHistory, StockPush

IN_LIST = 900  # values per IN (...): under every dialect's bound-parameter limit
PUSH_COLUMNS = (StockPush.id, StockPush.stock_key, StockPush.product_key, StockPush.offered, StockPush.pushed_amount,
                StockPush.reported, StockPush.pushed_at)

OFFER_FIELDS = ["offer_id", "barcodes", "name", "remote_product_id", "size", "archived", "seen_at"]


def save_offers(session: Session, conn: Connection, offers: Sequence[MarketOffer], seen_at: datetime) -> None:
    """Upsert one page of a marketplace's offers, stamped with this run's time."""
    upsert(session, OfferRow, [
        {"account_id": conn.account_id, "connection_id": conn.id, "stock_key": o.stock_key, "offer_id": o.offer_id,
         "barcodes": list(o.barcodes), "name": o.name[:500], "remote_product_id": o.product_id, "size": o.sku,
         "archived": o.archived, "seen_at": seen_at} for o in offers
    ], keys=["connection_id", "stock_key"], update=OFFER_FIELDS)


def forget_unseen_offers(session: Session, conn: Connection, seen_at: datetime) -> int:
    """Delete the offers a complete listing no longer returned; return how many."""
    result = session.execute(delete(OfferRow).where(OfferRow.connection_id == conn.id, OfferRow.seen_at < seen_at))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def save_reported(session: Session, conn: Connection, levels: Iterable[StockLevel], synced_at: datetime) -> None:
    """Upsert what the marketplace reports (the tool's `inventory` rows)."""
    upsert(session, MarketStock, [
        {"account_id": conn.account_id, "connection_id": conn.id, "stock_key": s.stock_key,
         "warehouse_id": s.warehouse_id, "warehouse_name": s.warehouse_name, "fulfillment": s.fulfillment,
         "quantity": s.quantity, "reserved": s.reserved, "synced_at": synced_at} for s in levels
    ], keys=["connection_id", "stock_key", "warehouse_id", "fulfillment"],
        update=["warehouse_name", "quantity", "reserved", "synced_at"])


def forget_unreported(session: Session, conn: Connection, synced_at: datetime, *, fulfillment: str | None = None,
                      warehouse_id: str | None = None) -> None:
    """Delete reported stock a complete read no longer returned (all of them, or one kind / warehouse)."""
    query = delete(MarketStock).where(MarketStock.connection_id == conn.id, MarketStock.synced_at < synced_at)
    if fulfillment is not None:
        query = query.where(MarketStock.fulfillment == fulfillment)
    if warehouse_id is not None:
        query = query.where(MarketStock.warehouse_id == warehouse_id)
    session.execute(query)


def matched_offers(session: Session, conn: Connection, chunk: int) -> Iterator[list[tuple[str, str]]]:
    """Yield (stock key, product key) of the connection's matched offers in id order, `chunk` at a time."""
    last = 0
    while True:
        rows = session.execute(select(OfferRow.id, OfferRow.stock_key, OfferRow.product_key).where(
            OfferRow.connection_id == conn.id, OfferRow.product_key.is_not(None), OfferRow.id > last,
        ).order_by(OfferRow.id).limit(chunk)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield [(r[1], r[2] or "") for r in rows]


def offered_for(session: Session, conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """Return the stock we offer for these product keys, from the push's copy of our catalog."""
    wanted, found = sorted(set(keys)), dict[str, int]()
    for start in range(0, len(wanted), IN_LIST):
        found.update(session.execute(select(OfferedLevel.product_key, OfferedLevel.offered).where(
            OfferedLevel.connection_id == conn.id, OfferedLevel.product_key.in_(wanted[start:start + IN_LIST]))).all())
    return found


def save_offered(session: Session, conn: Connection, offered: dict[str, tuple[str, int]]) -> None:
    """Store the stock we offer per matched stock key ((product key, units)), keeping push results."""
    upsert(session, StockPush, [
        {"account_id": conn.account_id, "connection_id": conn.id, "stock_key": key, "product_key": product,
         "offered": units} for key, (product, units) in offered.items()
    ], keys=["connection_id", "stock_key"], update=["product_key", "offered"])


def forget_unmatched_pushes(session: Session, conn: Connection) -> None:
    """Forget the push state of offers no longer matched (gone, archived, or mapped as not ours), so no page shows
    them as ours and, matched again, they count as never pushed (what the marketplace reports is read first)."""
    still_matched = select(OfferRow.id).where(OfferRow.connection_id == conn.id,
                                              OfferRow.stock_key == StockPush.stock_key,
                                              OfferRow.product_key.is_not(None))
    session.execute(delete(StockPush).where(StockPush.connection_id == conn.id, ~still_matched.exists()))


def record_accepted(session: Session, conn: Connection, accepted: dict[str, tuple[str, int]],
                    warehouse_id: str | None) -> None:
    """Record amounts the marketplace took ((product key, amount) per stock key), in state and history."""
    if not accepted:
        return
    now = utcnow()
    ids = _push_ids(session, conn, accepted)
    session.execute(update(StockPush), [
        {"id": ids[key], "pushed_amount": amount, "pushed_at": now, "error": None, "error_code": None,
         "failed_at": None, "pending": False} for key, (_, amount) in accepted.items() if key in ids
    ])
    session.execute(insert(StockHistory), [
        {"account_id": conn.account_id, "connection_id": conn.id, "product_key": product, "stock_key": key,
         "amount": amount, "pushed_at": now} for key, (product, amount) in accepted.items()
    ])
    # What we pushed is now what the marketplace holds at our warehouse. A marketplace whose connection names no
    # warehouse (Yandex Market: the shop's) gets its FBS rows as last read updated; a read adds missing ones.
    if warehouse_id is None:
        table = MarketStock.__table__
        session.execute(table.update().where(  # type: ignore[attr-defined]
            table.c.connection_id == conn.id, table.c.fulfillment == FBS, table.c.stock_key == bindparam("key"),
        ).values(quantity=bindparam("amount"), synced_at=now),
            [{"key": key, "amount": amount} for key, (_, amount) in accepted.items()])
        return
    upsert(session, MarketStock, [
        {"account_id": conn.account_id, "connection_id": conn.id, "stock_key": key, "warehouse_id": warehouse_id,
         "warehouse_name": None, "fulfillment": FBS, "quantity": amount, "reserved": 0, "synced_at": now}
        for key, (_, amount) in accepted.items()
    ], keys=["connection_id", "stock_key", "warehouse_id", "fulfillment"], update=["quantity", "synced_at"])


def record_refused(session: Session, conn: Connection, refused: dict[str, tuple[str, str]], *,
                   outcome_lost: bool = False) -> None:
    """Record per-item refusals ((code, message) per stock key); a lost outcome also forgets the last amount."""
    if not refused:
        return
    now = utcnow()
    ids = _push_ids(session, conn, refused)
    rows = []
    for key, (code, message) in refused.items():
        if key in ids:
            row = {"id": ids[key], "error": message[:2000], "error_code": code[:64], "failed_at": now,
                   "pending": False}
            if outcome_lost:
                row["pushed_amount"] = None
            rows.append(row)
    session.execute(update(StockPush), rows)


def _push_ids(session: Session, conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    wanted = list(keys)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), IN_LIST):
        found.update(session.execute(select(StockPush.stock_key, StockPush.id).where(
            StockPush.connection_id == conn.id, StockPush.stock_key.in_(wanted[start:start + IN_LIST]))).all())
    return found


PushRow = tuple[int, str, str, int, int | None, int | None, datetime | None]  # id, stock key, product key,
# offered, last pushed, reported, pushed at


def walk_pushes(session: Session, conn: Connection, chunk: int, *, never_pushed: bool = False
                ) -> Iterator[list[PushRow]]:
    """Yield the connection's push rows in id order, `chunk` at a time (only the never-pushed ones, if asked)."""
    where = [StockPush.connection_id == conn.id] + ([StockPush.pushed_amount.is_(None)] if never_pushed else [])
    last = 0
    while True:
        rows = session.execute(select(*PUSH_COLUMNS).where(*where, StockPush.id > last)
                               .order_by(StockPush.id).limit(chunk)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield [tuple(r) for r in rows]  # type: ignore[misc]


def never_pushed_count(session: Session, conn: Connection) -> int:
    """How many matched items have no amount the marketplace accepted from us (their stock is read first)."""
    return int(session.scalar(select(func.count()).select_from(StockPush).where(
        StockPush.connection_id == conn.id, StockPush.pushed_amount.is_(None))) or 0)


def set_reported(session: Session, conn: Connection, reported: dict[int, int | None]) -> None:
    """Keep, per push row id, what the marketplace reported at our warehouse (None: no record there)."""
    if reported:
        session.execute(update(StockPush), [{"id": i, "reported": amount} for i, amount in reported.items()])


def set_pending(session: Session, pending: dict[int, bool]) -> None:
    """Mark, per push row id, whether this push writes it."""
    if pending:
        session.execute(update(StockPush), [{"id": i, "pending": flag} for i, flag in pending.items()])


class PendingWalk:
    """Hand out the rows a push still has to write, never-pushed first, then least recently pushed, each once."""

    def __init__(self, session: Session, conn: Connection) -> None:
        self.session, self.conn = session, conn
        self.started = utcnow()  # rows this push records get a later pushed_at: never handed out twice
        self.never_pushed_after: int | None = 0
        self.after: tuple[datetime | None, int] | None = None

    def next(self, size: int) -> list[PushRow]:
        """Return up to `size` rows still to write, in order; an empty list when none is left."""
        base = select(*PUSH_COLUMNS).where(StockPush.connection_id == self.conn.id, StockPush.pending.is_(True))
        rows: list[Any] = []
        if self.never_pushed_after is not None:
            rows = list(self.session.execute(base.where(StockPush.pushed_at.is_(None),
                                                        StockPush.id > self.never_pushed_after)
                                             .order_by(StockPush.id).limit(size)).all())
            if len(rows) < size:
                self.never_pushed_after = None
            elif rows:
                self.never_pushed_after = rows[-1][0]
        if len(rows) < size:  # a batch is filled across the two orders, or it would cost a request more
            query = base.where(StockPush.pushed_at < self.started)
            if self.after is not None:
                at, row_id = self.after
                query = query.where(or_(StockPush.pushed_at > at,
                                        and_(StockPush.pushed_at == at, StockPush.id > row_id)))
            older = self.session.execute(query.order_by(StockPush.pushed_at, StockPush.id)
                                         .limit(size - len(rows))).all()
            if older:
                self.after = (older[-1][6], older[-1][0])
            rows += older
        return [tuple(r) for r in rows]
