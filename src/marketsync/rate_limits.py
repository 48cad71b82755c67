"""Request budgets per API credential: what a remote allows per second, per minute and per token-bucket window,
as pyrate-limiter rates, in a bucket every process shares (SQLite embedded, Redis distributed), keyed by a hash
of the credential so no token is ever written down."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrate_limiter import Duration, Limiter, Rate

from marketsync.security import sha256_hex
from marketsync.settings import get_settings

_limiters: dict[str, Limiter] = {}
_registry_lock = threading.Lock()


@dataclass(frozen=True)
class Budget:
    """How many requests may be sent per second, per minute and per `window` (requests, milliseconds).

    `window` is how a token bucket is kept (WB: `burst` requests at once, one more every `interval`): `burst`
    requests per burst × interval, a sliding window that never outruns the bucket at any moment.
    """

    per_second: int | None = None
    per_minute: int | None = None
    window: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.per_second is None and self.per_minute is None and self.window is None:
            raise ValueError("a budget needs a limit per second, per minute, per window or several")
        limits = (self.per_second, self.per_minute, *(self.window or ()))
        if any(limit is not None and limit <= 0 for limit in limits):
            raise ValueError("a budget's limits must be positive")

    def rates(self) -> list[Rate]:
        """Return pyrate-limiter's rates, shortest window first, dropping a window another already implies."""
        candidates = [Rate(limit, interval) for limit, interval in (
            (self.per_second, Duration.SECOND), (*(self.window or (None, 0)),), (self.per_minute, Duration.MINUTE),
        ) if limit is not None]
        kept: list[Rate] = []
        # pyrate-limiter wants longer windows with more requests and a lower rate: a shorter window allowing as
        # many is moot, and a longer one at the same or a higher rate can never be reached.
        for rate in sorted(candidates, key=lambda r: int(r.interval)):
            while kept and rate.limit <= kept[-1].limit:
                kept.pop()
            if kept and rate.limit / int(rate.interval) >= kept[-1].limit / int(kept[-1].interval):
                continue
            kept.append(rate)
        return kept


def limiter_for(system: str, credential: str, rate_per_second: int | None, rate_per_minute: int | None = None,
                *, scope: str = "", window: tuple[int, int] | None = None) -> Limiter:
    """Return the rate limiter of one credential (or of one method, `scope`), shared by every process."""
    budget = Budget(rate_per_second, rate_per_minute, window)
    scope_part = f"_{sha256_hex(scope)[:8]}" if scope else ""
    window_part = f"_{window[0]}per{window[1]}ms" if window else ""
    key = (f"{system}_{sha256_hex(credential)[:24]}{scope_part}_{rate_per_second or 0}_{rate_per_minute or 0}"
           f"{window_part}")
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
