"""The card_publications rows: read a chunk's, mark cards in flight before they leave, settle what the marketplace
answered, bind a card found by its sku, and record prices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.connectors.card_records import CardOutcome
from marketsync.db import utcnow
from marketsync.publishing.models import CardPublication

OZON_PRICE_CHANGES_PER_HOUR = 10


def publications_of(session: Session, connection_id: int, product_ids: Sequence[int]) -> dict[int, CardPublication]:
    """Return the rows of these products on one connection, by product id."""
    rows = session.scalars(select(CardPublication).where(CardPublication.connection_id == connection_id,
                                                         CardPublication.product_id.in_(list(product_ids))))
    return {row.product_id: row for row in rows}


def row_for(session: Session, *, account_id: int, connection_id: int, channel: str, product_id: int,
            sku: str, known: dict[int, CardPublication]) -> CardPublication:
    """Return the product's row, adding it when the product was never sent."""
    row = known.get(product_id)
    if row is None:
        row = CardPublication(account_id=account_id, connection_id=connection_id, channel=channel,
                              product_id=product_id, sku=sku, state="new", errors=[], price_changes=[])
        session.add(row)
        known[product_id] = row
    return row


def mark_sent(rows: Iterable[tuple[CardPublication, str]], *, task_id: str | None = None) -> None:
    """Record cards as in flight with the hash of what was sent (before the request leaves)."""
    now = utcnow()
    for row, sent_hash in rows:
        row.state, row.sent_hash, row.task_id, row.sent_at, row.errors = "in_flight", sent_hash, task_id, now, []


def bind(row: CardPublication, remote_id: str) -> None:
    """Bind the card the marketplace holds under the product's sku."""
    row.remote_id = remote_id


def settle(row: CardPublication, outcome: CardOutcome, pictures_hash: str | None = None) -> None:
    """Record the marketplace's verdict on the card in flight, and with an acceptance the hash of the pictures
    sent with it (None: not known, as for a card adopted after a crash); `pending` changes nothing."""
    if outcome.status == "pending":
        return
    row.settled_at = utcnow()
    if outcome.remote_id:
        row.remote_id = outcome.remote_id
    if outcome.status == "accepted":
        row.state, row.accepted_hash, row.errors, row.task_id = "accepted", row.sent_hash, [], None
        row.pictures_hash = pictures_hash
    else:
        row.state, row.errors, row.task_id = "refused", [e[:500] for e in outcome.errors] or ["refused"], None


def price_due(row: CardPublication, price: Decimal, channel: str, now: datetime | None = None) -> str | None:
    """Say why the price is not sent now (None: send it): unchanged, quarantined, or Ozon's hourly limit."""
    if row.price == price and row.price_state in ("accepted", "quarantined"):
        return "unchanged" if row.price_state == "accepted" else "quarantined"
    if channel == "ozon" and len(recent_changes(row, now)) >= OZON_PRICE_CHANGES_PER_HOUR:
        return "ten price changes in the last hour (Ozon's limit): the next publish sends it"
    return None


def recent_changes(row: CardPublication, now: datetime | None = None) -> list[str]:
    """The price changes of the last hour, as stored."""
    since = (now or utcnow()) - timedelta(hours=1)
    return [stamp for stamp in row.price_changes or [] if datetime.fromisoformat(stamp) > since]


def record_price(row: CardPublication, price: Decimal, state: str, error: str | None) -> None:
    """Record what the marketplace did with a price (an accepted change counts toward Ozon's hourly limit)."""
    now = utcnow()
    row.price, row.price_state, row.price_error = price, state, (error or None) and error[:500]
    if state == "accepted":
        row.price_changes = [*recent_changes(row, now), now.isoformat()]
