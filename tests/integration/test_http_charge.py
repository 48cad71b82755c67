"""HttpClient.charge: an answer the remote bills as several requests (WB counts a 409 as 10) takes that many
slots of the method's budget, so the next request waits as the remote would make it wait."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from marketsync.connectors.errors import RateLimited
from marketsync.http import Budget, HttpClient, HttpConfig, time_budget


def _client(per_second: int) -> HttpClient:
    return HttpClient(HttpConfig(
        system="wildberries", base_url="http://wb.test", credential=f"token-{uuid.uuid4().hex}",
        rate_per_second=1000, breaker_key=f"charge-{uuid.uuid4().hex}",
        method_budgets={"stocks": Budget(per_second=per_second)},
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json={})),
    ))


def _send(http: HttpClient, path: str = "/api/v3/stocks/1") -> float:
    started = time.monotonic()
    http.request("POST", path, idempotent=True, budget_key="stocks")
    return time.monotonic() - started


def test_a_charged_answer_makes_the_next_request_of_that_budget_wait(env):
    http = _client(per_second=2)
    assert _send(http) < 0.3  # one slot of two

    started = time.monotonic()
    http.charge("stocks", 3)  # taken in chunks a window can hold, waiting for them as for requests
    _send(http, "/api/v3/stocks/2")  # another path, the same named budget

    assert time.monotonic() - started >= 0.9  # 5 slots at 2 a second
    http.close()


def test_without_a_charge_the_same_requests_go_at_once(env):
    http = _client(per_second=5)
    _send(http)  # the first request also opens the limiter's bucket: on a loaded machine that alone took 0.3 s

    assert _send(http) + _send(http) + _send(http) < 0.5  # four of five slots: no wait (a full one is ~1 s)
    http.close()


def test_a_charge_that_cannot_be_paid_within_a_time_budget_is_a_rate_limit(env):
    http = _client(per_second=1)
    _send(http)

    with time_budget(0.3), pytest.raises(RateLimited):
        http.charge("stocks", 5)
    http.close()
