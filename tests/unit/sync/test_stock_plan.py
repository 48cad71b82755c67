"""The stock push plan: what is written, what is left alone, and the offered-stock arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.sync.stock_plan import StockItem, StockReason, decide_stock, offered_stock, plan_stocks


@pytest.mark.parametrize(("quantities", "reserve", "expected"), [
    (["3", "4"], 0, 7),
    (["2.9", "0.5"], 0, 3),          # floor of the sum, not of each store
    (["5", "-3"], 0, 5),             # a negative store quantity counts as 0
    (["5", "2"], 3, 4),
    (["1"], 5, 0),                   # never below 0
    ([], 0, 0),
    (["-4"], 0, 0),
])
def test_offered_stock(quantities: list[str], reserve: int, expected: int) -> None:
    assert offered_stock([Decimal(q) for q in quantities], reserve) == expected


@pytest.mark.parametrize(("item", "push", "reason"), [
    (StockItem("k", "p", offered=5, last_pushed=5, reported=9), False, StockReason.UNCHANGED),
    (StockItem("k", "p", offered=6, last_pushed=5, reported=6), True, StockReason.CHANGED),
    (StockItem("k", "p", offered=0, last_pushed=None, reported=None), True, StockReason.NO_RECORD),
    (StockItem("k", "p", offered=4, last_pushed=None, reported=3), True, StockReason.NEVER_PUSHED),
    (StockItem("k", "p", offered=4, last_pushed=None, reported=4), False, StockReason.UNCHANGED),
])
def test_decide_stock(item: StockItem, push: bool, reason: StockReason) -> None:
    action = decide_stock(item)
    assert (action.push, action.reason) == (push, reason)


def test_full_resync_pushes_every_item_even_unchanged_ones() -> None:
    items = [StockItem("a", "p", 1, 1, 1), StockItem("b", "q", 2, None, 2)]
    actions = plan_stocks(items, full_resync=True)
    assert [a.push for a in actions] == [True, True]
    assert [a.update().amount for a in actions] == [1, 2]
