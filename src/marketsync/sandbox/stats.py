"""Request counters per emulated service: what tests and benchmarks read to count calls and writes."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class RequestStats:
    """Count HTTP requests, calls per method (execute's inner calls included) and write calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._writes: Counter[str] = Counter()
        self._limited: Counter[str] = Counter()
        self._by_method: dict[str, Counter[str]] = {}

    def record_request(self, service: str, method: str, *, write: bool) -> None:
        """Count one HTTP request to `service` calling `method`."""
        with self._lock:
            self._requests[service] += 1
            self._count(service, method, write)

    def record_call(self, service: str, method: str, *, write: bool) -> None:
        """Count one API call made inside a request already counted (VK execute)."""
        with self._lock:
            self._count(service, method, write)

    def record_limited(self, service: str) -> None:
        """Count one request refused because the client passed the emulated API's own rate limit (not a fault
        a test injected): what "a limit is never exceeded" is measured by."""
        with self._lock:
            self._limited[service] += 1

    def _count(self, service: str, method: str, write: bool) -> None:
        self._by_method.setdefault(service, Counter())[method] += 1
        if write:
            self._writes[service] += 1

    def snapshot(self) -> dict[str, Any]:
        """Return `{service: {"requests", "by_method", "writes"}}` for evotor and vk (and any other seen)."""
        with self._lock:
            services = sorted({"evotor", "vk", *self._requests, *self._by_method})
            return {
                service: {
                    "requests": self._requests[service],
                    "by_method": dict(sorted(self._by_method.get(service, Counter()).items())),
                    "writes": self._writes[service],
                    "limited": self._limited[service],
                }
                for service in services
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._requests.clear()
            self._writes.clear()
            self._limited.clear()
            self._by_method.clear()
