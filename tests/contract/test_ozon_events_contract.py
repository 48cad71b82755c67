"""Our Ozon event feed ↔ the sandbox ↔ ozon/swagger.json: every request the feed sends for postings, returns,
reviews, stocks and cards, and every answer it reads (the 403 of the review list included), checked against the
published spec."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from marketsync.sandbox import contract
from marketsync.sandbox.ozon import events
from marketsync.sandbox.ozon.spec import ozon_spec
from ozon_world import ozon_connector, seed_seller

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

EVENT_PATHS = {"/v3/posting/fbs/list", "/v2/posting/fbo/list", "/v1/returns/list", "/v1/review/list"}


def _ozon_calls(captured: list[tuple[httpx.Request, httpx.Response]]) -> list[tuple[str, httpx.Request,
                                                                                    httpx.Response]]:
    return [(urlsplit(str(req.url)).path.split("/ozon", 1)[1], req, resp) for req, resp in captured
            if "/ozon/" in str(req.url)]


def test_every_call_of_the_event_feed_matches_the_spec(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")  # the emulator checks its own answers too
    monkeypatch.setattr("marketsync.connectors.ozon.client_events.POSTINGS_LIMIT", 2)  # several pages
    monkeypatch.setattr("marketsync.connectors.ozon.client_events.RETURNS_LIMIT", 1)
    world = seed_seller(sandbox_state, offers=4)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    for n, scheme in enumerate(("fbs", "fbs", "fbs", "fbo", "fbo", "fbo")):
        posting = events.place_posting(ozon, client_id, offer_id=f"A-{n % 4 + 1}", scheme=scheme, city=n)
        if n % 3 == 0:
            events.cancel_posting(ozon, client_id, posting.posting_number)
        elif n % 3 == 1:
            events.deliver_posting(ozon, client_id, posting.posting_number)
            events.return_posting(ozon, client_id, posting.posting_number)
        else:
            events.deliver_posting(ozon, client_id, posting.posting_number)
    for rating in (1, 3, 5):
        events.write_review(ozon, client_id, offer_id="A-1", rating=rating, text="отзыв")
    connector = ozon_connector(world)
    since = datetime.now(UTC) - timedelta(hours=1)

    assert sum(map(len, connector.iter_orders(since))) == 6
    assert sum(map(len, connector.iter_sales(since))) == 4 + 2
    assert sum(map(len, connector.iter_reviews(since))) == 3
    assert sum(map(len, connector.iter_size_stocks())) > 4
    assert sum(map(len, connector.iter_cards())) == 4

    spec, seen = ozon_spec(), set()
    for path, request, response in _ozon_calls(captured):
        assert request.method == "POST", path
        assert request.headers["client-id"] == world.client_id and request.headers["api-key"] == world.api_key
        assert spec.request_errors(path, json.loads(request.content)) == [], path
        assert response.status_code == 200, (path, response.text)
        assert spec.response_errors(path, response.json()) == [], path
        seen.add(path)
    assert EVENT_PATHS | {"/v3/product/list", "/v3/product/info/list", "/v1/product/info/stocks-by-warehouse/fbs",
                          "/v1/analytics/stocks"} == seen


def test_the_review_lists_403_without_premium_plus_is_an_rpc_status(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    world = seed_seller(sandbox_state, offers=1)
    events.set_premium_plus(sandbox_state.ozon, int(world.client_id), False)

    assert list(ozon_connector(world).iter_reviews(datetime.now(UTC))) == []

    [(path, _request, response)] = _ozon_calls(captured)
    assert (path, response.status_code) == ("/v1/review/list", 403)
    assert ozon_spec().response_errors(path, response.json(), 403) == []


def test_the_emulator_refuses_what_the_spec_or_ozon_refuses(env, sandbox, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)
    headers = {"Client-Id": world.client_id, "Api-Key": world.api_key}
    window = {"since": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    with httpx.Client(base_url=f"{sandbox.url}/ozon", headers=headers) as ozon:
        no_window = ozon.post("/v3/posting/fbs/list", json={"filter": {}, "limit": 10, "offset": 0})
        too_long = ozon.post("/v2/posting/fbo/list", json={"filter": {"since": "2024-01-01T00:00:00Z",
                                                                      "to": "2026-01-01T00:00:00Z"}, "limit": 10})
        past_cap = ozon.post("/v2/posting/fbo/list", json={"filter": window, "limit": 10, "offset": 20_001})
        big_page = ozon.post("/v3/posting/fbs/list", json={"filter": window, "limit": 1001, "offset": 0})
        two_times = ozon.post("/v1/returns/list", json={"limit": 10, "filter": {
            "visual_status_change_moment": {"time_from": window["since"], "time_to": window["to"]},
            "logistic_return_date": {"time_from": window["since"], "time_to": window["to"]}}})
        few_reviews = ozon.post("/v1/review/list", json={"limit": 10})

    for answer in (no_window, too_long, past_cap, big_page, two_times, few_reviews):
        assert answer.status_code == 400, answer.text
        assert set(answer.json()) == {"code", "message", "details"}
