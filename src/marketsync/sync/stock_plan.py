"""Decide which marketplace stocks a push writes, without any I/O: the stock pipeline's plan.

An item is pushed when the stock we offer differs from the last value the marketplace accepted from us, or,
for an item never pushed, from what the marketplace reports at our warehouse (an offer with no stock record
there differs, even from 0). A full resync pushes every matched item. Everything else is skipped with its
reason, so a test-mode run can print the plan and tests can assert on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from marketsync.connectors.records import StockUpdate


class StockReason(StrEnum):
    """Why an item is pushed or left alone."""

    FULL_RESYNC = "full resync"
    CHANGED = "changed since the last push"
    NEVER_PUSHED = "never pushed, the marketplace reports another amount"
    NO_RECORD = "never pushed, the marketplace has no stock record at our warehouse"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class StockItem:
    """What we know of one matched offer before a push."""

    stock_key: str
    product_key: str
    offered: int
    # The last amount the marketplace accepted from us; None when never pushed, or when a push's answer was
    # lost (then only the marketplace's own report says what it holds).
    last_pushed: int | None = None
    reported: int | None = None  # FBS stock at our warehouse as the marketplace reports it, None: no record
    pushed_at: datetime | None = None  # when the marketplace last accepted an update of this key from us


@dataclass(frozen=True, slots=True)
class StockAction:
    """One decision: push `item.offered` or skip, and why."""

    item: StockItem
    push: bool
    reason: StockReason

    def update(self) -> StockUpdate:
        """Return the write this action asks for."""
        return StockUpdate(stock_key=self.item.stock_key, amount=self.item.offered)


def decide_stock(item: StockItem, *, full_resync: bool = False) -> StockAction:
    """Decide whether one matched offer's stock is written."""
    if full_resync:
        return StockAction(item, True, StockReason.FULL_RESYNC)
    if item.last_pushed is not None:
        if item.offered != item.last_pushed:
            return StockAction(item, True, StockReason.CHANGED)
        return StockAction(item, False, StockReason.UNCHANGED)
    if item.reported is None:
        return StockAction(item, True, StockReason.NO_RECORD)
    if item.reported != item.offered:
        return StockAction(item, True, StockReason.NEVER_PUSHED)
    return StockAction(item, False, StockReason.UNCHANGED)


def plan_stocks(items: Iterable[StockItem], *, full_resync: bool = False) -> list[StockAction]:
    """Decide every item of one marketplace, in the order given."""
    return [decide_stock(item, full_resync=full_resync) for item in items]


def describe(action: StockAction) -> str:
    """Say one decision in a line, for test mode: key (product): what the marketplace has → what we offer."""
    item = action.item
    before = item.last_pushed if item.last_pushed is not None else item.reported
    shown = "—" if before is None else str(before)
    return f"{item.stock_key} ({item.product_key}): {shown} → {item.offered}, {action.reason}"
