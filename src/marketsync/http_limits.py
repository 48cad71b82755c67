"""Request budgets of the outbound HTTP client and their registries: rate limiters shared by every process
(SQLite embedded, Redis distributed, keyed by a hash of the credential) and one circuit breaker per connection.

A Budget is what one remote allows one credential: requests per second, per minute, and a minimum interval
between two requests (WB_API_INTERVAL: "at most one request per interval" is a sliding window of one).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pybreaker
from pyrate_limiter import AbstractBucket, Duration, Limiter, Rate, SingleBucketFactory
from pyrate_limiter.abstracts.bucket import Leaker

from marketsync.connectors.errors import RateLimited, TransientError
from marketsync.security import sha256_hex
from marketsync.settings import get_settings


@dataclass(frozen=True)
class Budget:
    """How many requests may be sent per second, per minute and per `window` (requests, milliseconds), and how
    far apart at least (`interval_ms`); None: no limit of that kind.

    `window` is how a token bucket is kept (WB: `burst` requests at once, one more every `interval`): `burst`
    requests per burst × interval, a sliding window that never outruns the bucket at any moment.
    """

    per_second: int | None = None
    per_minute: int | None = None
    interval_ms: int | None = None
    window: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        limits = (self.per_second, self.per_minute, self.interval_ms, *(self.window or ()))
        if all(limit is None for limit in limits):
            raise ValueError("a budget needs a limit per second, per minute, per window, an interval or several")
        if any(limit is not None and limit <= 0 for limit in limits):
            raise ValueError("a budget's limits must be positive")

    def rates(self) -> list[Rate]:
        """Return pyrate-limiter's rates, shortest window first, dropping a window another already implies."""
        limits = [(self.per_second, Duration.SECOND), (self.per_minute, Duration.MINUTE),
                  (1 if self.interval_ms else None, self.interval_ms or 0), (*(self.window or (None, 0)),)]
        kept: list[Rate] = []
        # pyrate-limiter wants longer windows with more requests and a lower rate: a shorter window allowing as
        # many is moot, and a longer one at the same or a higher rate can never be reached.
        for rate in sorted((Rate(limit, interval) for limit, interval in limits if limit is not None),
                           key=lambda r: (int(r.interval), r.limit)):
            while kept and rate.limit <= kept[-1].limit:
                kept.pop()
            if kept and rate.limit / int(rate.interval) >= kept[-1].limit / int(kept[-1].interval):
                continue
            kept.append(rate)
        return kept


LEAK_INTERVAL_MS = 10_000


class _SharedLeakFactory(SingleBucketFactory):
    """A limiter's one bucket, cleaned by the process's one leak thread.

    pyrate-limiter starts a thread with its own event loop per limiter to drop expired requests; a process holds
    one limiter per credential, method and host, and hundreds of threads polling one SQLite file's lock starved
    the requests themselves of it (a 30-second wait for a free budget of 1,000 a second).
    """

    _leaker = Leaker(LEAK_INTERVAL_MS)


class _Limiter(Limiter):
    """pyrate-limiter's Limiter around one bucket that leaks in the shared thread."""

    def _init_bucket_factory(self, argument: Any) -> SingleBucketFactory:
        return _SharedLeakFactory(argument)


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breaker_listeners: list[pybreaker.CircuitBreakerListener] = []
_limiters: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


def add_breaker_listener(listener: pybreaker.CircuitBreakerListener) -> None:
    """Tell `listener` of every breaker's state changes, the breakers made before included (once per listener)."""
    with _registry_lock:
        if any(type(known) is type(listener) for known in _breaker_listeners):
            return
        _breaker_listeners.append(listener)
        for breaker in _breakers.values():
            breaker.add_listener(listener)


def breaker_for(key: str) -> pybreaker.CircuitBreaker:
    """Return the circuit breaker of one connection, creating it on first use."""
    with _registry_lock:
        if key not in _breakers:
            _breakers[key] = pybreaker.CircuitBreaker(
                fail_max=8, reset_timeout=30, exclude=[lambda e: not isinstance(e, TransientError)
                                                       or isinstance(e, RateLimited)],
                name=key, listeners=list(_breaker_listeners),
            )
        return _breakers[key]


