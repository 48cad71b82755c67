"""Read-only mode from the admin page and from `marketsync ops`: every seller's page says it is on, the CLI reports
it, a seller cannot flip it; the circuit breakers' page lists a breaker a failing integration opened."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from browser import sign_in, submit
from marketsync.cli.app import app as cli_app
from marketsync.connectors.errors import TransientError
from marketsync.db import session_scope
from marketsync.http import HttpClient, HttpConfig, reset_breakers
from marketsync.ops import service as ops_service


@pytest.fixture
def switched_off(sqlite_engine: Engine) -> Iterator[None]:
    """Leave read-only mode off after the test, whatever it did."""
    yield
    with session_scope(sqlite_engine) as session:
        ops_service.set_read_only(session, enabled=False)


def test_an_admin_turns_read_only_on_and_every_page_says_so(client: TestClient,
                                                           make_seller: Callable[..., tuple[int, int]],
                                                           switched_off: None) -> None:
    make_seller("seller@example.ru")
    make_seller("admin@example.ru", admin=True)
    seller = TestClient(client.app, follow_redirects=False)
    sign_in(seller, "seller@example.ru")
    assert "read-only-banner" not in seller.get("/dashboard").text
    assert seller.post("/admin/ops/read-only", data={"enabled": "on"}).status_code in (403, 400)

    sign_in(client, "admin@example.ru")
    assert submit(client, "/admin/ops/read-only", {"enabled": "on"}).status_code == 303
    page = client.get("/admin/ops")
    assert page.status_code == 200 and 'action="/admin/ops/read-only"' in page.text
    assert 'name="enabled"' not in page.text, "the switch is on: its button now turns it off"

    assert "read-only-banner" in seller.get("/dashboard").text
    result = CliRunner().invoke(cli_app, ["ops", "status"])
    assert result.exit_code == 0 and "read-only: on" in result.output

    off = CliRunner().invoke(cli_app, ["ops", "read-only", "off"])
    assert off.exit_code == 0 and "read-only mode is off" in off.output
    assert "read-only-banner" not in seller.get("/dashboard").text


def test_the_cli_refuses_a_third_position(switched_off: None, sqlite_engine: Engine) -> None:
    result = CliRunner().invoke(cli_app, ["ops", "read-only", "maybe"])
    assert result.exit_code != 0
    with session_scope(sqlite_engine) as session:
        assert ops_service.read_only(session) is False


def test_a_failing_integration_opens_its_breaker_and_the_page_shows_it(client: TestClient,
                                                                       make_seller: Callable[..., tuple[int, int]]
                                                                       ) -> None:
    ops_service.install()
    reset_breakers()
    failing = httpx.MockTransport(lambda request: httpx.Response(503, json={"error": "down"}))
    remote = HttpClient(HttpConfig(system="ozon", base_url="http://ozon.test", credential="c", rate_per_second=None,
                                   breaker_key="ozon:ops-test", transport=failing, max_attempts=1,
                                   sleep=lambda _s: None))
    for _ in range(10):
        with pytest.raises(TransientError):
            remote.request("GET", "/v1/ping", idempotent=True)
    make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    page = client.get("/admin/ops")
    assert 'data-breaker="ozon:ops-test"' in page.text
    reset_breakers()
