"""Match a connection's listed offers to our product keys in the database, one chunk of offers at a time, so a
push holds a chunk in memory and never the catalog: the rules are sync.matching's, fed per chunk with only the
products, barcodes, card sizes and claims that chunk touches.

Three walks over the offers in id order, as the rules go: the seller's mappings, then our keys, then barcodes.
Every chunk's outcome is written to `market_offers` before the next chunk is read, so a later chunk sees earlier
claims as taken. Lookups compare exactly in Python what the database found (MariaDB's default collation would
find "AB1" for "ab1").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from marketsync.catalog.stock_levels import ProductStock
from marketsync.connections.models import Connection
from marketsync.connectors.records import MarketOffer
from marketsync.stocks.models import OfferedBarcode, OfferedLevel, OfferRow, StockMapping
from marketsync.sync.matching import Lookups, Match, Refusal, match_by_barcode, match_by_key, match_manual

CHUNK = 1000
IN_LIST = 900  # values per IN (...): under every dialect's bound-parameter limit
BARCODE_MAX = 255  # longer "barcodes" are not kept for matching (nothing real is that long)

MAPPED, UNMAPPED, LEFT = "mapped", "unmapped", "left"


def stage_levels(session: Session, conn: Connection, levels: Sequence[ProductStock]) -> None:
    """Copy one chunk of our product keys (offered stock, barcodes) for this connection's matching."""
    if not levels:
        return
    session.execute(OfferedLevel.__table__.insert(), [  # type: ignore[attr-defined]
        {"connection_id": conn.id, "product_key": level.key, "offered": level.offered} for level in levels])
    barcodes = [{"connection_id": conn.id, "barcode": barcode, "product_key": level.key}
                for level in levels for barcode in dict.fromkeys(level.barcodes) if len(barcode) <= BARCODE_MAX]
    if barcodes:
        session.execute(OfferedBarcode.__table__.insert(), barcodes)  # type: ignore[attr-defined]


def clear_levels(session: Session, conn: Connection) -> None:
    """Forget the previous push's copy of our product keys."""
    session.execute(OfferedBarcode.__table__.delete().where(  # type: ignore[attr-defined]
        OfferedBarcode.connection_id == conn.id))
    session.execute(OfferedLevel.__table__.delete().where(  # type: ignore[attr-defined]
        OfferedLevel.connection_id == conn.id))


def match_connection(session: Session, conn: Connection, commit: Callable[[], None]) -> tuple[int, int]:
    """Match every listed offer of the connection against the staged product keys; return (matched, unmatched)."""
    session.execute(update(OfferRow).where(OfferRow.connection_id == conn.id)
                    .values(product_key=None, match_rule=None, unmatched_reason=None))
    for ids, chunk in _walk(session, conn, MAPPED):
        lookups = _lookups(session, conn, [offer for offer, _ in chunk], [key for _, key in chunk if key])
        _write(session, ids, *match_manual(((offer, key or "") for offer, key in chunk), lookups))
        commit()
    for ids, chunk in _walk(session, conn, UNMAPPED):
        offers = [offer for offer, _ in chunk]
        matches, _rest = match_by_key(offers, _lookups(session, conn, offers, [o.offer_id for o in offers]))
        _write(session, ids, matches, [])
        commit()
    for ids, chunk in _walk(session, conn, LEFT):
        offers = [offer for offer, _ in chunk]
        candidates = _owners(session, conn, {barcode for offer in offers for barcode in offer.barcodes})
        keys = {key for owners in candidates.values() for key in owners} | {o.offer_id for o in offers}
        lookups = _lookups(session, conn, offers, list(keys), owners=candidates)
        _write(session, ids, *match_by_barcode(offers, lookups))
        commit()
    counts = session.execute(select(func.count(OfferRow.product_key), func.count(OfferRow.unmatched_reason))
                             .where(OfferRow.connection_id == conn.id)).one()
    return int(counts[0]), int(counts[1])


Chunk = list[tuple[MarketOffer, str | None]]


