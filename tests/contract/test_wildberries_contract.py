"""Our Wildberries client ↔ the emulated WB ↔ WB's own OpenAPI files: every request the connector sends that WB
accepted (query and body), and every answer it read, checked against 01-general.yaml, 02-products.yaml,
09-communications.yaml and 12-reports.yaml."""

from __future__ import annotations

import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from marketsync.connectors import connect
from marketsync.connectors.records import StockUpdate
from marketsync.sandbox import contract
from marketsync.sandbox.wildberries import events, spec
from marketsync.sandbox.wildberries.seed import seed_wildberries

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

HOSTS = re.compile(r"/wildberries/(content|marketplace|statistics|feedbacks|common)(/.*)$")
TEMPLATES = {re.compile(r"^/api/v3/stocks/\d+$"): "/api/v3/stocks/{warehouseId}"}


def _spec_path(path: str) -> str:
    return next((template for pattern, template in TEMPLATES.items() if pattern.match(path)), path)


def test_every_wildberries_call_of_a_stock_sync_matches_wbs_spec(env, sandbox_state, captured):
    seller = seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}", warehouses=[
        {"name": "Основной"}, {"name": "КГТ", "cargo_type": 3}], offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"], "fbs": 2,
         "fbo": [{"warehouse": "Коледино", "quantity": 3}]},
        {"vendor_code": "B", "sizes": [{"tech_size": "S", "barcodes": ["4600000000024"]},
                                       {"tech_size": "M", "barcodes": ["4600000000031"]}], "photos": 0}])
    connector = connect("wildberries", {"token": seller["token"], "warehouse_id": seller["warehouse_ids"][0]},
                        connection_key="contract")
    keys = [str(chrt) for card in seller["cards"] for chrt in card["chrtIDs"]]
    try:
        assert connector.check().ok
        offers = [offer for page in connector.iter_offers() for offer in page]
        connector.read_stocks(keys)
        list(connector.iter_stocks())
        results = connector.update_stocks([StockUpdate(keys[0], 5), StockUpdate("42", 1), StockUpdate(keys[1], 0)])
    finally:
        connector.close()
    assert len(offers) == 3 and [r.ok for r in results] == [True, False, True]

    seen = _check_against_spec(captured, seller["token"])
    assert {("GET", "/api/v3/warehouses", 200), ("POST", "/content/v2/get/cards/list", 200),
            ("POST", "/api/v3/stocks/{warehouseId}", 200), ("GET", "/api/v1/supplier/stocks", 200),
            ("PUT", "/api/v3/stocks/{warehouseId}", 409), ("PUT", "/api/v3/stocks/{warehouseId}", 204)} <= seen


def _check_against_spec(captured: list[tuple[httpx.Request, httpx.Response]], token: str) -> set[tuple[str, str, int]]:
    """Check every captured WB call against the spec; return the (method, path, status) seen."""
    seen: set[tuple[str, str, int]] = set()
    for request, response in captured:
        found = HOSTS.search(urlsplit(str(request.url)).path)
        if found is None:
            continue
        path = _spec_path(found.group(2))
        seen.add((request.method, path, response.status_code))
        assert request.headers["authorization"] == token, "WB takes the raw token (apiKey scheme)"
        if response.status_code < 400:
            spec.validate_query(path, request.method, dict(request.url.params))
            if request.content:
                spec.validate_request(path, request.method, json.loads(request.content))
        body = response.json() if response.content else None
        spec.validate_response(path, request.method, response.status_code, body)
    return seen


def test_every_wildberries_call_of_the_event_feed_matches_wbs_spec(env, sandbox_state, captured):
    wb = sandbox_state.wildberries
    wb.set_now(datetime(2025, 3, 10, tzinfo=UTC))
    seller = seed_wildberries(wb, f"wb-{uuid.uuid4().hex}", offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"], "fbo": [{"warehouse": "Коледино", "quantity": 3}]},
        {"vendor_code": "B", "sizes": [{"tech_size": "S", "barcodes": ["4600000000024"]}], "photos": 0}])
    token, since = seller["token"], datetime(2025, 3, 1, tzinfo=UTC)
    order = events.place_order(wb, token, at=since + timedelta(hours=1))
    events.cancel_order(wb, token, events.place_order(wb, token, at=since).srid, at=since + timedelta(hours=2))
    events.buy_out(wb, token, order.srid, at=since + timedelta(days=1))
    events.return_order(wb, token, order.srid, at=since + timedelta(days=2))
    events.write_review(wb, token, rating=2, text="Плохо", at=since + timedelta(hours=3))
    events.write_review(wb, token, rating=5, answer="Спасибо", at=since + timedelta(hours=4))
    connector = connect("wildberries", {"token": token}, connection_key="contract-feed")
    try:
        assert connector.check().ok
        counts = [sum(len(page) for page in feed) for feed in (
            connector.iter_orders(since), connector.iter_sales(since), connector.iter_reviews(since),
            connector.iter_size_stocks(), connector.iter_cards())]
    finally:
        connector.close()
    assert counts == [2, 2, 2, 1, 2]

    paths = {path for _, path, _ in _check_against_spec(captured, token)}
    assert paths == {"/api/v1/seller-info", "/api/v1/supplier/orders", "/api/v1/supplier/sales",
                     "/api/v1/feedbacks", "/api/v1/supplier/stocks", "/content/v2/get/cards/list"}


def test_the_card_list_request_is_the_documented_first_page(env, sandbox_state, captured):
    seller = seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}", offers=[{"vendor_code": "A"}])
    connector = connect("wildberries", {"token": seller["token"]}, connection_key="contract-cards")
    try:
        list(connector.iter_offers())
    finally:
        connector.close()

    cards = [json.loads(r.content) for r, _ in captured if r.url.path.endswith("/content/v2/get/cards/list")]
    # The description's own first request: limit 100, withPhoto -1 (the default 0 would hide cards with photos).
    assert cards == [{"settings": {"cursor": {"limit": 100}, "filter": {"withPhoto": -1}}}]
