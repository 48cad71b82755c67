"""The /orders queries on SQLite, PostgreSQL and MariaDB: Moscow days bucketed exactly at 21:00 UTC, cancellations
by when they happened, buyouts and returns apart, a marketplace filter, the mixed list's filters, sorts, pages and
export in one order, and nothing of another cabinet."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.orders.chart_service import DayActivity, daily_activity, day_totals, msk_day_start
from marketsync.orders.table_service import order_lines_export, order_lines_page
from marketsync.web.tables import TableQuery
from order_builders import card, msk, order, sale


def _account(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        return primary_account_id(session, create_user(session, email=email, password="password123").id)


def _ids(engine: Engine, account_id: int, **query: object) -> list[str]:
    with session_scope(engine) as session:
        lines, _page = order_lines_page(session, account_id, TableQuery(**query))  # type: ignore[arg-type]
        return [line.external_id for line in lines]


def test_moscow_days_start_at_2100_utc_on_every_dialect(engine: Engine) -> None:
    account_id = _account(engine, "a@example.ru")
    other = _account(engine, "b@example.ru")
    assert msk_day_start(date(2025, 11, 25)).isoformat() == "2025-11-24T21:00:00+00:00"
    order(engine, account_id, at=msk(2025, 11, 24, 23, 30), price="100.10")  # 20:30 UTC on the 24th
    order(engine, account_id, at=msk(2025, 11, 24, 23, 59, 59), price="0.90")  # 20:59:59 UTC
    order(engine, account_id, at=msk(2025, 11, 25, 0, 0), price="50.00")  # 21:00 UTC on the 24th
    order(engine, account_id, at=msk(2025, 11, 25, 23, 59), source="ozon", price="1.00")
    order(engine, account_id, at=msk(2025, 11, 20), cancelled_at=msk(2025, 11, 25, 0, 0, 1))
    order(engine, account_id, at=msk(2025, 11, 26, 0, 0))  # the day after the period
    sale(engine, account_id, at=msk(2025, 11, 24, 23, 59, 59), price="10.00")
    sale(engine, account_id, at=msk(2025, 11, 25, 0, 0), price="20.00")
    sale(engine, account_id, at=msk(2025, 11, 25, 12), kind="return", price="30.00")
    order(engine, other, at=msk(2025, 11, 25, 12), price="9999.00")
    sale(engine, other, at=msk(2025, 11, 25, 12))

    with session_scope(engine) as session:
        days = daily_activity(session, account_id, first=date(2025, 11, 23), last=date(2025, 11, 25))
        wb = daily_activity(session, account_id, first=date(2025, 11, 25), last=date(2025, 11, 25),
                            source="wildberries")
        totals = day_totals(session, account_id, day=date(2025, 11, 24))

    assert days == [
        DayActivity(date(2025, 11, 23)),
        DayActivity(date(2025, 11, 24), orders=2, orders_sum=Decimal("101.00"), buyouts=1,
                    buyouts_sum=Decimal("10.00")),
        DayActivity(date(2025, 11, 25), orders=2, orders_sum=Decimal("51.00"), buyouts=1,
                    buyouts_sum=Decimal("20.00"), cancellations=1, returns=1, returns_sum=Decimal("30.00")),
    ]
    assert (wb[0].orders, wb[0].orders_sum) == (1, Decimal("50.00")), "the Ozon order is not Wildberries'"
    assert totals == days[1]


def test_ninety_days_are_bucketed_one_by_one(engine: Engine) -> None:
    account_id = _account(engine, "a@example.ru")
    first = date(2025, 9, 1)
    for n in range(90):
        day = first + timedelta(days=n)
        for _ in range(n % 3):
            order(engine, account_id, at=msk(day.year, day.month, day.day, 23, 59))

    with session_scope(engine) as session:
        days = daily_activity(session, account_id, first=first, last=first + timedelta(days=89))

    assert [d.day for d in days] == [first + timedelta(days=n) for n in range(90)]
    assert [d.orders for d in days] == [n % 3 for n in range(90)]


def test_the_mixed_list_answers_alike_on_every_dialect(engine: Engine) -> None:
    account_id = _account(engine, "a@example.ru")
    other = _account(engine, "b@example.ru")
    card(engine, account_id, "1001", "Платье летнее")
    a = order(engine, account_id, at=msk(2025, 11, 25, 23, 30), price="300.00")
    b = order(engine, account_id, at=msk(2025, 11, 25, 10), price="100.00", article="CUP-7", product_id="3003",
              cancelled_at=msk(2025, 11, 25, 11))
    c = sale(engine, account_id, at=msk(2025, 11, 26, 0, 30), price="200.00")
    d = sale(engine, account_id, at=msk(2025, 11, 24, 9), kind="return", price="50.00", source="ozon")
    order(engine, other, at=msk(2025, 11, 25, 12), external_id="OTHER")

    assert _ids(engine, account_id, sort="at", dir="desc") == [c, a, b, d]
    assert _ids(engine, account_id, sort="price", dir="asc") == [d, b, c, a]
    assert _ids(engine, account_id, sort="marketplace", dir="asc", filters={"kind": "return"}) == [d]
    assert _ids(engine, account_id, sort="at", dir="desc", filters={"state": "cancelled"}) == [b]
    assert _ids(engine, account_id, sort="at", dir="desc", filters={"kind": "order", "state": "active"}) == [a]
    assert _ids(engine, account_id, sort="at", dir="desc", filters={"since": "2025-11-25", "until": "2025-11-25"}) \
        == [a, b]
    assert _ids(engine, account_id, sort="at", dir="desc", q="ПЛАТЬЕ") == [c, a], "the card's title, any case"
    assert _ids(engine, account_id, sort="at", dir="desc", per_page=25, page=1) == [c, a, b, d]
    with session_scope(engine) as session:
        lines, page = order_lines_page(session, account_id, TableQuery(sort="at", dir="desc", per_page=25, page=9))
        exported = list(order_lines_export(session, account_id, TableQuery(sort="price", dir="desc")))
    assert (page.total, page.page, [line.external_id for line in lines]) == (4, 1, [c, a, b, d]), \
        "a page past the end is the last"
    assert [(line.external_id, line.kind, line.state, line.price) for line in exported] == [
        (a, "order", "active", Decimal("300.00")), (c, "buyout", "buyout", Decimal("200.00")),
        (b, "order", "cancelled", Decimal("100.00")), (d, "return", "return", Decimal("50.00"))]
    assert exported[0].title == "Платье летнее" and exported[0].at == msk(2025, 11, 25, 23, 30)
    assert exported[2].cancelled_at == msk(2025, 11, 25, 11) and exported[1].for_pay == Decimal("870.00")
