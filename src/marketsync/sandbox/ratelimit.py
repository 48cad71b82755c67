"""Per-credential request windows for the emulators (fixed one-second windows, like the real gateways)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    """The outcome of counting one request against a window."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int


class FixedWindowLimiter:
    """Count requests per key in fixed windows that start at the key's first request."""

    def __init__(self, window_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, limit: int | None) -> RateDecision:
        """Count one request for `key`; `limit=None` means unlimited."""
        if limit is None:
            return RateDecision(True, 0, 0, 0)
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window_s:
                start, count = now, 0
            count += 1
            self._windows[key] = (start, count)
        reset_s = max(1, math.ceil(self.window_s - (now - start)))
        return RateDecision(count <= limit, limit, max(0, limit - count), reset_s)

    def reset(self) -> None:
        """Forget every window."""
        with self._lock:
            self._windows.clear()
