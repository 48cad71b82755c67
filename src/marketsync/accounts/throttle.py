"""Throttling of password checks and outgoing messages, in moving windows.

`limits` keeps the counters: in process memory embedded (one web process), in Redis distributed, so every
web process sees the same counts. An attempt is *reserved* with one atomic `hit` before the password hash is
checked: parallel guesses cannot all pass a check made before any of them is counted, and a refused guess
costs no Argon2 time. A success is not refunded (the moving window cannot give one back, and ten sign-ins of
one person within a minute do not happen), so the limits count attempts, not only wrong ones.

Mails and SMS carrying links or codes are limited the same way per recipient and per client address, so
nobody can flood a mailbox, or keep retiring a victim's reset link by asking for new ones.
"""

from __future__ import annotations

from functools import lru_cache

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from marketsync.security import sha256_hex
from marketsync.settings import get_settings

NAMESPACE = "marketsync-login"
PASSWORD_NAMESPACE = "marketsync-password-check"
MESSAGE_NAMESPACE = "marketsync-message"


@lru_cache
def _limiter(storage_uri: str) -> MovingWindowRateLimiter:
    storage = storage_from_string(storage_uri)
    assert isinstance(storage, Storage)  # a sync URI (memory://, redis://) gives a sync storage
    return MovingWindowRateLimiter(storage)


def _limiter_now() -> MovingWindowRateLimiter:
    return _limiter(get_settings().REDIS_URL or "memory://")


def _login_limits() -> tuple[RateLimitItem, RateLimitItem]:
    settings = get_settings()
    return (RateLimitItemPerMinute(settings.LOGIN_FAILURES_PER_EMAIL, namespace=NAMESPACE),
            RateLimitItemPerMinute(settings.LOGIN_FAILURES_PER_IP, namespace=NAMESPACE))


def _keys(email: str, address: str | None) -> tuple[str, str]:
    return f"email:{sha256_hex(email.strip().lower())}", f"ip:{address or 'unknown'}"


def is_throttled(email: str, address: str | None) -> bool:
    """Whether this e-mail or this address already used up its attempts for the minute (nothing is counted)."""
    limiter = _limiter_now()
    per_email, per_ip = _login_limits()
    email_key, ip_key = _keys(email, address)
    return not limiter.test(per_email, email_key) or not limiter.test(per_ip, ip_key)


def reserve_attempt(email: str, address: str | None) -> bool:
    """Count one sign-in attempt against the e-mail and the address; False when either is used up.

    Call it before checking the password and check nothing when it says False."""
    limiter = _limiter_now()
    per_email, per_ip = _login_limits()
    email_key, ip_key = _keys(email, address)
    # Each hit is atomic (a lock in memory, a Lua script in Redis): of N parallel calls at most the limit pass.
    return limiter.hit(per_email, email_key) and limiter.hit(per_ip, ip_key)


def reserve_password_check(user_id: int) -> bool:
    """Count one check of a signed-in user's current password (change it, delete the account); False when
    the user's checks for the minute are used up - a stolen session must not guess the password behind it."""
    limit = RateLimitItemPerMinute(get_settings().LOGIN_FAILURES_PER_EMAIL, namespace=PASSWORD_NAMESPACE)
    return _limiter_now().hit(limit, f"user:{user_id}")


def reserve_message(recipient: str, address: str | None) -> bool:
    """Count one mail or SMS to `recipient` asked from the client `address`; False when either is used up
    (then send nothing and change nothing, so the last link or code sent stays valid)."""
    settings = get_settings()
    limiter = _limiter_now()
    per_recipient = RateLimitItemPerHour(settings.MESSAGES_PER_RECIPIENT_PER_HOUR, namespace=MESSAGE_NAMESPACE)
    per_ip = RateLimitItemPerHour(settings.MESSAGES_PER_IP_PER_HOUR, namespace=MESSAGE_NAMESPACE)
    if not limiter.hit(per_recipient, f"to:{sha256_hex(recipient.strip().lower())}"):
        return False
    return address is None or limiter.hit(per_ip, f"ip:{address}")


def reset_all() -> None:
    """Forget every counter (tests; an operator after an incident)."""
    _limiter_now().storage.reset()
