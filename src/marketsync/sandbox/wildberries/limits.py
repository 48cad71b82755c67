"""WB's request limits as the emulated gateway applies them: a token bucket per seller and method group.

Each operation's description gives period, limit, interval and burst (02-products.yaml, 12-reports.yaml);
WB's knowledge base ("Лимиты запросов WB API") says the algorithm is a token bucket: `burst` requests at
once, refilled at limit/period. A 409 of a seller-stock method costs 10 tokens.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

CONTENT, WAREHOUSES, STOCKS, STATISTICS = "content", "warehouses", "stocks", "statistics"
ORDERS, SALES, FEEDBACKS = "statistics-orders", "statistics-sales", "feedbacks"
PING, SELLER_INFO = "ping", "seller-info"
CARDS_UPLOAD, CARDS_UPDATE, CARDS_ERRORS, PRICES = "cards-upload", "cards-update", "cards-errors", "prices"


@dataclass(frozen=True)
class Limit:
    """A documented limit: `per_minute` requests a minute, `burst` at once."""

    per_minute: float
    burst: int


DEFAULT_LIMITS: dict[str, Limit] = {
    CONTENT: Limit(100, 5),  # 100/min, interval 600 ms, burst 5
    WAREHOUSES: Limit(300, 20),  # seller-warehouse methods: 300/min, 200 ms, burst 20
    STOCKS: Limit(300, 20),  # seller-stock methods: the same, a 409 counting as 10
    STATISTICS: Limit(1, 1),  # /api/v1/supplier/stocks: 1/min, burst 1
    ORDERS: Limit(1, 1),  # /api/v1/supplier/orders: 1/min, burst 1
    SALES: Limit(1, 1),  # /api/v1/supplier/sales: 1/min, burst 1
    FEEDBACKS: Limit(180, 6),  # the Questions and feedbacks category: 3/s, interval 333 ms, burst 6
    PING: Limit(6, 3),  # /ping: at most 3 requests in 30 s, per host
    SELLER_INFO: Limit(1, 10),  # /api/v1/seller-info: 1/min, burst 10
    # Card create, update and the error list: each its own table, 10/min, interval 6 s, burst 5.
    CARDS_UPLOAD: Limit(10, 5),
    CARDS_UPDATE: Limit(10, 5),
    CARDS_ERRORS: Limit(10, 5),
    PRICES: Limit(100, 5),  # the Prices category: 10 requests per 6 s, interval 600 ms, burst 5
}


@dataclass(frozen=True)
class Verdict:
    """The gateway's answer to one request: allowed, else how long to wait (X-Ratelimit-Retry) and until the
    burst is whole again (X-Ratelimit-Reset)."""

    allowed: bool
    retry_s: int = 0
    reset_s: int = 0
    burst: int = 0


class TokenBuckets:
    """Token buckets keyed by (seller, group); a bucket starts full."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def _level(self, key: tuple[str, str], limit: Limit, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(limit.burst), now))
        return min(float(limit.burst), tokens + (now - at) * limit.per_minute / 60)

    def hit(self, key: tuple[str, str], limit: Limit | None) -> Verdict:
        """Spend one token if there is one; else say how long until there is."""
        if limit is None:
            return Verdict(True)
        now = self.clock()
        with self._lock:
            tokens = self._level(key, limit, now)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            self._buckets[key] = (tokens, now)
        rate = limit.per_minute / 60
        retry = 0 if allowed else max(1, math.ceil((1 - tokens) / rate))
        return Verdict(allowed, retry, max(0, math.ceil((limit.burst - tokens) / rate)), limit.burst)

    def charge(self, key: tuple[str, str], limit: Limit | None, extra: int) -> None:
        """Spend `extra` more tokens for a request billed as several (the bucket may go below zero)."""
        if limit is None:
            return
        now = self.clock()
        with self._lock:
            self._buckets[key] = (self._level(key, limit, now) - extra, now)

    def reset(self) -> None:
        """Refill every bucket."""
        with self._lock:
            self._buckets.clear()
