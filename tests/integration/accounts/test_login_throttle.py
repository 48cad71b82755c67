"""Login throttling shared between processes: in distributed mode every web process reads the same counts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest

from marketsync.accounts import throttle
from marketsync.settings import get_settings

REDIS_URL = os.environ.get("MARKETSYNC_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def redis_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
              scratch_redis: Callable[[str], str]) -> Iterator[str]:
    """Distributed mode: REDIS_URL points at a scratch Redis database."""
    import redis

    scratch_redis(REDIS_URL)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    get_settings.cache_clear()
    yield REDIS_URL
    redis.Redis.from_url(REDIS_URL).flushdb()
    get_settings.cache_clear()


def _throttled_in_another_process(email: str, address: str) -> bool:
    code = ("from marketsync.accounts import throttle;"
            f"print(throttle.is_throttled({email!r}, {address!r}))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "REDIS_URL": REDIS_URL},
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return out.strip().endswith("True")


def test_attempts_reserved_in_one_process_throttle_the_next(redis_env: str) -> None:
    for _ in range(9):
        assert throttle.reserve_attempt("seller@example.ru", "10.0.0.1")
    assert not _throttled_in_another_process("seller@example.ru", "10.0.0.2")
    assert throttle.reserve_attempt("Seller@example.ru", "10.0.0.1")
    assert _throttled_in_another_process("seller@example.ru", "10.0.0.2")
    assert not _throttled_in_another_process("colleague@example.ru", "10.0.0.2")


def test_the_address_limit_is_shared_too(redis_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for person in range(200):
        assert throttle.reserve_attempt(f"person{person}@example.ru", "192.0.2.7")
    assert _throttled_in_another_process("fresh@example.ru", "192.0.2.7")
    assert not _throttled_in_another_process("fresh@example.ru", "192.0.2.8")


def test_parallel_reservations_in_redis_pass_at_most_the_limit(redis_env: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=40) as pool:
        granted = list(pool.map(lambda _: throttle.reserve_attempt("seller@example.ru", "10.0.0.9"), range(40)))
    assert granted.count(True) == 10
