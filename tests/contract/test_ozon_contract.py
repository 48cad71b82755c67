"""Our Ozon client ↔ the sandbox ↔ ozon/swagger.json: every request the connector sends and every answer it
reads, errors included, checked against the published spec (with its known defects mended, SOURCES.md)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import httpx
import pytest

from marketsync.connectors.errors import ConfigError
from marketsync.connectors.records import StockUpdate
from marketsync.sandbox import contract
from marketsync.sandbox.ozon.spec import ozon_spec
from ozon_world import ozon_connector, seed_seller

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)


def _ozon_calls(captured: list[tuple[httpx.Request, httpx.Response]]) -> list[tuple[str, httpx.Request,
                                                                                    httpx.Response]]:
    return [(urlsplit(str(req.url)).path.split("/ozon", 1)[1], req, resp) for req, resp in captured
            if "/ozon/" in str(req.url)]


def test_every_ozon_call_of_a_stock_cycle_matches_the_spec(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")  # the emulator checks its own answers too
    monkeypatch.setattr("marketsync.connectors.ozon.client.PRODUCT_LIST_LIMIT", 3)  # several pages
    world = seed_seller(sandbox_state, offers=7)
    connector = ozon_connector(world)

    assert connector.check().ok
    offers = [offer for page in connector.iter_offers() for offer in page]
    connector.read_stocks([offer.stock_key for offer in offers])
    list(connector.iter_stocks())
    results = connector.update_stocks([StockUpdate("A-1", 3), StockUpdate("NOPE", 1)])
    assert [r.ok for r in results] == [True, False]

    spec, seen = ozon_spec(), set()
    for path, request, response in _ozon_calls(captured):
        assert request.method == "POST", path
        assert request.headers["client-id"] == world.client_id and request.headers["api-key"] == world.api_key
        assert request.headers["content-type"] == "application/json"
        assert spec.request_errors(path, json.loads(request.content)) == [], path
        assert response.status_code == 200, (path, response.text)
        assert spec.response_errors(path, response.json()) == [], path
        seen.add(path)
    assert seen == {"/v1/warehouse/list", "/v3/product/list", "/v3/product/info/list",
                    "/v1/product/info/stocks-by-warehouse/fbs", "/v1/analytics/stocks", "/v2/products/stocks"}


def test_ozons_error_answers_are_rpc_status_bodies(env, sandbox_state, captured):
    world = seed_seller(sandbox_state, offers=1)
    sandbox_state.faults.configure("ozon", rate=1, kinds=["429"], retry_after=1, max_faults=1)

    assert ozon_connector(world).check().ok  # waits the 429 out
    with pytest.raises(ConfigError):
        ozon_connector(world, api_key="wrong-key-123456").update_stocks([StockUpdate("A-1", 1)])

    statuses = []
    for path, _request, response in _ozon_calls(captured):
        statuses.append(response.status_code)
        assert ozon_spec().response_errors(path, response.json(), response.status_code) == [], path
    assert statuses == [429, 200, 404]
