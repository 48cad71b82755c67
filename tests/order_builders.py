"""Builders of the orders and notifications pages' tests: orders, buyouts and returns, product cards and outbox
rows written as the WB sync, detection and delivery write them (times aware UTC), and Moscow wall times."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from marketsync.accounts.models import OAuthIdentity
from marketsync.db import session_scope, utcnow
from marketsync.notifications.models import NEW_ORDERS, PENDING, OutboxMessage
from marketsync.orders.models import Order, ProductCardRow, Sale

MOSCOW = ZoneInfo("Europe/Moscow")
_ids = itertools.count(1)


def msk(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    """Return the UTC moment of a Moscow wall time (23:30 MSK → 20:30 UTC)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=MOSCOW).astimezone(UTC)


def order(engine: Engine, account_id: int, *, at: datetime, external_id: str | None = None,
          source: str = "wildberries", article: str = "ART-1", product_id: str | None = "1001",
          price: str = "1000.00", size: str | None = "M", warehouse: str | None = "Коледино",
          region: str | None = "Московская область", cancelled_at: datetime | None = None,
          barcode: str | None = None) -> str:
    """Store an order (cancelled when `cancelled_at` is given); return its id (srid)."""
    srid = external_id or f"srid-{next(_ids)}"
    with session_scope(engine) as session:
        session.add(Order(account_id=account_id, source=source, external_id=srid, ordered_at=at,
                          changed_at=cancelled_at or at, article=article, product_id=product_id, barcode=barcode,
                          size=size, price=Decimal(price), warehouse=warehouse, region=region,
                          cancelled=cancelled_at is not None, cancelled_at=cancelled_at,
                          cancelled_seen_at=cancelled_at, created_at=utcnow()))
    return srid


def sale(engine: Engine, account_id: int, *, at: datetime, kind: str = "buyout", external_id: str | None = None,
         source: str = "wildberries", article: str = "ART-1", product_id: str | None = "1001",
         price: str = "1000.00", for_pay: str | None = "870.00", order_id: str | None = None,
         size: str | None = "M") -> str:
    """Store a buyout (S…) or a return (R…); return its id."""
    sale_id = external_id or f"{'S' if kind == 'buyout' else 'R'}{next(_ids)}"
    with session_scope(engine) as session:
        session.add(Sale(account_id=account_id, source=source, external_id=sale_id, kind=kind,
                         order_external_id=order_id, sold_at=at, changed_at=at, article=article,
                         product_id=product_id, size=size, price=Decimal(price),
                         for_pay=None if for_pay is None else Decimal(for_pay), warehouse="Коледино",
                         region="Москва", created_at=utcnow()))
    return sale_id


def card(engine: Engine, account_id: int, product_id: str, title: str, *, source: str = "wildberries",
         article: str = "ART-1") -> None:
    """Store a product card (its title names the product on the pages)."""
    with session_scope(engine) as session:
        session.add(ProductCardRow(account_id=account_id, source=source, product_id=product_id, article=article,
                                   title=title))


def outbox(engine: Engine, account_id: int, user_id: int, *, type: str = NEW_ORDERS, state: str = PENDING,
           wb_id: str | None = None, event_at: datetime | None = None, payload: dict[str, Any] | None = None,
           attempts: int = 0, last_error: str | None = None, sent_at: datetime | None = None) -> str:
    """Store one outbox row as detection (and delivery) leave it; return its event id."""
    event = wb_id or f"ev-{next(_ids)}"
    with session_scope(engine) as session:
        session.add(OutboxMessage(account_id=account_id, user_id=user_id, chat_id=700000 + user_id, type=type,
                                  source="wildberries", wb_id=event,
                                  dedupe_key=f"{account_id}:{user_id}:{type}:{event}",
                                  payload=payload if payload is not None else {"article": "ART-1"},
                                  event_at=event_at, state=state, attempts=attempts, last_error=last_error,
                                  sent_at=sent_at, created_at=utcnow()))
    return event


def link_telegram(engine: Engine, user_id: int, telegram_id: int = 424242) -> None:
    """Give a person the Telegram identity the bot's /start makes."""
    with session_scope(engine) as session:
        session.add(OAuthIdentity(provider="telegram", subject=str(telegram_id), user_id=user_id))
