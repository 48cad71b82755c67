"""What buyers did per Moscow day: orders (count and sum), buyouts, cancellations and returns, for the /orders
chart and its day totals. Times are stored in UTC; a day is a Moscow day (00:00 MSK is 21:00 UTC the day before).

The UTC start of every Moscow day is computed here, in Python, and the database only compares a time with those
bounds (a CASE tree, log2(days) comparisons a row), so one grouped query per table answers on SQLite, PostgreSQL
and MariaDB alike, with no time-zone function of any dialect, and reads the (account_id, time) indexes' range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.orders.models import Order, Sale

MOSCOW = ZoneInfo("Europe/Moscow")
PERIODS = (7, 14, 30, 90)  # days the chart may show, ending today
DEFAULT_PERIOD = 30
BUYOUT, RETURN = "buyout", "return"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DayActivity:
    """One Moscow day: orders placed (cancelled later or not) and their sum, buyouts, cancellations, returns."""

    day: date
    orders: int = 0
    orders_sum: Decimal = ZERO
    buyouts: int = 0
    buyouts_sum: Decimal = ZERO
    cancellations: int = 0
    returns: int = 0
    returns_sum: Decimal = ZERO


def msk_today(now: datetime | None = None) -> date:
    """Return the Moscow date of a moment (now by default)."""
    return (now or utcnow()).astimezone(MOSCOW).date()


def msk_day_start(day: date) -> datetime:
    """Return the UTC moment a Moscow day starts (00:00 MSK)."""
    return datetime.combine(day, time(0), tzinfo=MOSCOW).astimezone(UTC)


def msk_day_of(moment: datetime) -> date:
    """Return the Moscow day an aware UTC moment falls on."""
    return moment.astimezone(MOSCOW).date()


def _bucket(column: Any, starts: list[datetime], low: int, high: int) -> ColumnElement[Any]:
    """Return the index of the day holding `column`, given that it lies within days low..high (a CASE tree)."""
    if low == high:
        return literal_column(str(low))  # an int we made: no bind parameter per leaf
    middle = (low + high + 1) // 2
    return case((column < starts[middle], _bucket(column, starts, low, middle - 1)),
                else_=_bucket(column, starts, middle, high))


def _money(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def daily_activity(session: Session, account_id: int, *, first: date, last: date,
                   source: str | None = None) -> list[DayActivity]:
    """Return the cabinet's activity per Moscow day from `first` to `last` (inclusive, every day, oldest first)."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    if not days:
        return []
    starts = [msk_day_start(day) for day in days]
    begin, end = starts[0], msk_day_start(last + timedelta(days=1))
    count = len(days) - 1
    figures: dict[int, dict[str, Any]] = {n: {} for n in range(len(days))}

    of_order = [Order.account_id == account_id] + ([Order.source == source] if source else [])
    placed = select(_bucket(Order.ordered_at, starts, 0, count).label("day"), Order.price.label("price")).where(
        *of_order, Order.ordered_at >= begin, Order.ordered_at < end).subquery()
    for day, n, total in session.execute(select(placed.c.day, func.count(), func.sum(placed.c.price))
                                         .group_by(placed.c.day)):
        figures[int(day)].update(orders=int(n), orders_sum=_money(total))

    # When it was cancelled: the marketplace's time, else when we first saw it cancelled. A cancellation never
    # precedes its order, so `ordered_at < end` bounds the index range from above.
    cancelled_at = func.coalesce(Order.cancelled_at, Order.cancelled_seen_at, Order.changed_at)
    cancelled = select(_bucket(cancelled_at, starts, 0, count).label("day")).where(
        *of_order, Order.ordered_at < end, Order.cancelled.is_(True), cancelled_at >= begin,
        cancelled_at < end).subquery()
    for day, n in session.execute(select(cancelled.c.day, func.count()).group_by(cancelled.c.day)):
        figures[int(day)]["cancellations"] = int(n)

    of_sale = [Sale.account_id == account_id] + ([Sale.source == source] if source else [])
    sold = select(_bucket(Sale.sold_at, starts, 0, count).label("day"), Sale.kind.label("kind"),
                  Sale.price.label("price")).where(*of_sale, Sale.sold_at >= begin, Sale.sold_at < end).subquery()
    for day, kind, n, total in session.execute(select(sold.c.day, sold.c.kind, func.count(), func.sum(sold.c.price))
                                               .group_by(sold.c.day, sold.c.kind)):
        if kind == BUYOUT:
            figures[int(day)].update(buyouts=int(n), buyouts_sum=_money(total))
        elif kind == RETURN:
            figures[int(day)].update(returns=int(n), returns_sum=_money(total))
    return [DayActivity(day=day, **figures[n]) for n, day in enumerate(days)]


def day_totals(session: Session, account_id: int, *, day: date | None = None,
               source: str | None = None) -> DayActivity:
    """Return one Moscow day's totals (today by default): orders and their sum, buyouts, cancellations, returns."""
    day = day or msk_today()
    return daily_activity(session, account_id, first=day, last=day, source=source)[0]


def period_days(raw: str | None) -> int:
    """Read the chart's period (days ending today); anything but an offered choice is the default."""
    try:
        value = int(raw or DEFAULT_PERIOD)
    except ValueError:
        return DEFAULT_PERIOD
    return value if value in PERIODS else DEFAULT_PERIOD
