"""The pace the WB connector keeps: WB_API_INTERVAL between two requests to one host, WB_API_RATE_LIMIT a minute
per token, WB's per-method statistics limit, and a 429 waited as long as WB says (never less), backing off
exponentially when it says nothing."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from marketsync.connectors.errors import RateLimited
from marketsync.http import time_budget
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.limits import ORDERS, Limit
from marketsync.settings import get_settings

SINCE = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, httpx.Request]]:
    """Every request the connector sends, with the moment it left."""
    log: list[tuple[float, httpx.Request]] = []
    original = httpx.Client.send

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        log.append((time.monotonic(), request))
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    return log


def _pace(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def test_two_requests_to_one_host_are_wb_api_interval_apart(wb_seller, wb_connector, monkeypatch, sent):
    # Two seconds apart: held back, the content request would come ≥ 2 s after the last statistics one; a loaded
    # machine's slowness stays well under that.
    _pace(monkeypatch, WB_API_INTERVAL="2000")
    seller = wb_seller(offers=[{"vendor_code": "A", "barcodes": ["4600000000017"]}])
    connector = wb_connector(seller["token"])

    list(connector.iter_orders(SINCE))
    list(connector.iter_sales(SINCE))
    list(connector.iter_size_stocks())
    list(connector.iter_cards())  # another host: not held back by the statistics host's spacing

    statistics = [at for at, request in sent if "/statistics/" in request.url.path]
    assert len(statistics) == 3
    assert all(later - earlier >= 1.99 for earlier, later in itertools.pairwise(statistics))
    content = next(at for at, request in sent if "/content/" in request.url.path)
    assert content - statistics[-1] < 1.5


def test_requests_beyond_wb_api_rate_limit_a_minute_are_never_sent(wb_seller, wb_connector, monkeypatch,
                                                                  sandbox_state):
    _pace(monkeypatch, WB_API_RATE_LIMIT="2")
    seller = wb_seller(offers=[{"vendor_code": "A"}])
    connector = wb_connector(seller["token"])
    list(connector.iter_orders(SINCE))
    list(connector.iter_cards())  # the budget is the token's, over every host

    with time_budget(1.0), pytest.raises(RateLimited, match="our own request budget"):
        list(connector.iter_sales(SINCE))

    assert sandbox_state.stats.snapshot()["wildberries"]["requests"] == 2


def test_a_429_with_x_ratelimit_retry_is_waited_out_in_full(wb_seller, wb_connector, sandbox_state, sent):
    seller = wb_seller(offers=[{"vendor_code": "A"}])
    placed = events.place_order(sandbox_state.wildberries, seller["token"])
    sandbox_state.faults.configure("wildberries", rate=1.0, kinds=["429"], retry_after=2, max_faults=1)
    started = time.monotonic()

    orders = [o for page in wb_connector(seller["token"]).iter_orders(placed.date.replace(tzinfo=UTC)
                                                                         - timedelta(days=1)) for o in page]

    assert [o.order_id for o in orders] == [placed.srid]
    assert len(sent) == 2 and sent[1][0] - sent[0][0] >= 2.0 and time.monotonic() - started >= 2.0


def test_wbs_own_one_request_a_minute_on_statistics_is_honoured_as_it_says(wb_seller, wb_connector, sandbox_state,
                                                                          sent):
    seller = wb_seller(offers=[{"vendor_code": "A"}])
    sandbox_state.wildberries.limits[ORDERS] = Limit(40, 1)  # one token back every 1.5 s: X-Ratelimit-Retry 2
    connector = wb_connector(seller["token"])
    list(connector.iter_orders(SINCE))

    list(connector.iter_orders(SINCE))

    answers = [r for _, r in sent]
    assert len(answers) == 3  # the second read was refused once (429), then waited out
    assert sent[2][0] - sent[1][0] >= 2.0


@pytest.fixture
def quiet_wb(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """A statistics host answering 429 without any wait twice, then []: the moments it was asked."""
    asked: list[float] = []

    async def orders(request: Request) -> Response:
        asked.append(time.monotonic())
        if len(asked) <= 2:
            return JSONResponse({"title": "too many requests"}, status_code=429)
        return JSONResponse([])

    with ServerThread(Starlette(routes=[Route("/api/v1/supplier/orders", orders)])) as server:
        _pace(monkeypatch, WB_STATISTICS_API_URL=server.url, WB_API_INTERVAL="300")
        yield asked


def test_a_429_naming_no_wait_backs_off_exponentially_from_the_interval(wb_connector, quiet_wb):
    assert list(wb_connector("wb-quiet-token-1").iter_orders(SINCE)) == []

    # Waits only ever run late on a loaded machine, so lower bounds prove the doubling: the interval, then twice it.
    first, second = quiet_wb[1] - quiet_wb[0], quiet_wb[2] - quiet_wb[1]
    assert len(quiet_wb) == 3 and first >= 0.3 and second >= 0.6
