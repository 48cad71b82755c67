"""The stock push plan: what is written and what is left alone, with its reasons."""

from __future__ import annotations

import pytest

from marketsync.sync.stock_plan import StockItem, StockReason, decide_stock, plan_stocks


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
