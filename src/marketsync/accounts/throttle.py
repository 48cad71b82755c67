"""Login throttling: wrong passwords counted per e-mail and per client address in a moving one-minute window.

`limits` keeps the counters: in process memory embedded (one web process), in Redis distributed, so every
web process sees the same counts. A refused attempt is decided *before* the password hash is checked, so a
guesser cannot make the server burn Argon2 time either.
"""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from marketsync.security import sha256_hex
from marketsync.settings import get_settings

NAMESPACE = "marketsync-login"


@lru_cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    storage = storage_from_string(storage_uri)
    assert isinstance(storage, Storage)  # a sync URI (memory://, redis://) gives a sync storage
    return MovingWindowRateLimiter(storage)


def _parts() -> tuple[MovingWindowRateLimiter, RateLimitItemPerMinute, RateLimitItemPerMinute]:
    settings = get_settings()
    limiter = _limiter(settings.REDIS_URL or "memory://")
    return (limiter, RateLimitItemPerMinute(settings.LOGIN_FAILURES_PER_EMAIL, namespace=NAMESPACE),
            RateLimitItemPerMinute(settings.LOGIN_FAILURES_PER_IP, namespace=NAMESPACE))


def _keys(email: str, address: str | None) -> tuple[str, str]:
    return f"email:{sha256_hex(email.strip().lower())}", f"ip:{address or 'unknown'}"


def is_throttled(email: str, address: str | None) -> bool:
    """Whether this e-mail or this address already used up its wrong passwords for the minute."""
    limiter, per_email, per_ip = _parts()
    email_key, ip_key = _keys(email, address)
    return not limiter.test(per_email, email_key) or not limiter.test(per_ip, ip_key)


def record_failure(email: str, address: str | None) -> None:
    """Count one wrong password against the e-mail and the address."""
    limiter, per_email, per_ip = _parts()
    email_key, ip_key = _keys(email, address)
    limiter.hit(per_email, email_key)
    limiter.hit(per_ip, ip_key)


def reset_all() -> None:
    """Forget every counter (tests; an operator after an incident)."""
    limiter, _, _ = _parts()
    limiter.storage.reset()