def reset_breakers() -> None:
    """Forget every breaker's state (tests, and the operator's "test connection")."""
    with _registry_lock:
        _breakers.clear()


def limiter_for(system: str, credential: str, rate_per_second: int | None, rate_per_minute: int | None = None,
                *, scope: str = "", interval_ms: int | None = None, window: tuple[int, int] | None = None) -> Limiter:
    """Return the rate limiter of one credential (or of one method or host, `scope`), shared by every process."""
    budget = Budget(rate_per_second, rate_per_minute, interval_ms, window)
    scope_part = f"_{sha256_hex(scope)[:8]}" if scope else ""
    spacing = (f"_i{interval_ms}" if interval_ms else "") + (f"_w{window[0]}per{window[1]}" if window else "")
    key = (f"{system}_{sha256_hex(credential)[:24]}{scope_part}_{rate_per_second or 0}_{rate_per_minute or 0}"
           f"{spacing}")
    settings = get_settings()
    # A limiter lives in its store: the same key under another RATE_LIMIT_DB_PATH or REDIS_URL is another bucket.
    entry = f"{settings.REDIS_URL or settings.RATE_LIMIT_DB_PATH}|{key}"
    with _registry_lock:
        if entry in _limiters:
            return _limiters[entry]
        rates = budget.rates()
        if settings.REDIS_URL:
            from redis import Redis

            bucket: Any = _redis_bucket(rates, Redis.from_url(settings.REDIS_URL), f"marketsync:rl:{key}")
        else:
            from pyrate_limiter import SQLiteBucket

            path = Path(settings.RATE_LIMIT_DB_PATH)
            path.parent.mkdir(parents=True, exist_ok=True)
            bucket = SQLiteBucket.init_from_file(
                rates, table=f"rl_{key}", db_path=str(path.resolve()), use_file_lock=True
            )
        _limiters[entry] = _Limiter(bucket)
        return _limiters[entry]


def reset_limiters() -> None:
    """Close every limiter of this process and forget it (tests: each test's credentials are new)."""
    with _registry_lock:
        for limiter in _limiters.values():
            bucket: AbstractBucket = limiter.bucket_factory.bucket  # type: ignore[attr-defined]
            _SharedLeakFactory._leaker.deregister(id(bucket))
            bucket.close()
        _limiters.clear()


def _forget_after_fork() -> None:
    # The parent's leak thread does not exist in the child, its SQLite connections must not be shared, and a lock
    # another parent thread held at the fork would stay held in the child forever.
    global _registry_lock
    _registry_lock = threading.Lock()
    _limiters.clear()
    _SharedLeakFactory._leaker = Leaker(LEAK_INTERVAL_MS)


os.register_at_fork(after_in_child=_forget_after_fork)


def _redis_bucket(rates: list[Rate], redis: Any, key: str) -> Any:
    """Return pyrate-limiter's Redis bucket counting every request in the window, later-stamped ones included.

    Its script counts requests stamped up to the caller's own clock reading. Two processes race: one reads the
    clock, the other stamps and stores requests after that moment, and the first, counting only up to its
    reading, misses them and is admitted over the limit (seen: 6 requests in a budget of 5 a minute).
    """
    from pyrate_limiter import RedisBucket
    from pyrate_limiter.buckets.redis_bucket import LuaScript

    counted_to_now = "redis.call('ZCOUNT', bucket, window_start, now)"
    if counted_to_now not in LuaScript.PUT_ITEM:
        raise RuntimeError("pyrate-limiter's Redis script changed: review _redis_bucket")
    script = LuaScript.PUT_ITEM.replace(counted_to_now, "redis.call('ZCOUNT', bucket, window_start, '+inf')")
    return RedisBucket(rates, redis, key, redis.script_load(script))
