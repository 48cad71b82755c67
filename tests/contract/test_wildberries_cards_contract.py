"""Card publishing and prices: every request our WB connector sends that WB accepted, and every answer it read
(the emulator's 400s and 208 included), checked against 02-products.yaml."""

from __future__ import annotations

import json
import os
import re
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
import pytest

from marketsync.connectors import connect
from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue, PriceUpdate
from marketsync.sandbox import contract
from marketsync.sandbox.wildberries import spec
from marketsync.sandbox.wildberries.seed import seed_wildberries

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

HOSTS = re.compile(r"/wildberries/(content|prices)(/.*)$")
CHARCS = re.compile(r"^/content/v2/object/charcs/\d+$")


def _check(captured: list[tuple[httpx.Request, httpx.Response]]) -> set[tuple[str, str, int]]:
    seen: set[tuple[str, str, int]] = set()
    for request, response in captured:
        found = HOSTS.search(urlsplit(str(request.url)).path)
        if found is None:
            continue
        path = "/content/v2/object/charcs/{subjectId}" if CHARCS.match(found.group(2)) else found.group(2)
        seen.add((request.method, path, response.status_code))
        if response.status_code < 400:
            spec.validate_query(path, request.method, dict(request.url.params))
            if request.content:
                spec.validate_request(path, request.method, json.loads(request.content))
        spec.validate_response(path, request.method, response.status_code,
                               response.json() if response.content else None)
    return seen


def _draft(sku: str, **changes: object) -> CardDraft:
    values: dict[str, object] = {
        "sku": sku, "name": "Кастрюля", "category": "1234", "price": Decimal("1500"), "brand": "Демо",
        "barcodes": ("4600000000017",), "weight_kg": Decimal("1.5"), "length_cm": Decimal("20"),
        "width_cm": Decimal("20"), "height_cm": Decimal("15"),
        "attributes": (CardAttribute("17596", "Материал изделия", (CardValue("сталь"),)),
                       CardAttribute("88952", "Объем (л)", (CardValue("3"),)))}
    values.update(changes)
    return CardDraft(**values)  # type: ignore[arg-type]


def test_every_wildberries_call_of_publishing_matches_wbs_spec(env, sandbox_state, captured):
    wb = sandbox_state.wildberries
    wb.price_delay_seconds = 0.5  # the first price upload is read from the buffer while it is processed
    seller = seed_wildberries(wb, f"wb-{uuid.uuid4().hex}")
    connector = connect("wildberries", {"token": seller["token"]}, connection_key="contract-cards")
    try:
        first = connector.send_cards([_draft("A"), _draft("B", attributes=())])
        wb.advance_clock(5)
        ids = {o.sku: o.remote_id for o in connector.card_outcomes(first)}
        update = connector.send_cards([_draft("A", name="Кастрюля 3 л", remote_id=ids["A"])])
        wb.advance_clock(5)
        connector.card_outcomes(update)
        prices = connector.push_prices([PriceUpdate("A", Decimal("1200"), ids["A"])])
        wb.price_delay_seconds = 0
        steep = connector.push_prices([PriceUpdate("A", Decimal("100"), ids["A"])])
        unchanged = connector.push_prices([PriceUpdate("A", Decimal("1200"), ids["A"])])
    finally:
        connector.close()
    assert ids["B"] is None and [p.status for p in (*prices, *steep, *unchanged)] == [
        "accepted", "quarantined", "accepted"]

    seen = _check(captured)
    assert {("POST", "/content/v2/cards/upload", 200), ("POST", "/content/v2/cards/update", 200),
            ("POST", "/content/v2/cards/error/list", 200), ("POST", "/content/v2/get/cards/list", 200),
            ("GET", "/content/v2/object/charcs/{subjectId}", 200), ("POST", "/api/v2/upload/task", 200),
            ("POST", "/api/v2/upload/task", 400), ("GET", "/api/v2/history/tasks", 200),
            ("GET", "/api/v2/buffer/tasks", 200), ("GET", "/api/v2/history/goods/task", 200)} <= seen


def test_the_emulators_refusals_208_and_quarantine_list_match_wbs_spec(env, sandbox, sandbox_state, captured):
    wb = sandbox_state.wildberries
    wb.price_delay_seconds = 60  # the upload stays in processing, so the same one again is a 208
    seller = seed_wildberries(wb, f"wb-{uuid.uuid4().hex}", offers=[{"vendor_code": "A"}])
    nm_id = seller["cards"][0]["nmID"]
    headers = {"Authorization": seller["token"]}
    content, prices = f"{sandbox.url}/wildberries/content", f"{sandbox.url}/wildberries/prices"
    variant = {"vendorCode": "A", "title": "Кастрюля"}
    with httpx.Client(headers=headers, timeout=10) as http:
        taken = http.post(f"{content}/content/v2/cards/upload", json=[{"subjectID": 1234, "variants": [variant]}])
        unknown = http.post(f"{content}/content/v2/cards/upload",
                            json=[{"subjectID": 999999, "variants": [{**variant, "vendorCode": "Z"}]}])
        body = {"data": [{"nmID": nm_id, "price": 500, "discount": 0}]}
        made, again = (http.post(f"{prices}/api/v2/upload/task", json=body) for _ in range(2))
        duplicate = http.post(f"{prices}/api/v2/upload/task", json={"data": body["data"] * 2})
        held = http.get(f"{prices}/api/v2/quarantine/goods", params={"limit": 10, "offset": 0})
        buffer = http.get(f"{prices}/api/v2/buffer/goods/task", params={"uploadID": made.json()["data"]["id"],
                                                                        "limit": 10})

    assert taken.json()["errorText"] == ("bad request; Unexpected the specified card's vendor code is used in other "
                                         "cards")
    assert (unknown.status_code, unknown.json()["errorText"]) == (400, "This category does not exist")
    assert (again.status_code, again.json()["data"]) == (208, {"id": made.json()["data"]["id"], "alreadyExists": True})
    assert duplicate.json()["errorText"] == "Duplicate item Nos."
    assert buffer.json()["data"]["bufferGoods"][0]["status"] == 1
    assert held.json()["data"]["quarantineGoods"] == []
    seen = _check(captured)
    assert {("POST", "/api/v2/upload/task", 208), ("GET", "/api/v2/quarantine/goods", 200),
            ("GET", "/api/v2/buffer/goods/task", 200)} <= seen
