"""The HTTP clients of one Wildberries token, one per WB host, each with the budgets WB documents and our pace.

WB's own limits (per seller account, quoted in each operation's description):
- content: 100 requests/min, interval 600 ms, burst 5 → 2/s and 100/min (02-products.yaml);
- marketplace: seller-warehouse methods 300/min, 200 ms, burst 20 → 5/s; seller-stock methods the same, as
  their own budget, where one 409 counts as 10 requests;
- statistics: /api/v1/supplier/orders, /sales and /stocks 1 request/min each, burst 1 (12-reports.yaml);
- feedbacks: the whole Questions and feedbacks category 3/s, interval 333 ms, burst 6 (09-communications.yaml);
- common: /api/v1/seller-info 1/min, burst 10 (01-general.yaml): the burst covers the checks a person makes,
  so no budget of ours; beyond it WB's 429 and its wait apply.
Our own pace on top, for the hosts the event feed reads (statistics, feedbacks, content, common): at most
WB_API_RATE_LIMIT requests a minute per token over all of them, and WB_API_INTERVAL ms between two requests to
one of them. The marketplace host (FBS stock pushes) keeps WB's documented budget only: the stock push is sized
to it (docs/benchmarks.md). A 429 waits as long as X-Ratelimit-Retry or Retry-After says; one that names no
wait backs off from one interval, doubling, up to WB_RATE_LIMIT_BACKOFF_MAX_SECONDS (5 minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

from marketsync.http import Budget, HttpClient, HttpConfig, Recorder
from marketsync.settings import get_settings

SYSTEM = "wildberries"
STOCKS_BUDGET = "seller-stocks"  # one limit for every seller-stock method: 300/min, 200 ms, burst 20
CARDS_PATH = "/content/v2/get/cards/list"
ORDERS_PATH, SALES_PATH, STOCKS_PATH = "/api/v1/supplier/orders", "/api/v1/supplier/sales", "/api/v1/supplier/stocks"
FEEDBACKS_BUDGET = "feedbacks"  # one limit for the whole Questions and feedbacks category
SELLER_INFO_PATH = "/api/v1/seller-info"


@dataclass
class WbHosts:
    """One HttpClient per WB host for one token."""

    content: HttpClient
    marketplace: HttpClient
    statistics: HttpClient
    feedbacks: HttpClient
    common: HttpClient

    def close(self) -> None:
        """Close every connection pool."""
        for http in (self.content, self.marketplace, self.statistics, self.feedbacks, self.common):
            http.close()


def open_hosts(token: str, *, connection_key: str, recorder: Recorder | None = None,
               max_attempts: int | None = None, timeout: float | None = None) -> WbHosts:
    """Build the five host clients of one token with WB's budgets and our pace."""
    settings = get_settings()
    interval = settings.WB_API_INTERVAL or None
    paced = Budget(per_minute=settings.WB_API_RATE_LIMIT)
    backoff = (max(settings.WB_API_INTERVAL / 1000, settings.HTTP_BACKOFF_INITIAL_SECONDS),
               settings.WB_RATE_LIMIT_BACKOFF_MAX_SECONDS)
    statistics_budget = Budget(per_minute=settings.WB_STATISTICS_REQUESTS_PER_MINUTE)

    def host(base_url: str, budgets: dict[str, Budget], *, per_second: int | None = None,
             per_minute: int | None = None, ours: bool = True) -> HttpClient:
        return HttpClient(HttpConfig(
            system=SYSTEM, base_url=base_url, credential=token, rate_per_second=per_second,
            rate_per_minute=per_minute, method_budgets=budgets, breaker_key=f"{SYSTEM}:{connection_key}",
            headers={"Authorization": token}, recorder=recorder, max_attempts=max_attempts, timeout=timeout,
            host_interval_ms=interval if ours else None, shared_budget=paced if ours else None,
            rate_limit_backoff=backoff,
        ))

    return WbHosts(
        content=host(settings.WB_CONTENT_API_URL, {CARDS_PATH: Budget(per_second=2, per_minute=100)}),
        marketplace=host(settings.WB_MARKETPLACE_API_URL, {STOCKS_BUDGET: Budget(per_second=5, per_minute=300)},
                         per_second=5, per_minute=300, ours=False),
        statistics=host(settings.WB_STATISTICS_API_URL, dict.fromkeys((ORDERS_PATH, SALES_PATH, STOCKS_PATH),
                                                                      statistics_budget)),
        feedbacks=host(settings.WB_FEEDBACKS_API_URL, {FEEDBACKS_BUDGET: Budget(per_second=3)}),
        common=host(settings.WB_COMMON_API_URL, {}),
    )
