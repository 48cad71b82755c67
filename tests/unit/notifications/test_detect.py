"""Detection, table-driven: what a sync saw against the state before it → the events a seller is told about."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from marketsync.connectors.records import BUYOUT, RETURN, MarketOrder, MarketReview, MarketSale, SizeStock
from marketsync.notifications.detect import (
    KnownOrder,
    KnownStock,
    SizeTotal,
    order_events,
    review_events,
    sale_events,
    size_totals,
    stock_events,
)

T = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)


def order(srid: str, *, cancelled: bool = False, ordered_at: datetime = T) -> MarketOrder:
    return MarketOrder(order_id=srid, ordered_at=ordered_at, changed_at=T, article="SHIRT-1", product_id="101",
                       size="M", price=Decimal("1490.00"), warehouse="Коледино", region="Московская",
                       cancelled=cancelled, cancelled_at=T if cancelled else None)


@pytest.mark.parametrize(("known", "seen", "expected"), [
    pytest.param({}, [order("a")], [("new_orders", "a")], id="an order never seen is new"),
    pytest.param({}, [order("a", ordered_at=datetime(2020, 1, 1, tzinfo=UTC))], [("new_orders", "a")],
                 id="new whatever its date"),
    pytest.param({"a": KnownOrder(False)}, [order("a")], [], id="a known order unchanged is nothing"),
    pytest.param({"a": KnownOrder(False)}, [order("a", cancelled=True)], [("order_cancellations", "a")],
                 id="a known order that became cancelled"),
    pytest.param({"a": KnownOrder(True)}, [order("a", cancelled=True)], [], id="cancelled before: told once"),
    pytest.param({}, [order("a", cancelled=True)], [("new_orders", "a")],
                 id="an order first seen cancelled is a new order, not a cancellation of a known one"),
    pytest.param({}, [order("a"), order("a")], [("new_orders", "a")], id="a page boundary repeats a row"),
    pytest.param({"a": KnownOrder(False)}, [order("a"), order("b"), order("a", cancelled=True)],
                 [("order_cancellations", "a"), ("new_orders", "b")], id="mixed: the last state of a row counts"),
])
def test_orders(known: dict[str, KnownOrder], seen: list[MarketOrder], expected: list[tuple[str, str]]) -> None:
    assert [(e.type, e.wb_id) for e in order_events(known, seen)] == expected


def sale(sale_id: str, kind: str) -> MarketSale:
    return MarketSale(sale_id=sale_id, kind=kind, sold_at=datetime(2020, 1, 1, tzinfo=UTC), changed_at=T,
                      article="SHIRT-1", order_id="a", product_id="101", price=Decimal("1490"),
                      for_pay=Decimal("1200.5"))


@pytest.mark.parametrize(("known", "seen", "expected"), [
    pytest.param(set(), [sale("S1", BUYOUT)], [("order_buyouts", "S1")], id="a new S row is a buyout"),
    pytest.param(set(), [sale("R1", RETURN)], [("order_returns", "R1")], id="a new R row is a return"),
    pytest.param({"S1"}, [sale("S1", BUYOUT)], [], id="a stored row, whatever its sale date, is nothing"),
    pytest.param(set(), [sale("S1", BUYOUT), sale("S1", BUYOUT), sale("R2", RETURN)],
                 [("order_buyouts", "S1"), ("order_returns", "R2")], id="repeated row once"),
])
def test_sales(known: set[str], seen: list[MarketSale], expected: list[tuple[str, str]]) -> None:
    events = sale_events(known, seen)
    assert [(e.type, e.wb_id) for e in events] == expected
    assert all(e.payload["for_pay"] == "1200.5" for e in events)


def review(review_id: str, rating: int) -> MarketReview:
    return MarketReview(review_id=review_id, rating=rating, created_at=T, product_id="101", text="Порвалась")


@pytest.mark.parametrize(("known", "seen", "max_rating", "expected"), [
    pytest.param(set(), [review("r1", 1), review("r3", 3), review("r4", 4), review("r5", 5)], 3, ["r1", "r3"],
                 id="at or below the maximum"),
    pytest.param({"r1"}, [review("r1", 1)], 3, [], id="a stored review is nothing"),
    pytest.param(set(), [review("r2", 2)], 1, [], id="the maximum is a setting"),
])
def test_reviews(known: set[str], seen: list[MarketReview], max_rating: int, expected: list[str]) -> None:
    events = review_events(known, seen, max_rating=max_rating)
    assert [e.wb_id for e in events] == expected
    assert all(e.type == "negative_reviews" for e in events)


def test_size_totals_sum_every_warehouse_and_row() -> None:
    rows = [SizeStock("101", "bc-m", "Коледино", 2, "SHIRT-1", "M"), SizeStock("101", "bc-m", "Казань", 1),
            SizeStock("101", "bc-m", "Коледино", 1), SizeStock("101", "bc-l", "Казань", 5, "SHIRT-1", "L")]
    totals = size_totals(rows)
    assert totals[("101", "bc-m")].total == 4
    assert totals[("101", "bc-m")].warehouses == (("Коледино", 3), ("Казань", 1))
    assert totals[("101", "bc-m")].article == "SHIRT-1"
    assert totals[("101", "bc-l")].total == 5


KEY = ("101", "bc-m")


@pytest.mark.parametrize(("before", "total", "fires", "critical"), [
    pytest.param(KnownStock(5, False), 2, True, True, id="falls from above to the threshold"),
    pytest.param(KnownStock(3, False), 0, True, True, id="falls from above to zero"),
    pytest.param(KnownStock(5, False), 3, False, False, id="falls but stays above"),
    pytest.param(KnownStock(5, False), 5, False, False, id="a move between warehouses keeps the total"),
    pytest.param(KnownStock(2, True), 1, False, True, id="already critical: no second event"),
    pytest.param(KnownStock(2, True), 2, False, True, id="stays at the threshold"),
    pytest.param(KnownStock(1, True), 4, False, False, id="rises above: cleared, no event"),
    pytest.param(None, 1, False, True, id="first seen low is no event"),
    pytest.param(None, 9, False, False, id="first seen high"),
])
def test_critical_stocks(before: KnownStock | None, total: int, fires: bool, critical: bool) -> None:
    known = {KEY: before} if before else {}
    events, flags = stock_events(known, [SizeTotal(*KEY, total, "SHIRT-1", "M", (("Коледино", total),))],
                                 threshold=2, run_id=7)
    assert [e.key for e in events] == (["101:bc-m:7"] if fires else [])
    assert flags == {KEY: critical}


def test_critical_stock_fires_again_only_after_rising_above() -> None:
    state: KnownStock | None = KnownStock(10, False)
    fired = []
    for run_id, total in enumerate([5, 2, 1, 2, 0, 3, 2, 2, 7, 1], start=1):
        events, flags = stock_events({KEY: state} if state else {}, [SizeTotal(*KEY, total)], threshold=2,
                                     run_id=run_id)
        fired += [e.key for e in events]
        state = KnownStock(total, flags[KEY])
    assert fired == ["101:bc-m:2", "101:bc-m:7", "101:bc-m:10"]
