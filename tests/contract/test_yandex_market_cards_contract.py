"""Our Yandex Market card and price calls ↔ the emulator ↔ the official OpenAPI spec: every request the hub's
publishing sends (updateOfferMappings, getOfferMappings by offerIds, updateBusinessPrices) and every answer it
reads (OK, ERROR with per-offer results, 400, 420, 423), checked against the operation's schemas."""

from __future__ import annotations

import json
import os
import re
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from marketsync.connectors import connect
from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue, PriceUpdate
from marketsync.connectors.errors import RateLimited, TransientError
from marketsync.sandbox import contract
from marketsync.sandbox.yandex_market import spec
from marketsync.sandbox.yandex_market.dictionary import COLOUR, MATERIAL
from marketsync.sandbox.yandex_market.limits import Limit
from marketsync.sandbox.yandex_market.seed import seed_yandex_market
from marketsync.settings import get_settings

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

TEMPLATES = [
    (re.compile(r"^/v2/businesses/\d+/offer-mappings/update$"), "/v2/businesses/{businessId}/offer-mappings/update"),
    (re.compile(r"^/v2/businesses/\d+/offer-mappings$"), "/v2/businesses/{businessId}/offer-mappings"),
    (re.compile(r"^/v2/businesses/\d+/offer-prices/updates$"), "/v2/businesses/{businessId}/offer-prices/updates"),
]


def _template(path: str) -> str:
    for pattern, template in TEMPLATES:
        if pattern.match(path):
            return template
    raise AssertionError(f"POST {path} is not an operation publishing calls")


def _draft(sku: str, **changes: object) -> CardDraft:
    fields: dict[str, object] = {
        "sku": sku, "name": f"Сковорода {sku}", "category": "91612", "price": Decimal("1490.90"),
        "description": "Чугунная сковорода", "brand": "Биол", "vendor_code": "B-24", "barcodes": ("4607012345675",),
        "pictures": ("https://img.example/1.jpg", "https://img.example/2.jpg"),
        "attributes": (CardAttribute(str(MATERIAL), "Материал", (CardValue("чугун", "13000002"),)),
                       CardAttribute(str(COLOUR), "Цвет", (CardValue("черный", "12000001"),
                                                           CardValue("серый", "12000002")))),
        "weight_kg": Decimal("2.35"), "length_cm": Decimal("40"), "width_cm": Decimal("26"),
        "height_cm": Decimal("5")}
    return CardDraft(**{**fields, **changes})  # type: ignore[arg-type]


def test_every_publishing_call_matches_the_yandex_market_spec(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("HTTP_RETRY_AFTER_MAX_SECONDS", "5")  # the 420 below asks a minute: raised, not slept
    get_settings.cache_clear()
    token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(sandbox_state.yandex_market, token, business_id=12, campaign_id=23, warehouse_id=34)
    channel = connect("yandex_market", {"token": token, "business_id": 12, "campaign_id": 23},
                      connection_key=uuid.uuid4().hex)

    submission = channel.send_cards([_draft("A"), _draft("B", category="91610"), _draft("C", pictures=())])
    assert [o.status for o in submission.outcomes] == ["accepted", "refused", "refused"]
    assert [o.status for o in channel.card_outcomes(submission)] == ["accepted", "refused", "refused"]
    assert [o.status for o in channel.push_prices([PriceUpdate("A", Decimal("1390")),
                                                   PriceUpdate("Z", Decimal("5"))])] == ["accepted", "refused"]
    sandbox_state.yandex_market.limits["updateBusinessPrices"] = Limit(1, 60)
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["429"], retry_after=0, max_faults=1)
    channel.find_cards(["A"])  # a 420 on a read is waited out and the read repeated
    sandbox_state.faults.clear()
    with pytest.raises(RateLimited):
        channel.push_prices([PriceUpdate("A", Decimal("1")), PriceUpdate("B", Decimal("2"))])
    sandbox_state.yandex_market.locked.add(12)
    with pytest.raises(TransientError):
        channel.send_cards([_draft("A")])

    statuses: set[tuple[str, int, str]] = set()
    for request, response in captured:
        path = urlsplit(str(request.url)).path.removeprefix("/yandex_market")
        template = _template(path)
        assert request.method == "POST" and request.headers["Api-Key"] == token
        params = spec.load_spec().parameters("POST", template)
        for name, value in parse_qsl(urlsplit(str(request.url)).query):
            assert name in params, f"{template}: query parameter {name} is not in the spec"
            assert value in params[name]["schema"].get("enum", [value])
        validator = spec.load_spec().request_validator("POST", template)
        assert validator is not None
        assert spec.first_error(validator, json.loads(request.content)) is None, template
        body = response.json()
        problem = spec.first_error(spec.load_spec().response_validator("POST", template, response.status_code), body)
        assert problem is None, f"POST {template} {response.status_code}: {problem}"
        statuses.add((template.rsplit("/", 1)[-1], response.status_code, body.get("status", "")))
    assert {("update", 200, "OK"), ("update", 200, "ERROR"), ("update", 400, "ERROR"), ("update", 423, "ERROR"),
            ("offer-mappings", 200, "OK"), ("offer-mappings", 420, "ERROR"), ("updates", 200, "OK"),
            ("updates", 400, "ERROR"), ("updates", 420, "ERROR")} <= statuses
