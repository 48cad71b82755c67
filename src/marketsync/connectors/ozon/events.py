"""Ozon as an EventFeed: FBS and FBO postings as orders, delivered postings as buyouts, `/v1/returns/list` as
returns, `/v1/review/list` as reviews (Premium Plus only), stock per offer at every FBS and FBO warehouse, and the
product cards with their main picture. Ozon works in UTC; every record is aware UTC.

What Ozon does not say, and what we do instead:

- **No change time.** A posting carries its processing time (`in_process_at`) but not when its status last
  changed (the FBS list can *filter* on `last_changed_status_date`, yet says nothing of whether a new posting's
  first status counts, and FBO has no such filter). So an order read is a re-read of a window: every posting
  processed from `since − LOOKBACK` (30 days) to now is read again, and a status change of a recent posting
  (cancelled, delivered) is seen on the next read after it. A posting older than that window at the time of its
  change is not seen again. `changed_at` of an order and of a buyout is the moment of our read (the state is
  Ozon's as of then), so the feed's cursor is the last read and the next one re-reads the window back from it.
- **No cancellation time.** Neither list nor the posting's `cancellation` block dates it: `cancelled_at` is None;
  a cancellation is first seen, and so dated by the detector, at the read after it.
- **No delivery time.** A buyout (a posting line in status `delivered`, id `S:<posting>:<sku>`) is dated by the
  FBS `analytics_data.delivery_date_end` (else the hand-over `delivering_date`); the FBO list has no delivery
  time, so an FBO buyout is dated by its posting. Both are stable over re-reads.
- **Returns** (`R:<return id>`) are read by the time their status last changed, over the same window; a
  `Cancellation` (before hand-over: a cancelled posting), a technical return and a refused request are not
  returns of a buyer.
- **Reviews** have no date filter: the newest come first and the read stops one day (REVIEWS_LOOKBACK) before
  `since`. Without Premium Plus Ozon answers 403: the feed then yields no reviews, logs a warning once and sets
  `reviews_unavailable`, and everything else goes on.
- **No sizes.** One SizeStock per offer (size key = offer_id) per warehouse: FBS units available (reserved ones
  excluded) at each seller warehouse and FBO units at Ozon's; an offer with no stock record anywhere reports 0,
  so a sell-out is seen even when Ozon drops its rows. Archived offers are left out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from marketsync.connectors.ozon.client import INFO_LIST_MAX, OzonClient
from marketsync.connectors.ozon.client_events import OzonEventsClient, ReviewsUnavailable
from marketsync.connectors.ozon.mapping_events import (
    DELIVERED,
    buyouts_from_posting,
    card_from_info,
    orders_from_posting,
    return_from_wire,
    review_from_wire,
    size_stock_from_level,
)
from marketsync.connectors.records import (
    MarketOrder,
    MarketReview,
    MarketSale,
    ProductCard,
    SizeStock,
)

if TYPE_CHECKING:
    from marketsync.connectors.records import MarketOffer, StockLevel

LOOKBACK = timedelta(days=30)  # how far behind the cursor postings and returns are read again
REVIEWS_LOOKBACK = timedelta(days=1)
# The window's end lies a day past our clock, so a clock behind Ozon's never hides a fresh posting.
AHEAD = timedelta(days=1)
WINDOW_MAX = timedelta(days=364)  # the posting lists take a window of at most a year
log = logging.getLogger(__name__)


def _aware(since: datetime) -> datetime:
    if since.tzinfo is None:
        raise ValueError("`since` must be an aware datetime (UTC)")
    return since.astimezone(UTC)


class OzonEventFeed:
    """The EventFeed half of the Ozon connector; the connector provides `client` and the offer/stock reads."""

    client: OzonClient
    reviews_unavailable: bool = False  # set when Ozon refused the review list (no Premium Plus)

    if TYPE_CHECKING:
        def iter_offers(self) -> Iterator[list[MarketOffer]]: ...

        def _fbs_levels(self, skus: dict[int, str], *, ours_only: bool) -> list[StockLevel]: ...

        def _fbo_levels(self, skus: dict[int, str]) -> list[StockLevel]: ...

    @property
    def _events(self) -> OzonEventsClient:
        return OzonEventsClient(self.client)

    @staticmethod
    def _window(since: datetime) -> tuple[datetime, datetime, datetime]:
        """Return (from, to, now) of a re-read: LOOKBACK behind `since`, a day ahead, at most a year long."""
        now = datetime.now(UTC)
        to = now + AHEAD
        return max(_aware(since) - LOOKBACK, to - WINDOW_MAX), to, now

    def iter_orders(self, since: datetime) -> Iterator[list[MarketOrder]]:
        """Yield one order per line of every FBS, then FBO, posting processed from `since − LOOKBACK` on."""
        start, to, now = self._window(since)
        for fbs in self._events.iter_fbs_postings(start, to):
            if orders := [o for posting in fbs for o in orders_from_posting(posting, now)]:
                yield orders
        for fbo in self._events.iter_fbo_postings(start, to):
            if orders := [o for posting in fbo for o in orders_from_posting(posting, now)]:
                yield orders

    def iter_sales(self, since: datetime) -> Iterator[list[MarketSale]]:
        """Yield the buyouts (delivered FBS and FBO posting lines processed from `since − LOOKBACK` on), then
        the returns whose status changed from `since − LOOKBACK` on."""
        start, to, now = self._window(since)
        for fbs in self._events.iter_fbs_postings(start, to, status=DELIVERED):
            if sales := [s for posting in fbs for s in buyouts_from_posting(posting, now)]:
                yield sales
        for fbo in self._events.iter_fbo_postings(start, to, status=DELIVERED):
            if sales := [s for posting in fbo for s in buyouts_from_posting(posting, now)]:
                yield sales
        for items in self._events.iter_returns(start, to):
            if returns := [sale for item in items if (sale := return_from_wire(item, now)) is not None]:
                yield returns

    def iter_reviews(self, since: datetime) -> Iterator[list[MarketReview]]:
        """Yield the reviews published from a day before `since` on, newest first; none without Premium Plus."""
        try:
            for page in self._events.iter_reviews(_aware(since) - REVIEWS_LOOKBACK):
                articles = self._articles({r.sku for r in page if r.sku})
                yield [review_from_wire(r, articles.get(r.sku)) for r in page]
        except ReviewsUnavailable as exc:
            if not self.reviews_unavailable:
                log.warning("Ozon refused the review list (%s): reviews are read only with Premium Plus; the "
                            "feed goes on without them", exc.message)
            self.reviews_unavailable = True

    def _articles(self, skus: set[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        ordered = sorted(skus)
        for start in range(0, len(ordered), INFO_LIST_MAX):
            infos = self.client.product_info_list(skus=ordered[start:start + INFO_LIST_MAX]).items
            found.update({info.sku: info.offer_id for info in infos if info.sku})
        return found

    def iter_size_stocks(self) -> Iterator[list[SizeStock]]:
        """Yield each live offer's units at every FBS and FBO warehouse (0 when it has no stock record)."""
        for offers in self.iter_offers():
            live = {int(o.sku): o.offer_id for o in offers if o.sku and not o.archived}
            if not live:
                continue
            levels = self._fbs_levels(live, ours_only=False) + self._fbo_levels(live)
            sku_of = {offer_id: sku for sku, offer_id in live.items()}
            rows = [size_stock_from_level(level, sku_of[level.stock_key]) for level in levels]
            reported = {level.stock_key for level in levels}
            rows += [SizeStock(product_id=str(sku), size_key=offer_id, warehouse="", quantity=0, article=offer_id)
                     for sku, offer_id in live.items() if offer_id not in reported]
            yield rows

    def iter_cards(self) -> Iterator[list[ProductCard]]:
        """Yield every product that has an SKU, archived ones too, with its main picture, a page at a time."""
        for page in self.client.iter_product_pages():
            ids = [item.product_id for item in page.result.items]
            if not ids:
                continue
            infos = self.client.product_info_list(product_ids=ids).items
            if cards := [card for info in infos if (card := card_from_info(info)) is not None]:
                yield cards
