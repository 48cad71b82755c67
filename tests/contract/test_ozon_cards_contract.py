"""Our Ozon card client ↔ the sandbox ↔ ozon/swagger.json: the product import, its task, the card lookup and
the price update, each request and answer (refusals included) checked against the published spec."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from marketsync.connectors.card_records import PriceUpdate
from marketsync.connectors.errors import RejectedError
from marketsync.connectors.ozon.client_cards import OzonCardsClient
from marketsync.connectors.ozon.mapping_cards import draft_to_wire
from marketsync.sandbox import contract
from marketsync.sandbox.ozon.dictionary import MATERIAL
from marketsync.sandbox.ozon.spec import ozon_spec
from ozon_cards_world import pan_draft, process_imports, without
from ozon_world import ozon_connector, seed_seller

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

CARD_PATHS = {"/v3/product/import", "/v1/product/import/info", "/v3/product/info/list", "/v1/product/import/prices"}


def test_every_card_and_price_call_matches_the_spec(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")  # the emulator checks its own answers too
    world = seed_seller(sandbox_state, offers=1)
    connector = ozon_connector(world)

    submission = connector.send_cards([pan_draft("PAN-1"), without(pan_draft("PAN-2"), MATERIAL)])
    pending = connector.card_outcomes(submission)
    process_imports(sandbox_state)
    settled = connector.card_outcomes(submission)
    found = connector.find_cards(["PAN-1", "PAN-2"])
    prices = connector.push_prices([PriceUpdate("PAN-1", Decimal("2399.5")), PriceUpdate("NOPE", Decimal("1"))])

    assert [o.status for o in pending] == ["pending", "pending"]
    assert [o.status for o in settled] == ["accepted", "refused"]
    assert list(found) == ["PAN-1"] and [p.status for p in prices] == ["accepted", "refused"]
    spec, seen = ozon_spec(), set()
    for request, response in captured:
        path = urlsplit(str(request.url)).path.split("/ozon", 1)[1]
        body = json.loads(request.content)
        assert request.headers["client-id"] == world.client_id and request.headers["api-key"] == world.api_key
        assert spec.request_errors(path, body) == [], path
        assert response.status_code == 200, (path, response.text)
        assert spec.response_errors(path, response.json()) == [], path
        seen.add(path)
    assert seen == CARD_PATHS
    imported = next(json.loads(r.content) for r, _ in captured if r.url.path.endswith("/v3/product/import"))
    item = imported["items"][0]
    assert item["price"] == "2490.00" and item["currency_code"] == "RUB" and item["vat"] == "0"
    assert item["description_category_id"] == 17028922 and item["type_id"] == 91565
    assert {"complex_id": 0, "id": 4191, "values": [{"value": "Кастрюля из нержавеющей стали с крышкой"}]} \
        in item["attributes"]
    price = next(json.loads(r.content) for r, _ in captured if r.url.path.endswith("/prices"))["prices"][0]
    assert price == {"offer_id": "PAN-1", "price": "2399.50", "old_price": "0", "currency_code": "RUB", "vat": "0"}


def test_ozons_refusals_of_card_calls_are_rpc_status_bodies(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    monkeypatch.setattr("marketsync.connectors.ozon.client_cards.IMPORT_MAX", 1000)  # let 101 through to Ozon
    monkeypatch.setattr("marketsync.connectors.ozon.client_cards.PRICES_MAX", 2000)
    cards = OzonCardsClient(ozon_connector(seed_seller(sandbox_state, offers=1)).client)

    with pytest.raises(RejectedError, match="at most 100 products"):
        cards.product_import([draft_to_wire(pan_draft(f"P-{n}")) for n in range(101)])
    with pytest.raises(RejectedError):
        cards.import_prices([{"offer_id": f"P-{n}", "price": "1"} for n in range(1001)])  # the spec's maxItems
    with pytest.raises(RejectedError, match="not found"):
        cards.import_info(42)

    spec = ozon_spec()
    assert [r.status_code for _, r in captured] == [400, 400, 404]
    for _, response in captured:
        assert spec.response_errors("", response.json(), response.status_code) == []
