"""A small in-test EventFeed standing in for the Wildberries connector until its EventFeed lands (wt-wbfeed):
registered as "wildberries" in the connector registry for one test by `use_fake_feed`, it serves a `FakeMarket`
per token that the test changes between syncs. Pages are small (3 rows) so paging and page boundaries are
exercised; `since` is honoured as WB's flag=0 does (rows changed at or after it, inclusive)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from marketsync.connectors import REGISTRY
from marketsync.connectors.records import (
    BUYOUT,
    RETURN,
    CheckResult,
    MarketOrder,
    MarketReview,
    MarketSale,
    ProductCard,
    SizeStock,
)

PAGE = 3
MARKETS: dict[str, FakeMarket] = {}
_clock = itertools.count(1)


def tick() -> datetime:
    """Return a strictly later UTC time on each call (WB's lastChangeDate of a changed row)."""
    return datetime(2026, 12, 7, 9, 0, tzinfo=UTC) + timedelta(seconds=next(_clock))


@dataclass
class FakeMarket:
    """One seller's marketplace as the fake feed serves it; `reads` records every `since` asked."""

    orders: dict[str, MarketOrder] = field(default_factory=dict)
    sales: dict[str, MarketSale] = field(default_factory=dict)
    reviews: dict[str, MarketReview] = field(default_factory=dict)
    stocks: dict[tuple[str, str, str], SizeStock] = field(default_factory=dict)
    cards: dict[str, ProductCard] = field(default_factory=dict)
    reads: list[tuple[str, datetime]] = field(default_factory=list)
    fail_after_order_pages: int | None = None  # raise after this many order pages (a crash mid-sync)
    on_orders: Callable[[], None] | None = None  # runs when the orders are first read (someone joins mid-sync)

    def order(self, srid: str, *, product_id: str = "101", price: str = "1490.00", ordered_at: datetime | None = None,
              size: str = "M") -> MarketOrder:
        """Place (or replace) an order."""
        at = tick()
        row = MarketOrder(order_id=srid, ordered_at=ordered_at or at, changed_at=at, article=f"ART-{product_id}",
                          product_id=product_id, barcode=f"bc-{product_id}-{size}", size=size, price=Decimal(price),
                          warehouse="Коледино", region="Московская область")
        self.orders[srid] = row
        return row

    def cancel(self, srid: str) -> None:
        """Cancel an order (a new lastChangeDate)."""
        at = tick()
        self.orders[srid] = replace(self.orders[srid], cancelled=True, cancelled_at=at, changed_at=at)

    def sale(self, sale_id: str, srid: str) -> None:
        """Record a buyout (S…) or a return (R…) of an order."""
        at, order = tick(), self.orders[srid]
        self.sales[sale_id] = MarketSale(sale_id=sale_id, kind=BUYOUT if sale_id.startswith("S") else RETURN,
                                         sold_at=at, changed_at=at, article=order.article, order_id=srid,
                                         product_id=order.product_id, size=order.size, price=order.price,
                                         for_pay=order.price * Decimal("0.8"), warehouse=order.warehouse,
                                         region=order.region)

    def review(self, review_id: str, rating: int, *, product_id: str = "101") -> None:
        """A buyer writes a review."""
        self.reviews[review_id] = MarketReview(review_id=review_id, rating=rating, created_at=tick(),
                                               product_id=product_id, article=f"ART-{product_id}", text="Отзыв")

    def stock(self, product_id: str, size_key: str, warehouse: str, quantity: int) -> None:
        """Set a size's units at one warehouse."""
        self.stocks[(product_id, size_key, warehouse)] = SizeStock(product_id, size_key, warehouse, quantity,
                                                                   f"ART-{product_id}", "M")

    def card(self, product_id: str, title: str, photo_url: str | None) -> None:
        """Describe a product."""
        self.cards[product_id] = ProductCard(product_id, f"ART-{product_id}", title, photo_url)


class FakeCredentials(BaseModel):
    """The token naming the FakeMarket (and the optional warehouse WB's credentials carry)."""

    token: str
    warehouse_id: int | None = None


def _pages(rows: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(rows), PAGE):
        yield rows[start:start + PAGE]


class FakeEventFeed:
    """EventFeed over a FakeMarket."""

    system = "wildberries"

    def __init__(self, credentials: FakeCredentials, **_options: Any) -> None:
        self.market = MARKETS.setdefault(credentials.token, FakeMarket())

    def check(self) -> CheckResult:
        """Always fine."""
        return CheckResult(ok=True, message="fake feed")

    def iter_orders(self, since: datetime) -> Iterator[list[MarketOrder]]:
        """Orders changed at or after `since`, oldest change first."""
        self.market.reads.append(("orders", since))
        if self.market.on_orders is not None:
            self.market.on_orders()
            self.market.on_orders = None
        rows = sorted((o for o in self.market.orders.values() if o.changed_at >= since), key=lambda o: o.changed_at)
        for number, page in enumerate(_pages(rows), start=1):
            yield page
            if self.market.fail_after_order_pages is not None and number >= self.market.fail_after_order_pages:
                self.market.fail_after_order_pages = None
                raise RuntimeError("the worker died here")

    def iter_sales(self, since: datetime) -> Iterator[list[MarketSale]]:
        """Sales changed at or after `since`."""
        self.market.reads.append(("sales", since))
        yield from _pages(sorted((s for s in self.market.sales.values() if s.changed_at >= since),
                                 key=lambda s: s.changed_at))

    def iter_reviews(self, since: datetime) -> Iterator[list[MarketReview]]:
        """Reviews written at or after `since`."""
        self.market.reads.append(("reviews", since))
        yield from _pages(sorted((r for r in self.market.reviews.values() if r.created_at >= since),
                                 key=lambda r: r.created_at))

    def iter_size_stocks(self) -> Iterator[list[SizeStock]]:
        """Every size at every warehouse."""
        yield from _pages(list(self.market.stocks.values()))

    def iter_cards(self) -> Iterator[list[ProductCard]]:
        """Every card."""
        self.market.reads.append(("cards", datetime.now(UTC)))
        yield from _pages(list(self.market.cards.values()))

    def close(self) -> None:
        """Nothing to release."""


def use_fake_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve "wildberries" connections from FakeEventFeed for this test (forgetting every market)."""
    MARKETS.clear()
    monkeypatch.setitem(REGISTRY, "wildberries", ("event_feed_fake", "FakeEventFeed", "FakeCredentials"))
