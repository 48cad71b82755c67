"""Our Yandex Market client ↔ the emulator ↔ the official OpenAPI spec: every request a stock sync sends and
every answer it reads, refusals and rate limits included.

Requests are captured at httpx's send and checked against the operation's request body schema and query
parameters; answers against the schema of their HTTP status. The emulator checks its own answers too
(SANDBOX_VALIDATE_CONTRACT=1), so a drift on either side fails here.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from marketsync.connectors import connect
from marketsync.connectors.records import StockUpdate
from marketsync.sandbox import contract
from marketsync.sandbox.yandex_market import spec
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

TEMPLATES = [
    ("GET", re.compile(r"^/v2/campaigns/\d+$"), "/v2/campaigns/{campaignId}"),
    ("GET", re.compile(r"^/v2/campaigns$"), "/v2/campaigns"),
    ("POST", re.compile(r"^/v2/businesses/\d+/offer-mappings$"), "/v2/businesses/{businessId}/offer-mappings"),
    ("POST", re.compile(r"^/v2/campaigns/\d+/offers/stocks$"), "/v2/campaigns/{campaignId}/offers/stocks"),
    ("PUT", re.compile(r"^/v2/campaigns/\d+/offers/stocks$"), "/v2/campaigns/{campaignId}/offers/stocks"),
]


def _template(method: str, path: str) -> str:
    for known, pattern, template in TEMPLATES:
        if known == method and pattern.match(path):
            return template
    raise AssertionError(f"{method} {path} is not an operation we expect to call")


def test_every_call_of_a_stock_sync_matches_the_yandex_market_spec(env, sandbox_state, captured):
    token = f"ym-{uuid.uuid4().hex}"
    offers = [{"offer_id": f"SKU-{n}", "name": f"Товар {n}", "barcodes": [f"460000000000{n}"], "market_sku": 77 + n,
               "stock": n, "reserved": n % 2, "fbo": {145: n + 1} if n < 3 else {}} for n in range(8)]
    offers.append({"offer_id": "OLD", "name": "Архивный", "archived": True, "stock": 0})
    seed_yandex_market(sandbox_state.yandex_market, token, offers=offers, business_id=11, campaign_id=22,
                       warehouse_id=33, fby_campaign_id=44, fby_warehouses={145: "Софьино"})
    sandbox_state.yandex_market.page_cap = 3
    channel = connect("yandex_market", {"token": token, "business_id": 11, "campaign_id": 22},
                      connection_key=uuid.uuid4().hex)

    assert channel.check().ok
    assert len([o for page in channel.iter_offers() for o in page]) == 9
    assert len(channel.read_stocks([o["offer_id"] for o in offers])) == 9
    assert len([lv for page in channel.iter_stocks() for lv in page]) == 11  # 8 FBS + 3 FBO; archived left out
    results = channel.update_stocks([StockUpdate("SKU-1", 5), StockUpdate("NOPE", 1)])
    assert [r.ok for r in results] == [True, False]
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["429"], retry_after=0, max_faults=1)
    channel.read_stocks(["SKU-1"])
    sandbox_state.faults.clear()
    sandbox_state.yandex_market.revoke_token(token)
    assert not channel.check().ok

    statuses: set[tuple[str, int]] = set()
    for request, response in captured:
        path = urlsplit(str(request.url)).path.removeprefix("/yandex_market")
        template = _template(request.method, path)
        assert request.headers["Api-Key"] == token, "the key travels in the Api-Key header"
        params = spec.load_spec().parameters(request.method, template)
        for name, value in parse_qsl(urlsplit(str(request.url)).query):
            assert name in params, f"{template}: query parameter {name} is not in the spec"
            if name == "limit":
                bounds = params[name]["schema"]
                assert bounds["minimum"] <= int(value) <= bounds["maximum"]
        validator = spec.load_spec().request_validator(request.method, template)
        if request.content:
            assert validator is not None, f"{template} takes no body"
            assert spec.first_error(validator, json.loads(request.content)) is None
        body = response.json()
        problem = spec.first_error(spec.load_spec().response_validator(request.method, template,
                                                                      response.status_code), body)
        assert problem is None, f"{request.method} {template} {response.status_code}: {problem}"
        statuses.add((request.method, response.status_code))
    assert {("GET", 200), ("POST", 200), ("PUT", 200), ("PUT", 400), ("POST", 420), ("GET", 403)} <= statuses
