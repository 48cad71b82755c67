"""http.py's budgets, Retry-After and retries, against the sandbox: what keeps a seller's token from being banned
and a write from being repeated blindly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from builders import seed_catalog
from marketsync.connectors.errors import NotSentError, OutcomeUnknownError, RateLimited
from marketsync.http import Budget, HttpClient, HttpConfig, time_budget
from marketsync.http_limits import limiter_for
from marketsync.settings import get_settings

SRC = str(Path(__file__).resolve().parents[2] / "src")
REDIS_URL = os.environ.get("MARKETSYNC_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")

# One process's share of a per-minute budget of 5: it sends until the budget refuses within a second.
CHILD = """
import sys
import threading
from marketsync.connectors.errors import NotSentError, OutcomeUnknownError, RateLimited
from marketsync.http import HttpClient, HttpConfig, time_budget
base, token = sys.argv[1], sys.argv[2]
http = HttpClient(HttpConfig(system="evotor", base_url=base, credential=token, rate_per_second=1000,
                             rate_per_minute=5, breaker_key="child", headers={"Authorization": "Bearer " + token}))
sent = 0
for _ in range(5):
    try:
        with time_budget(1.0):
            http.request("GET", "/stores", idempotent=True)
    except RateLimited:
        break
    sent += 1
print(sent)
"""


def _client(base: str, token: str, **options) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(HttpConfig(system="evotor", base_url=base, credential=token, rate_per_second=1000,
                                 breaker_key=f"t-{uuid.uuid4().hex}", headers={"Authorization": f"Bearer {token}"},
                                 **options))


def _requests(state) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()["evotor"]["requests"])


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
def test_a_per_minute_budget_holds_across_two_processes(env, sandbox, sandbox_state, backend, scratch_redis):
    import redis

    if backend == "redis":
        scratch_redis(REDIS_URL)
    # A fresh token each run: a budget is keyed by the token, and Redis outlives the test.
    catalog = seed_catalog(sandbox_state, prefix=f"m{uuid.uuid4().hex[:8]}", groups=0)
    child_env = {**os.environ, "PYTHONPATH": SRC}
    if backend == "redis":
        child_env["REDIS_URL"] = REDIS_URL
    command = [sys.executable, "-c", CHILD, f"{sandbox.url}/evotor", catalog.evotor_token]

    children = [subprocess.Popen(command, env=child_env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    sent = [int(child.communicate(timeout=60)[0].strip()) for child in children]

    assert sum(sent) == 5, f"two processes sent {sent} with one budget of 5 a minute"
    assert _requests(sandbox_state) == 5
    if backend == "redis":
        redis.Redis.from_url(REDIS_URL).flushdb()


def test_a_method_budget_limits_that_method_only(env, sandbox, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=0)
    http = _client(f"{sandbox.url}/evotor", catalog.evotor_token,
                   method_budgets={"/stores": Budget(per_minute=2)})
    for _ in range(2):
        http.request("GET", "/stores", idempotent=True)
    with pytest.raises(RateLimited), time_budget(0.5):
        http.request("GET", "/stores", idempotent=True)
    # Another method still has the credential's own (large) budget.
    assert http.request("GET", f"/stores/{catalog.stores[0]}/products", idempotent=True).status_code == 200
    assert _requests(sandbox_state) == 3


def test_a_retry_after_is_waited_as_asked_not_cut_to_the_backoff_cap(env, sandbox, sandbox_state, monkeypatch):
    monkeypatch.setenv("HTTP_BACKOFF_MAX_SECONDS", "0.1")
    get_settings.cache_clear()
    catalog = seed_catalog(sandbox_state, groups=0)
    slept: list[float] = []
    http = _client(f"{sandbox.url}/evotor", catalog.evotor_token, sleep=slept.append)
    sandbox_state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=7, max_faults=2)

    assert http.request("GET", "/stores", idempotent=True).status_code == 200

    assert slept == [7.0, 7.0]
    assert _requests(sandbox_state) == 3


def test_a_retry_after_of_one_second_takes_at_least_a_second_on_the_clock(env, sandbox, sandbox_state, monkeypatch):
    monkeypatch.setenv("HTTP_BACKOFF_MAX_SECONDS", "0.1")
    get_settings.cache_clear()
    catalog = seed_catalog(sandbox_state, groups=0)
    http = _client(f"{sandbox.url}/evotor", catalog.evotor_token)
    sandbox_state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=1, max_faults=1)

    started = time.monotonic()
    assert http.request("GET", "/stores", idempotent=True).status_code == 200

    assert time.monotonic() - started >= 1.0


def test_a_retry_after_beyond_the_maximum_is_raised_not_slept(env, sandbox, sandbox_state, monkeypatch):
    monkeypatch.setenv("HTTP_RETRY_AFTER_MAX_SECONDS", "2")
    get_settings.cache_clear()
    catalog = seed_catalog(sandbox_state, groups=0)
    slept: list[float] = []
    http = _client(f"{sandbox.url}/evotor", catalog.evotor_token, sleep=slept.append)
    sandbox_state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=5, max_faults=1)

    with pytest.raises(RateLimited) as raised:
        http.request("GET", "/stores", idempotent=True)

    assert raised.value.retry_after == 5 and slept == []
    assert _requests(sandbox_state) == 1


def test_a_write_that_never_left_is_retried_and_one_whose_answer_was_lost_is_not(env, sandbox, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=0)
    slept: list[float] = []
    nobody = _client("http://127.0.0.1:9", catalog.evotor_token, sleep=slept.append, max_attempts=3)
    with pytest.raises(NotSentError):
        nobody.request("POST", "/stores", idempotent=False, json={})
    assert len(slept) == 2, "a refused connection sent nothing, so even a write is tried again"

    sandbox_state.faults.configure("evotor", rate=1, kinds=["lost_write"], max_faults=1)
    http = _client(f"{sandbox.url}/evotor", catalog.evotor_token, sleep=slept.append)
    with pytest.raises(OutcomeUnknownError):
        http.request("POST", f"/stores/{catalog.stores[0]}/products", idempotent=False, json={"name": "Кефир"})
    assert _requests(sandbox_state) == 1, "a write whose answer was lost is left to the caller to reconcile"


def test_a_redis_budget_counts_requests_another_process_stamped_after_a_late_callers_clock(env, scratch_redis,
                                                                                          monkeypatch):
    # Two processes race: one reads the clock, then the other stamps and stores the whole budget after that
    # moment. The late one must still see the budget spent.
    from pyrate_limiter import RateItem

    monkeypatch.setenv("REDIS_URL", scratch_redis(REDIS_URL))
    get_settings.cache_clear()
    limiter = limiter_for("evotor", f"race-{uuid.uuid4().hex}", None, 5)
    bucket = limiter.bucket_factory.bucket  # type: ignore[attr-defined]
    late_clock = bucket.now()
    for offset in range(1, 6):
        assert bucket.put(RateItem("evotor", late_clock + offset))

    assert bucket.put(RateItem("evotor", late_clock)) is False


def test_every_limiter_of_a_process_is_cleaned_by_one_thread(env):
    limiters = [limiter_for("evotor", f"many-{n}-{uuid.uuid4().hex}", 1000) for n in range(40)]

    assert all(limiter.try_acquire("evotor", blocking=True, timeout=1) for limiter in limiters)
    leakers = [thread for thread in threading.enumerate() if "Leaker" in thread.name]
    assert len(leakers) == 1