def _walk(session: Session, conn: Connection, phase: str) -> Iterator[tuple[dict[str, int], Chunk]]:
    """Yield the unarchived offers of one walk in id order, CHUNK at a time (with the seller's mapping, if any),
    and their row ids by stock key."""
    mapping = (select(StockMapping.product_key).where(StockMapping.connection_id == conn.id,
                                                      StockMapping.stock_key == OfferRow.stock_key)
               .limit(1).scalar_subquery())
    where: list[Any] = [OfferRow.connection_id == conn.id, OfferRow.archived.is_(False)]
    if phase == MAPPED:
        where.append(mapping.is_not(None))
    else:
        where.append(mapping.is_(None))
    if phase == LEFT:
        where += [OfferRow.product_key.is_(None), OfferRow.unmatched_reason.is_(None)]
    last = 0
    while True:
        rows = session.execute(select(OfferRow.id, OfferRow.stock_key, OfferRow.offer_id, OfferRow.barcodes,
                                      OfferRow.name, OfferRow.remote_product_id, OfferRow.size, mapping)
                               .where(*where, OfferRow.id > last).order_by(OfferRow.id).limit(CHUNK)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield {r[1]: r[0] for r in rows}, [
            (MarketOffer(offer_id=r[2], stock_key=r[1], barcodes=tuple(r[3] or ()), name=r[4], product_id=r[5],
                         sku=r[6]), r[7]) for r in rows]


def _lookups(session: Session, conn: Connection, offers: Sequence[MarketOffer], keys: Iterable[str],
             owners: dict[str, set[str]] | None = None) -> Lookups:
    """What the rules need to know about these offers and candidate keys, read from the database."""
    wanted = sorted(set(keys))
    products = {key for key, in _select_in(session, select(OfferedLevel.product_key).where(
        OfferedLevel.connection_id == conn.id), OfferedLevel.product_key, wanted)}
    taken = {key for key, in _select_in(session, select(OfferRow.product_key).where(
        OfferRow.connection_id == conn.id), OfferRow.product_key, wanted)}
    cards = sorted({offer.product_id for offer in offers if offer.product_id})
    sizes = dict(_select_in(session, select(OfferRow.remote_product_id, func.count()).where(
        OfferRow.connection_id == conn.id, OfferRow.archived.is_(False)), OfferRow.remote_product_id, cards,
        group_by=OfferRow.remote_product_id))
    return Lookups(products=products, owners=owners or {}, sizes=sizes, taken=taken)


def _owners(session: Session, conn: Connection, barcodes: set[str]) -> dict[str, set[str]]:
    """Barcode → our product keys carrying it, for these barcodes."""
    owners: dict[str, set[str]] = {}
    for barcode, key in _select_in(session, select(OfferedBarcode.barcode, OfferedBarcode.product_key).where(
            OfferedBarcode.connection_id == conn.id), OfferedBarcode.barcode,
            sorted(b for b in barcodes if len(b) <= BARCODE_MAX)):
        owners.setdefault(barcode, set()).add(key)
    return owners


def _select_in(session: Session, query: Any, column: Any, values: Sequence[Any],
               group_by: Any = None) -> list[Any]:
    """Run `query` restricted to `column IN values`, IN_LIST values a statement."""
    rows: list[Any] = []
    for start in range(0, len(values), IN_LIST):
        part = query.where(column.in_(values[start:start + IN_LIST]))
        rows.extend(session.execute(part.group_by(group_by) if group_by is not None else part).all())
    return rows


def _write(session: Session, ids: dict[str, int], matches: Sequence[Match], refused: Sequence[Refusal]) -> None:
    """Store on each offer of a chunk the product it was matched to, or why none."""
    rows = [{"id": ids[m.stock_key], "product_key": m.product_key, "match_rule": str(m.rule),
             "unmatched_reason": None} for m in matches]
    rows += [{"id": ids[offer.stock_key], "product_key": None, "match_rule": None, "unmatched_reason": str(why)}
             for offer, why in refused]
    if rows:
        session.execute(update(OfferRow), rows)
