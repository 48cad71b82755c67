"""What the stock pipelines keep between runs: offers seen and their matches, the seller's mappings, what the
marketplaces report, and what we pushed. Plain reads and bulk writes over `stocks.models`; no decisions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connectors.records import FBS, MarketOffer, StockLevel
from marketsync.db import upsert, utcnow
from marketsync.stocks.models import MarketStock, OfferRow, StockHistory, StockMapping, StockPush
from marketsync.sync.matching import Matching

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


def known_offers(session: Session, conn: Connection) -> list[MarketOffer]:
    """Return the offers of a connection as last listed."""
    rows = session.execute(select(OfferRow.stock_key, OfferRow.offer_id, OfferRow.barcodes, OfferRow.name,
                                  OfferRow.remote_product_id, OfferRow.size, OfferRow.archived)
                           .where(OfferRow.connection_id == conn.id).order_by(OfferRow.id))
    return [MarketOffer(offer_id=r[1], stock_key=r[0], barcodes=tuple(r[2] or ()), name=r[3], product_id=r[4],
                        sku=r[5], archived=r[6]) for r in rows]


def manual_mappings(session: Session, conn: Connection) -> dict[str, str]:
    """Return the seller's mappings of a connection: stock key → product key ("" = not ours)."""
    return dict(session.execute(select(StockMapping.stock_key, StockMapping.product_key)
                                .where(StockMapping.connection_id == conn.id)).all())


def save_matching(session: Session, conn: Connection, matching: Matching) -> None:
    """Store on every offer the product it was matched to, or why none."""
    ids = dict(session.execute(select(OfferRow.stock_key, OfferRow.id)
                               .where(OfferRow.connection_id == conn.id)).all())
    rows = [{"id": ids[m.stock_key], "product_key": m.product_key, "match_rule": str(m.rule),
             "unmatched_reason": None} for m in matching.matches if m.stock_key in ids]
    rows += [{"id": ids[o.stock_key], "product_key": None, "match_rule": None, "unmatched_reason": str(why)}
             for o, why in matching.unmatched_offers if o.stock_key in ids]
    matched = {m.stock_key for m in matching.matches} | {o.stock_key for o, _ in matching.unmatched_offers}
    rows += [{"id": row_id, "product_key": None, "match_rule": None, "unmatched_reason": None}
             for key, row_id in ids.items() if key not in matched]  # archived offers
    if rows:
        session.execute(update(OfferRow), rows)


def last_pushed(session: Session, conn: Connection) -> dict[str, tuple[int | None, datetime | None]]:
    """Return, per stock key, the last amount the marketplace accepted from us (None: unknown) and when."""
    return {key: (amount, at) for key, amount, at in session.execute(
        select(StockPush.stock_key, StockPush.pushed_amount, StockPush.pushed_at)
        .where(StockPush.connection_id == conn.id))}


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


def save_offered(session: Session, conn: Connection, offered: dict[str, tuple[str, int]]) -> None:
    """Store the stock we offer per matched stock key ((product key, units)), keeping push results; forget the
    push state of offers no longer matched (gone, archived, or mapped as not ours), so no page shows them as ours
    and, matched again, they count as never pushed (what the marketplace reports is read first)."""
    upsert(session, StockPush, [
        {"account_id": conn.account_id, "connection_id": conn.id, "stock_key": key, "product_key": product,
         "offered": units} for key, (product, units) in offered.items()
    ], keys=["connection_id", "stock_key"], update=["product_key", "offered"])
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
         "failed_at": None} for key, (_, amount) in accepted.items() if key in ids
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
            row = {"id": ids[key], "error": message[:2000], "error_code": code[:64], "failed_at": now}
            if outcome_lost:
                row["pushed_amount"] = None
            rows.append(row)
    session.execute(update(StockPush), rows)


def _push_ids(session: Session, conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    wanted = list(keys)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 900):  # under every dialect's bound-parameter limit
        found.update(session.execute(select(StockPush.stock_key, StockPush.id).where(
            StockPush.connection_id == conn.id, StockPush.stock_key.in_(wanted[start:start + 900]))).all())
    return found
