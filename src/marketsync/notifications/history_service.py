"""The /notifications page's use cases: the history of one person's notifications in one cabinet (outbox rows:
type, the event's time, product, state, attempts, last error, when sent), filtered, sorted and paged; the same
switches as in the bot, read and saved through notifications/settings.py; whether the person has Telegram linked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.accounts.models import OAuthIdentity
from marketsync.notifications.models import FAILED, PENDING, SENT, SKIPPED, TYPES, OutboxMessage
from marketsync.notifications.settings import ALL, set_switch, settings_of
from marketsync.orders.models import ProductCardRow

if TYPE_CHECKING:
    from marketsync.web.tables import TableQuery

STATES = (PENDING, SENT, FAILED, SKIPPED)
SORTS = ("event_at", "created_at", "sent_at", "type", "state", "attempts")
TELEGRAM = "telegram"  # the OAuthIdentity provider of a Telegram person (subject: their Telegram user id)


@dataclass(frozen=True)
class HistoryLine:
    """One notification as the history shows it."""

    type: str
    state: str
    wb_id: str
    source: str
    event_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    article: str | None
    product_id: str | None
    size: str | None
    title: str | None  # the product card's, when we have it
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Switches:
    """A person's switches for a cabinet: the global one and one per type."""

    enabled: bool
    types: dict[str, bool]


def _text(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    return None if value in (None, "") else str(value)


def _line(row: Row[Any], titles: Mapping[tuple[str, str], str]) -> HistoryLine:
    payload = row.payload if isinstance(row.payload, dict) else {}
    product_id = _text(payload, "product_id")
    return HistoryLine(type=row.type, state=row.state, wb_id=row.wb_id, source=row.source, event_at=row.event_at,
                       created_at=row.created_at, sent_at=row.sent_at, attempts=row.attempts or 0,
                       last_error=row.last_error, article=_text(payload, "article"),
                       product_id=product_id, size=_text(payload, "size"),
                       title=titles.get((row.source, product_id or "")), payload=payload)


def _titles(session: Session, account_id: int, rows: list[Row[Any]]) -> dict[tuple[str, str], str]:
    """Return the card titles of the products a page's rows name, in one query: (source, product id) → title."""
    wanted = {str(row.payload["product_id"]) for row in rows
              if isinstance(row.payload, dict) and row.payload.get("product_id")}
    if not wanted:
        return {}
    return {(source, product_id): title for source, product_id, title in session.execute(
        select(ProductCardRow.source, ProductCardRow.product_id, ProductCardRow.title).where(
            ProductCardRow.account_id == account_id, ProductCardRow.product_id.in_(sorted(wanted)))) if title}


def history_page(session: Session, *, account_id: int, user_id: int,
                 table: TableQuery) -> tuple[list[HistoryLine], listing.Page]:
    """Return one page of the person's notifications in the cabinet, as the table asks (newest events first)."""
    where: list[ColumnElement[bool]] = [OutboxMessage.account_id == account_id, OutboxMessage.user_id == user_id]
    if table.filter("type"):
        where.append(OutboxMessage.type == table.filter("type"))
    if table.filter("state"):
        where.append(OutboxMessage.state == table.filter("state"))
    if table.q:
        where.append(OutboxMessage.wb_id.icontains(table.q, autoescape=True))
    event_at = func.coalesce(OutboxMessage.event_at, OutboxMessage.created_at)
    sorts = {"event_at": event_at, "created_at": OutboxMessage.created_at, "sent_at": OutboxMessage.sent_at,
             "type": OutboxMessage.type, "state": OutboxMessage.state, "attempts": OutboxMessage.attempts}
    query = select(OutboxMessage.type, OutboxMessage.state, OutboxMessage.wb_id, OutboxMessage.source,
                   OutboxMessage.event_at, OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.attempts,
                   OutboxMessage.last_error, OutboxMessage.payload).where(*where)
    ordered = listing.ordered(query, table, sorts, "event_at", OutboxMessage.id,
                              never_empty=("event_at", "created_at", "type", "state", "attempts"))
    page = listing.page_of(session, ordered, table, count_query=select(OutboxMessage.id).where(*where))
    titles = _titles(session, account_id, page.rows)
    return [_line(row, titles) for row in page.rows], page


def switches_of(session: Session, *, account_id: int, user_id: int) -> Switches:
    """Return the person's switches for the cabinet (everything on until they change one)."""
    row = settings_of(session, account_id=account_id, user_id=user_id)
    return Switches(enabled=row.enabled, types={kind: bool(getattr(row, kind)) for kind in TYPES})


def save_switches(session: Session, *, account_id: int, user_id: int, enabled: bool,
                  types: Mapping[str, bool]) -> Switches:
    """Save the global switch and every type's (a type not named is switched off, as an unticked box)."""
    set_switch(session, account_id=account_id, user_id=user_id, kind=ALL, on=enabled)
    for kind in TYPES:
        set_switch(session, account_id=account_id, user_id=user_id, kind=kind, on=bool(types.get(kind)))
    return switches_of(session, account_id=account_id, user_id=user_id)


def telegram_linked(session: Session, *, user_id: int) -> bool:
    """Whether the person has a Telegram identity (the bot's /start made or linked it): messages can reach them."""
    return session.scalar(select(func.count()).select_from(OAuthIdentity).where(
        OAuthIdentity.user_id == user_id, OAuthIdentity.provider == TELEGRAM)) != 0
