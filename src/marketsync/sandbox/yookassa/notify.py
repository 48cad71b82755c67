"""Notifications as YooKassa sends them: a POST of `{"type": "notification", "event", "object"}` to the shop's URL
a moment after the change (`delay_s`), re-sent after `retry_s` (doubling) while the answer is not 200, for up to
`max_attempts`. Faults: `duplicates` extra copies of each, `out_of_order` (each waits a random part of `spread_s`,
so a later event may arrive first). Delivered by one daemon thread; every attempt is recorded."""

from __future__ import annotations

import heapq
import itertools
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Delivery:
    """One attempt: where, which event of which object, the answer (or the error)."""

    url: str
    event: str
    object_id: str
    status: int | None
    error: str | None = None


@dataclass
class Notifier:
    """The queue of notifications to send and the thread that sends them."""

    delay_s: float = 0.2
    retry_s: float = 0.5
    max_attempts: int = 20
    duplicates: int = 0
    out_of_order: bool = False
    spread_s: float = 1.0
    seed: int | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    _queue: list[tuple[float, int, str, dict[str, Any], int]] = field(default_factory=list)
    _order: itertools.count[int] = field(default_factory=itertools.count)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _thread: threading.Thread | None = None
    _rng: random.Random = field(default_factory=random.Random)

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change timing and faults (delay_s, retry_s, max_attempts, duplicates, out_of_order, spread_s, seed)."""
        allowed = {"delay_s", "retry_s", "max_attempts", "duplicates", "out_of_order", "spread_s", "seed"}
        unknown = set(settings) - allowed
        if unknown:
            raise ValueError(f"unknown notification settings {sorted(unknown)}")
        with self._cond:
            for name, value in settings.items():
                setattr(self, name, value)
            self._rng = random.Random(self.seed)
            return self.snapshot()

    def snapshot(self) -> dict[str, Any]:
        """Return the settings, what is queued and every delivery so far."""
        with self._cond:
            return {"delay_s": self.delay_s, "retry_s": self.retry_s, "max_attempts": self.max_attempts,
                    "duplicates": self.duplicates, "out_of_order": self.out_of_order, "queued": len(self._queue),
                    "deliveries": [vars(d) for d in self.deliveries]}

    def reset(self) -> None:
        """Drop what is queued and the record, and go back to the default timing without faults."""
        with self._cond:
            self._queue.clear()
            self.deliveries.clear()
            self.delay_s, self.retry_s, self.max_attempts = 0.2, 0.5, 20
            self.duplicates, self.out_of_order, self.spread_s, self.seed = 0, False, 1.0, None
            self._rng = random.Random()

    def send(self, url: str, body: dict[str, Any]) -> None:
        """Queue one notification (and its duplicates) for delivery."""
        with self._cond:
            for _copy in range(1 + max(0, self.duplicates)):
                wait = self.delay_s + (self._rng.uniform(0, self.spread_s) if self.out_of_order else 0.0)
                heapq.heappush(self._queue, (time.monotonic() + wait, next(self._order), url, body, 1))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="yookassa-notifier", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def idle(self) -> bool:
        """Whether nothing is waiting to be sent."""
        with self._cond:
            return not self._queue

    def _run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                with self._cond:
                    while not self._queue or self._queue[0][0] > time.monotonic():
                        timeout = (self._queue[0][0] - time.monotonic()) if self._queue else 5.0
                        self._cond.wait(timeout=max(0.01, timeout))
                    _due, _n, url, body, attempt = heapq.heappop(self._queue)
                self._deliver(client, url, body, attempt)

    def _deliver(self, client: httpx.Client, url: str, body: dict[str, Any], attempt: int) -> None:
        status: int | None = None
        error: str | None = None
        try:
            status = client.post(url, json=body).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        with self._cond:
            self.deliveries.append(Delivery(url, str(body.get("event")), str(body.get("object", {}).get("id")),
                                            status, error))
            if status != 200 and attempt < self.max_attempts:
                due = time.monotonic() + self.retry_s * 2 ** min(attempt - 1, 6)
                heapq.heappush(self._queue, (due, next(self._order), url, body, attempt + 1))
