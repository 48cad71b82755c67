"""Resource limits of the emulated API: fixed windows counting requests or items, as x-resource-limit-config says.

A limit is `amount` per `period_s`, counted in requests (`resp`) or in the items one request carries or
returns (`req.skus`, `resp.result.warehouses.offers.offerId`). A request that would pass the amount is
refused with 420 and counts nothing; the window's end goes out as X-RateLimit-Resource-Until.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate


@dataclass(frozen=True)
class Limit:
    """`amount` per `period_s` seconds."""

    amount: int
    period_s: float


@dataclass(frozen=True)
class Verdict:
    """The outcome of counting one request: allowed or not, and the headers every answer carries."""

    allowed: bool
    headers: dict[str, str]


class WeightedWindows:
    """Fixed windows per key that start at the key's first request and count weights."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, limit: Limit | None, weight: int = 1) -> Verdict:
        """Count `weight` for `key` unless it would pass the limit; None means unlimited."""
        if limit is None:
            return Verdict(True, {})
        now = self.clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now - start >= limit.period_s:
                start, used = now, 0
            allowed = used + weight <= limit.amount
            if allowed:
                used += weight
            self._windows[key] = (start, used)
        headers = {
            "X-RateLimit-Resource-Limit": str(limit.amount),
            "X-RateLimit-Resource-Remaining": str(max(0, limit.amount - used)),
            "X-RateLimit-Resource-Until": formatdate(math.ceil(start + limit.period_s), usegmt=True),
        }
        return Verdict(allowed, headers)

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()
