"""Wildberries as an EventFeed: orders and sales from statistics (flag=0 from a lastChangeDate), reviews from
feedbacks (answered and not), stock per size at WB's warehouses, and cards with their first photo.

Times go out as Moscow time without an offset (statistics' dateFrom) or Unix seconds (feedbacks' dateFrom) and
come back as aware UTC records. Pacing is the hosts' (hosts.py): our per-token and per-host pace, WB's
per-method limits, its 429 waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from marketsync.connectors.records import MarketOrder, MarketReview, MarketSale, ProductCard, SizeStock
from marketsync.connectors.wildberries.client import WildberriesClient
from marketsync.connectors.wildberries.client_reports import WildberriesReportsClient
from marketsync.connectors.wildberries.mapping import fbo_row_identity, moscow_date_from
from marketsync.connectors.wildberries.mapping_events import (
    card_from_wire,
    order_from_wire,
    review_from_wire,
    sale_from_wire,
    size_stock_from_wire,
)

# "For the full stock give the earliest possible dateFrom, e.g. 2019-06-20" (12-reports.yaml).
FBO_SINCE = datetime(2019, 6, 20, tzinfo=UTC)


def _aware(since: datetime) -> datetime:
    if since.tzinfo is None:
        raise ValueError("`since` must be an aware datetime (UTC)")
    return since


class WildberriesEventFeed:
    """The EventFeed half of the WB connector; the connector provides `client` and `reports`."""

    client: WildberriesClient
    paced_client: WildberriesClient
    reports: WildberriesReportsClient

    def iter_orders(self, since: datetime) -> Iterator[list[MarketOrder]]:
        """Yield the orders changed at or after `since` (flag=0 from lastChangeDate), oldest change first."""
        for rows in self.reports.supplier_orders(moscow_date_from(_aware(since))):
            yield [order_from_wire(row) for row in rows]

    def iter_sales(self, since: datetime) -> Iterator[list[MarketSale]]:
        """Yield the buyouts (S…) and returns (R…) changed at or after `since` (flag=0), oldest change first."""
        for rows in self.reports.supplier_sales(moscow_date_from(_aware(since))):
            sales = [sale for row in rows if (sale := sale_from_wire(row)) is not None]
            if sales:
                yield sales

    def iter_reviews(self, since: datetime) -> Iterator[list[MarketReview]]:
        """Yield the reviews written at or after `since`, unanswered ones first, then answered ones."""
        date_from = int(_aware(since).timestamp())
        for answered in (False, True):
            for page in self.reports.feedbacks(answered=answered, date_from=date_from):
                yield [review_from_wire(item) for item in page]

    def iter_size_stocks(self) -> Iterator[list[SizeStock]]:
        """Yield every size's units at every WB warehouse (statistics stocks from a very early dateFrom)."""
        seen: set[tuple[str, str, int, str, str]] = set()
        for rows in self.client.supplier_stocks(moscow_date_from(FBO_SINCE)):
            fresh = [row for row in rows if fbo_row_identity(row) not in seen]
            seen = {fbo_row_identity(row) for row in rows if row.lastChangeDate == rows[-1].lastChangeDate}
            if fresh:
                yield [size_stock_from_wire(row) for row in fresh]

    def iter_cards(self) -> Iterator[list[ProductCard]]:
        """Yield the seller's cards (trash excluded) with their first photo, 100 a page."""
        for page in self.paced_client.cards_list():
            if page.cards:
                yield [card_from_wire(card) for card in page.cards]
