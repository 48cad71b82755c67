"""Casdoor's wire as the bridge reads it: errors inside HTTP 200 envelopes, a 500 told apart from a refusal, the
credentials in the Authorization header only, and the score's rounding."""

from __future__ import annotations

import base64
from decimal import Decimal

import httpx
import pytest

from marketsync.casdoor.mirror import score_of
from marketsync.casdoor.outbox import backoff, casdoor_name
from marketsync.connectors.casdoor.client import CasdoorClient, CasdoorError
from marketsync.connectors.errors import ConnectorError, RejectedError
from marketsync.http import reset_breakers
from marketsync.settings import Settings

SECRET = "casdoor-secret-0123456789"


def _client(handler: httpx.MockTransport) -> CasdoorClient:
    reset_breakers()
    return CasdoorClient("http://casdoor.test", "client-1", SECRET, "org", transport=handler, max_attempts=1)


def test_an_error_answered_with_http_200_is_a_refusal_with_casdoors_message() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "error", "msg": "Unknown column name: balance", "data": None})

    with pytest.raises(CasdoorError, match="Unknown column name: balance"):
        _client(httpx.MockTransport(answer)).update_user("ms-1", {"balance": 1.0}, ["balance"])
    [request] = seen
    assert request.url.params["id"] == "org/ms-1" and request.url.params["columns"] == "balance"
    assert SECRET not in str(request.url)
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"client-1:{SECRET}".encode()).decode()


def test_a_missing_user_is_none_and_a_found_one_is_its_object() -> None:
    users = {"org/ms-2": {"owner": "org", "name": "ms-2"}}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "ok", "msg": "", "data": users.get(request.url.params["id"])})

    client = _client(httpx.MockTransport(answer))
    assert client.get_user("ms-1") is None
    assert client.get_user("ms-2") == {"owner": "org", "name": "ms-2"}


@pytest.mark.parametrize(("status", "body"), [(500, b"Internal Server Error"), (200, b"<html>proxy</html>")])
def test_a_server_error_or_a_page_is_not_a_refusal(status: int, body: bytes) -> None:
    client = _client(httpx.MockTransport(lambda _request: httpx.Response(status, content=body)))
    with pytest.raises(ConnectorError) as caught:
        client.get_user("ms-1")
    assert not isinstance(caught.value, RejectedError)  # beat retries it; a refusal is kept with its message


@pytest.mark.parametrize(("balance", "score"), [("1250.99", 1250), ("0.00", 0), ("-0.50", -1), ("-3.00", -3)])
def test_the_score_is_whole_rubles_rounded_down(balance: str, score: int) -> None:
    assert score_of(Decimal(balance)) == score


def test_names_are_derived_from_our_id_and_the_backoff_is_capped_under_a_minute() -> None:
    assert casdoor_name(42) == "ms-42"
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)] == [5, 10, 20, 30, 30]


@pytest.mark.parametrize(("values", "message"), [
    ({"CASDOOR_CLIENT_ID": "app"}, "CASDOOR_CLIENT_SECRET"),
    ({"CASDOOR_CLIENT_ID": "app", "CASDOOR_CLIENT_SECRET": "s", "CASDOOR_URL": "casdoor:8000"}, "CASDOOR_URL"),
    ({"CASDOOR_CERT_FILE": "/nonexistent/casdoor.pem"}, "CASDOOR_CERT_FILE"),
])
def test_an_incomplete_casdoor_setting_fails_at_start(values: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**values)  # type: ignore[arg-type]
