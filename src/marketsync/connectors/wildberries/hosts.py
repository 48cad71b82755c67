"""The HTTP clients of one Wildberries token, one per WB host, each with the budgets WB documents and our pace.

WB's own limits (per seller account, quoted in each operation's description):
- content: 100 requests/min, interval 600 ms, burst 5 (02-products.yaml);
- marketplace: seller-warehouse methods 300/min, 200 ms, burst 20; seller-stock methods the same, as their own
  budget, where one 409 counts as 10 requests;
WB keeps each as a token bucket (`burst` at once, one more every interval); ours is the sliding window of
`burst` requests per burst × interval (burst_window), which never outruns the bucket.
- statistics: /api/v1/supplier/orders, /sales and /stocks 1 request/min each, burst 1 (12-reports.yaml);
- feedbacks: the whole Questions and feedbacks category 3/s, interval 333 ms, burst 6 (09-communications.yaml);
- card create, update and error list: 10/min, interval 6 s, burst 5 each (02-products.yaml);
- prices: the whole Prices category 10 requests per 6 s, interval 600 ms, burst 5 (02-products.yaml);
- common: /api/v1/seller-info 1/min, burst 10 (01-general.yaml): the burst covers the checks a person makes,
  so no budget of ours; beyond it WB's 429 and its wait apply.
Our own pace on top, for what the event feed reads (statistics, feedbacks, common, and its card listing through
`feed_content`): at most WB_API_RATE_LIMIT requests a minute per token over all of them, and WB_API_INTERVAL ms
between two requests to one host. The stock push (the marketplace host, and its card listing through `content`)
keeps WB's documented budgets only: a 100,000-item listing at 30 a minute would take over half an hour; both
listings share WB's content budget, so together they never pass it. A 429 waits as long as X-Ratelimit-Retry
or Retry-After says; one that names no wait backs off from one interval, doubling, up to
WB_RATE_LIMIT_BACKOFF_MAX_SECONDS (5 minutes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from marketsync.http import Budget, HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

SYSTEM = "wildberries"
STOCKS_BUDGET = "seller-stocks"  # one limit for every seller-stock method: 300/min, 200 ms, burst 20
CARDS_PATH = "/content/v2/get/cards/list"
# The Content category's one limit (100/min, burst 5) covers the cards list and the dictionaries alike; the cards
# list keeps its path as the key, and the dictionary methods name it as their budget_key.
CONTENT_BUDGET = CARDS_PATH
ORDERS_PATH, SALES_PATH, STOCKS_PATH = "/api/v1/supplier/orders", "/api/v1/supplier/sales", "/api/v1/supplier/stocks"
FEEDBACKS_BUDGET = "feedbacks"  # one limit for the whole Questions and feedbacks category
SELLER_INFO_PATH = "/api/v1/seller-info"
# Card create, update and the error list each have their own table (10/min, interval 6 s, burst 5), outside the
# Content category's limit; the Prices category is one limit (10 requests per 6 s, 600 ms, burst 5).
UPLOAD_PATH, UPDATE_PATH, ERRORS_PATH = "/content/v2/cards/upload", "/content/v2/cards/update", \
    "/content/v2/cards/error/list"
PRICES_BUDGET = "prices"
MEDIA_PATH = "/content/v3/media/save"  # in the Content category: it spends CONTENT_BUDGET


@dataclass
class WbHosts:
    """One HttpClient per WB host for one token."""

    content: HttpClient
    marketplace: HttpClient
    statistics: HttpClient
    feedbacks: HttpClient
    common: HttpClient
    feed_content: HttpClient
    prices: HttpClient

    def close(self) -> None:
        """Close every connection pool."""
        for http in (self.content, self.marketplace, self.statistics, self.feedbacks, self.common,
                     self.feed_content, self.prices):
            http.close()

    def paced(self) -> WbHosts:
        """Return these hosts with the content host at our own pace (the event feed's view)."""
        return replace(self, content=self.feed_content)


def burst_window(burst: int, interval_ms: int) -> tuple[int, int]:
    """Return the sliding window that keeps within a WB token bucket (`burst` at once, one more per interval),
    5 % wider for the network's jitter: requests sent `interval` apart may arrive a little closer."""
    return burst, math.ceil(burst * interval_ms * 1.05)


def open_hosts(token: str, *, connection_key: str, recorder: Recorder | None = None,
               max_attempts: int | None = None, timeout: float | None = None) -> WbHosts:
    """Build the host clients of one token with WB's budgets and our pace."""
    settings = get_settings()
    interval = settings.WB_API_INTERVAL or None
    paced = Budget(per_minute=settings.WB_API_RATE_LIMIT)
    backoff = (max(settings.WB_API_INTERVAL / 1000, settings.HTTP_BACKOFF_INITIAL_SECONDS),
               settings.WB_RATE_LIMIT_BACKOFF_MAX_SECONDS)
    statistics_budget = Budget(per_minute=settings.WB_STATISTICS_REQUESTS_PER_MINUTE)

    def host(base_url: str, budgets: dict[str, Budget], *, window: tuple[int, int] | None = None,
             ours: bool = True) -> HttpClient:
        return HttpClient(HttpConfig(
            system=SYSTEM, base_url=base_url, credential=token, rate_per_second=None, rate_window=window,
            method_budgets=budgets, breaker_key=f"{SYSTEM}:{connection_key}",
            headers={"Authorization": token}, recorder=recorder, max_attempts=max_attempts, timeout=timeout,
            host_interval_ms=interval if ours else None, shared_budget=paced if ours else None,
            rate_limit_backoff=backoff,
        ))

    cards = {CARDS_PATH: Budget(per_minute=100, window=burst_window(5, 600)),
             **{path: Budget(per_minute=10, window=burst_window(5, 6000))
                for path in (UPLOAD_PATH, UPDATE_PATH, ERRORS_PATH)}}
    seller_stocks = Budget(per_minute=300, window=burst_window(20, 200))
    return WbHosts(
        content=host(settings.WB_CONTENT_API_URL, cards, ours=False),
        feed_content=host(settings.WB_CONTENT_API_URL, cards),
        marketplace=host(settings.WB_MARKETPLACE_API_URL, {STOCKS_BUDGET: seller_stocks},
                         window=seller_stocks.window, ours=False),
        statistics=host(settings.WB_STATISTICS_API_URL, dict.fromkeys((ORDERS_PATH, SALES_PATH, STOCKS_PATH),
                                                                      statistics_budget)),
        feedbacks=host(settings.WB_FEEDBACKS_API_URL, {FEEDBACKS_BUDGET: Budget(per_second=3)}),
        common=host(settings.WB_COMMON_API_URL, {}),
        prices=host(settings.WB_PRICES_API_URL, {PRICES_BUDGET: Budget(per_minute=100, window=burst_window(5, 600))},
                    ours=False),
    )
