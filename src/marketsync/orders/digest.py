"""What the bot's menu shows of a cabinet: today's orders (the day in Moscow time) and the latest ones, and the
product sizes whose stock is critical now (stock_snapshots rows flagged critical)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from marketsync.orders.models import Order, SizeStockTotal

MSK = ZoneInfo("Europe/Moscow")
RECENT = 10
CRITICAL_SHOWN = 30


@dataclass(frozen=True)
class OrderLine:
    """One order as a line of the menu: when (MSK), what, for how much, where."""

    ordered_at_msk: datetime
    article: str
    size: str | None
    price: Decimal
    warehouse: str | None
    region: str | None
    cancelled: bool


@dataclass(frozen=True)
class OrdersDigest:
    """Today's count and sum (cancelled orders apart) and the latest orders."""

    today: int
    today_sum: Decimal
    today_cancelled: int
    recent: list[OrderLine]


@dataclass(frozen=True)
class StockLine:
    """A product size at or below the critical threshold: its total over every warehouse."""

    article: str
    size: str | None
    total: int
    warehouses: int


def msk_day_start(now: datetime) -> datetime:
    """Return the start of `now`'s day in Moscow, as UTC."""
    local = now.astimezone(MSK)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def orders_digest(session: Session, *, account_id: int, now: datetime | None = None,
                  recent: int = RECENT) -> OrdersDigest:
    """Return today's orders (Moscow day) and the `recent` latest of a cabinet."""
    start = msk_day_start(now or datetime.now(UTC))
    end = start + timedelta(days=1)
    today = (Order.account_id == account_id, Order.ordered_at >= start, Order.ordered_at < end)
    count, total = session.execute(select(func.count(), func.coalesce(func.sum(Order.price), 0))
                                   .where(*today, Order.cancelled.is_(False))).one()
    cancelled = session.scalar(select(func.count()).where(*today, Order.cancelled.is_(True))) or 0
    rows = session.scalars(select(Order).where(Order.account_id == account_id)
                           .order_by(Order.ordered_at.desc(), Order.id.desc()).limit(recent))
    lines = [OrderLine(row.ordered_at.astimezone(MSK), row.article, row.size, Decimal(row.price), row.warehouse,
                       row.region, bool(row.cancelled)) for row in rows]
    return OrdersDigest(int(count), Decimal(total).quantize(Decimal("0.01")), int(cancelled), lines)


def critical_stocks(session: Session, *, account_id: int, limit: int = CRITICAL_SHOWN) -> list[StockLine]:
    """Return the sizes whose stock is critical now, the emptiest first."""
    rows = session.scalars(select(SizeStockTotal).where(SizeStockTotal.account_id == account_id,
                                                        SizeStockTotal.critical.is_(True))
                           .order_by(SizeStockTotal.total, SizeStockTotal.article, SizeStockTotal.id).limit(limit))
    return [StockLine(row.article, row.size, int(row.total), int(row.warehouses)) for row in rows]
