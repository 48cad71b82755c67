"""Request budgets of the outbound HTTP client and their registries: rate limiters shared by every process
(SQLite embedded, Redis distributed, keyed by a hash of the credential) and one circuit breaker per connection.

A Budget is what one remote allows one credential: requests per second, per minute, and a minimum interval
between two requests (WB_API_INTERVAL: "at most one request per interval" is a sliding window of one).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pybreaker
from pyrate_limiter import Duration, Limiter, Rate

from marketsync.connectors.errors import RateLimited, TransientError
from marketsync.security import sha256_hex
from marketsync.settings import get_settings


@dataclass(frozen=True)
class Budget:
    """How many requests may be sent per second and per minute, and how far apart at least (None: no limit
    on that window)."""

    per_second: int | None = None
    per_minute: int | None = None
    interval_ms: int | None = None

    def __post_init__(self) -> None:
        limits = (self.per_second, self.per_minute, self.interval_ms)
        if all(limit is None for limit in limits):
            raise ValueError("a budget needs a limit per second, per minute, an interval or some of them")
        if any(limit is not None and limit <= 0 for limit in limits):
            raise ValueError("a budget's limits must be positive")

    def rates(self) -> list[Rate]:
        """Return pyrate-limiter's rates, dropping a window the others already imply."""
        second, minute = self.per_second, self.per_minute
        # pyrate-limiter wants the windows ordered generous-before-tight: a per-minute budget no larger than
        # the per-second one makes the latter moot, one above 60 × per-second can never be reached.
        if second is not None and minute is not None:
            if minute <= second:
                second = None
            elif minute >= second * 60:
                minute = None
        rates = []
        if second is not None:
            rates.append(Rate(second, Duration.SECOND))
        if minute is not None:
            rates.append(Rate(minute, Duration.MINUTE))
        if self.interval_ms is None:
            return rates
        # One request per interval first; a wider window stays only where it is tighter than the interval.
        spaced = Rate(1, self.interval_ms)
        return [spaced, *(rate for rate in rates if rate.interval > spaced.interval and rate.limit > 1
                          and rate.limit / rate.interval < 1 / spaced.interval)]


_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_limiters: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


def breaker_for(key: str) -> pybreaker.CircuitBreaker:
    """Return the circuit breaker of one connection, creating it on first use."""
    with _registry_lock:
        if key not in _breakers:
            _breakers[key] = pybreaker.CircuitBreaker(
                fail_max=8, reset_timeout=30, exclude=[lambda e: not isinstance(e, TransientError)
                                                       or isinstance(e, RateLimited)],
                name=key,
            )
        return _breakers[key]


def reset_breakers() -> None:
    """Forget every breaker's state (tests, and the operator's "test connection")."""
    with _registry_lock:
        _breakers.clear()


def limiter_for(system: str, credential: str, rate_per_second: int | None, rate_per_minute: int | None = None,
                *, scope: str = "", interval_ms: int | None = None) -> Limiter:
    """Return the rate limiter of one credential (or of one method or host, `scope`), shared by every process."""
    budget = Budget(rate_per_second, rate_per_minute, interval_ms)
    scope_part = f"_{sha256_hex(scope)[:8]}" if scope else ""
    spacing = f"_i{interval_ms}" if interval_ms else ""
    key = (f"{system}_{sha256_hex(credential)[:24]}{scope_part}_{rate_per_second or 0}_{rate_per_minute or 0}"
           f"{spacing}")
    with _registry_lock:
        if key in _limiters:
            return _limiters[key]
        rates = budget.rates()
        settings = get_settings()
        if settings.REDIS_URL:
            from pyrate_limiter import RedisBucket
            from redis import Redis

            bucket: Any = RedisBucket.init(rates, Redis.from_url(settings.REDIS_URL), f"marketsync:rl:{key}")
        else:
            from pyrate_limiter import SQLiteBucket

            path = Path(settings.RATE_LIMIT_DB_PATH)
            path.parent.mkdir(parents=True, exist_ok=True)
            bucket = SQLiteBucket.init_from_file(
                rates, table=f"rl_{key}", db_path=str(path.resolve()), use_file_lock=True
            )
        _limiters[key] = Limiter(bucket)
        return _limiters[key]
