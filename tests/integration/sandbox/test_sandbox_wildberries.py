"""The emulated Wildberries as WB's docs describe it: the token header, each host's error shapes, batch limits,
the 409 naming refused sizes, per-seller token buckets (a 409 costing 10), card paging and Moscow dates.
Every answer here is also checked against WB's YAML (SANDBOX_VALIDATE_CONTRACT=1)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.contract import find_specs_dir
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.wildberries.limits import STATISTICS, Limit
from marketsync.sandbox.wildberries.seed import seed_wildberries

MP, CONTENT, STATS = "/wildberries/marketplace", "/wildberries/content", "/wildberries/statistics"
ENVELOPE = {"title", "detail", "code", "requestId", "origin", "status", "statusText", "timestamp"}


@pytest.fixture(autouse=True)
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every answer against WB's spec files when they are at hand (always in CI)."""
    if find_specs_dir() is not None:
        monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")


@pytest.fixture
def seller(state: SandboxState) -> dict[str, Any]:
    """A seller «wb-token» with a warehouse and three cards: one without photos, one of two sizes, one trashed."""
    return seed_wildberries(state.wildberries, "wb-token", offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"], "photos": 0, "fbs": 3},
        {"vendor_code": "B", "sizes": [{"tech_size": "S", "barcodes": ["4600000000024"]},
                                       {"tech_size": "M", "barcodes": ["4600000000031"]}]},
        {"vendor_code": "OLD", "trashed": True}], start=datetime(2025, 3, 1, 22, 30, tzinfo=UTC))


def _auth(token: str = "wb-token") -> dict[str, str]:
    return {"Authorization": token}


def _put(client: TestClient, seller: dict[str, Any], stocks: Any, token: str = "wb-token") -> Any:
    return client.put(f"{MP}/api/v3/stocks/{seller['warehouse_ids'][0]}", json={"stocks": stocks},
                      headers=_auth(token))


def test_the_token_goes_raw_or_after_bearer_and_a_bad_one_gets_the_gateway_envelope(client, state, seller):
    raw = client.get(f"{MP}/api/v3/warehouses", headers=_auth())
    bearer = client.get(f"{MP}/api/v3/warehouses", headers=_auth("Bearer wb-token"))
    missing = client.get(f"{MP}/api/v3/warehouses")
    state.wildberries.revoke_token("wb-token")
    revoked = client.get(f"{MP}/api/v3/warehouses", headers=_auth())

    assert raw.status_code == bearer.status_code == 200
    assert [w["id"] for w in raw.json()] == seller["warehouse_ids"]
    for answer in (missing, revoked):
        assert answer.status_code == 401 and set(answer.json()) == ENVELOPE
        assert answer.json()["title"] == "unauthorized" and answer.json()["status"] == 401


def test_a_token_opens_only_the_hosts_of_its_categories(client, state):
    seed_wildberries(state.wildberries, "content-only", categories=["content"])

    cards = client.post(f"{CONTENT}/content/v2/get/cards/list", json={}, headers=_auth("content-only"))
    warehouses = client.get(f"{MP}/api/v3/warehouses", headers=_auth("content-only"))

    assert cards.status_code == 200
    assert warehouses.status_code == 401 and warehouses.json()["detail"] == "token scope not allowed"


def test_stock_updates_outside_the_documented_shape_are_refused_whole(client, state, seller):
    chrt = seller["cards"][0]["chrtIDs"][0]

    too_many = _put(client, seller, [{"chrtId": chrt, "amount": 1}] * 1001)
    empty = _put(client, seller, [])
    by_barcode = _put(client, seller, [{"sku": "4600000000017", "amount": 1}])
    negative = _put(client, seller, [{"chrtId": chrt, "amount": -1}])
    not_json = client.put(f"{MP}/api/v3/stocks/{seller['warehouse_ids'][0]}", content=b"{",
                          headers={**_auth(), "Content-Type": "application/json"})
    elsewhere = client.put(f"{MP}/api/v3/stocks/99", json={"stocks": [{"chrtId": chrt, "amount": 1}]},
                           headers=_auth())
    misspelt = _put(client, seller, [{"chrtID": chrt, "amount": 50}])

    assert (too_many.status_code, too_many.json()) == (400, {"code": "IncorrectRequest",
                                                            "message": "Переданы некорректные данные"})
    assert empty.status_code == negative.status_code == 400
    assert (by_barcode.status_code, by_barcode.json()["code"]) == (400, "SKUUploadDisabled")
    assert (not_json.status_code, not_json.json()["code"]) == (400, "IncorrectRequestBody")
    assert (elsewhere.status_code, elsewhere.json()) == (404, {"code": "NotFound", "message": ""})
    assert misspelt.status_code == 204  # names are not validated: nothing changes
    assert state.wildberries.fbs_amount("wb-token", seller["warehouse_ids"][0], chrt) == 3


def test_a_409_names_every_refused_size_and_applies_nothing(client, state, seller):
    a, (b_s, _b_m) = seller["cards"][0]["chrtIDs"][0], seller["cards"][1]["chrtIDs"]
    trashed = seller["cards"][2]["chrtIDs"][0]

    answer = _put(client, seller, [{"chrtId": a, "amount": 8}, {"chrtId": 5, "amount": 1},
                                   {"chrtId": trashed, "amount": 2}, {"chrtId": b_s, "amount": 100_001}])

    assert answer.status_code == 409
    assert answer.json() == [
        {"code": "NotFound", "message": "Not found", "data": [{"sku": "", "chrtId": 5, "amount": 1},
                                                              {"sku": "", "chrtId": trashed, "amount": 2}]},
        {"code": "UploadDataLimit", "message": "Upload limit exceeded.",
         "data": [{"sku": "", "chrtId": b_s, "amount": 100_001}]}]
    assert state.wildberries.fbs_amount("wb-token", seller["warehouse_ids"][0], a) == 3


def test_stock_reads_list_only_sizes_with_a_record_and_take_at_most_1000(client, seller):
    a, (b_s, _b_m) = seller["cards"][0]["chrtIDs"][0], seller["cards"][1]["chrtIDs"]
    url = f"{MP}/api/v3/stocks/{seller['warehouse_ids'][0]}"

    answer = client.post(url, json={"chrtIds": [a, b_s, 12345]}, headers=_auth())
    too_many = client.post(url, json={"chrtIds": list(range(1, 1002))}, headers=_auth())

    assert answer.json() == {"stocks": [{"chrtId": a, "amount": 3}]}
    assert too_many.status_code == 400


def test_a_409_costs_the_seller_ten_requests_of_the_stock_bucket(client, state, seller):
    def reads_until_refused() -> int:
        url = f"{MP}/api/v3/stocks/{seller['warehouse_ids'][0]}"
        for n in range(15):
            answer = client.post(url, json={"chrtIds": [1]}, headers=_auth())
            if answer.status_code == 429:
                assert answer.headers["X-Ratelimit-Limit"] == "20" and int(answer.headers["X-Ratelimit-Retry"]) >= 1
                return n
        return 15

    plain = reads_until_refused()
    state.wildberries.buckets.reset()
    assert _put(client, seller, [{"chrtId": 5, "amount": 1}]).status_code == 409
    after_conflict = reads_until_refused()

    assert plain == 15  # a burst of 20
    assert 9 <= after_conflict <= 12  # 20 - 1 - 9 more for the 409, plus what refilled meanwhile


def test_statistics_allow_one_request_a_minute_and_say_how_long_to_wait(client, state, seller):
    state.wildberries.limits[STATISTICS] = Limit(1, 1)

    first = client.get(f"{STATS}/api/v1/supplier/stocks", params={"dateFrom": "2019-06-20"}, headers=_auth())
    second = client.get(f"{STATS}/api/v1/supplier/stocks", params={"dateFrom": "2019-06-20"}, headers=_auth())

    assert first.status_code == 200
    assert second.status_code == 429 and set(second.json()) == ENVELOPE
    assert 55 <= int(second.headers["X-Ratelimit-Retry"]) <= 60 and "Retry-After" not in second.headers


def test_statistics_read_dates_as_moscow_time(client, state):
    state.wildberries.relax_limits()
    seed_wildberries(state.wildberries, "wb-token", start=datetime(2025, 3, 1, 22, 30, tzinfo=UTC), offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"], "fbo": [{"warehouse": "Коледино", "quantity": 5}]}])

    def rows(date_from: str | None) -> Any:
        params = {"dateFrom": date_from} if date_from is not None else {}
        return client.get(f"{STATS}/api/v1/supplier/stocks", params=params, headers=_auth())

    assert [r["lastChangeDate"] for r in rows("2025-03-02T01:00:00").json()] == ["2025-03-02T01:30:00"]
    assert rows("2025-03-02T02:00").json() == []
    assert len(rows("2025-03-01T22:00:00Z").json()) == 1  # an explicit offset is converted
    assert rows(None).json() == {"errors": ["dateFrom: field required"]}
    assert rows("yesterday").json() == {"errors": "dateFrom: Value not validated"}


def test_cards_list_pages_by_cursor_and_by_default_only_cards_without_photos(client, seller):
    def page(settings: dict[str, Any]) -> Any:
        return client.post(f"{CONTENT}/content/v2/get/cards/list", json={"settings": settings}, headers=_auth())

    default = page({})
    first = page({"cursor": {"limit": 1}, "filter": {"withPhoto": -1}, "sort": {"ascending": True}})
    cursor = first.json()["cursor"]
    second = page({"cursor": {"limit": 1, "updatedAt": cursor["updatedAt"], "nmID": cursor["nmID"]},
                   "filter": {"withPhoto": -1}, "sort": {"ascending": True}})
    too_big = page({"cursor": {"limit": 101}})

    assert [c["vendorCode"] for c in default.json()["cards"]] == ["A"]
    assert [c["vendorCode"] for c in first.json()["cards"]] == ["A"] and cursor["total"] == 1
    assert [c["vendorCode"] for c in second.json()["cards"]] == ["B"]
    assert [s["techSize"] for s in second.json()["cards"][0]["sizes"]] == ["S", "M"]
    assert too_big.status_code == 400 and too_big.json()["error"] is True


def test_an_injected_429_looks_like_wbs(client, state, seller):
    state.faults.configure("wildberries", rate=1, kinds=["429"], retry_after=3, max_faults=1)

    limited = client.get(f"{MP}/api/v3/warehouses", headers=_auth())
    again = client.get(f"{MP}/api/v3/warehouses", headers=_auth())

    assert limited.status_code == 429 and limited.headers["X-Ratelimit-Retry"] == "3"
    assert limited.json()["title"] == "too many requests"
    assert again.status_code == 200


def test_the_control_api_seeds_dumps_and_revokes(client):
    seeded = client.post("/_control/wildberries/seed", json={
        "token": "wb-control", "warehouses": [{"name": "Склад"}],
        "offers": [{"vendor_code": "A", "barcodes": ["4600000000017"], "fbs": 4}]}).json()

    dump = client.get("/_control/state", params={"service": "wildberries", "token": "wb-control"}).json()
    warehouse, chrt = seeded["warehouse_ids"][0], seeded["cards"][0]["chrtIDs"][0]
    client.post(f"/_control/wildberries/warehouses/{warehouse}/processing", json={"token": "wb-control"})
    processing = client.put(f"{MP}/api/v3/stocks/{warehouse}", json={"stocks": [{"chrtId": chrt, "amount": 1}]},
                            headers=_auth("wb-control"))
    client.post("/_control/wildberries/tokens/wb-control/stock-blocked", json={"blocked": True})
    blocked = client.put(f"{MP}/api/v3/stocks/{warehouse}", json={"stocks": [{"chrtId": chrt, "amount": 1}]},
                         headers=_auth("wb-control"))
    client.post("/_control/wildberries/tokens/wb-control/revoke")

    assert dump["cards"][0]["vendorCode"] == "A"
    assert dump["fbs"] == [{"warehouseId": seeded["warehouse_ids"][0], "chrtId": seeded["cards"][0]["chrtIDs"][0],
                            "amount": 4}]
    assert processing.status_code == 409 and processing.json()[0]["code"] == "StoreIsProcessing"
    assert blocked.status_code == 406 and blocked.json()["code"] == "StatusNotAcceptable"
    assert client.get(f"{MP}/api/v3/warehouses", headers=_auth("wb-control")).status_code == 401


def test_the_demo_seller_matches_the_evotor_catalog_by_key_by_barcode_and_not_at_all(client):
    creds = client.post("/_control/seed", json={"products": 300}).json()
    evotor = client.get("/_control/state", params={"service": "evotor", "token": creds["evotor_token"]}).json()
    wb = client.get("/_control/state", params={"service": "wildberries", "token": creds["wb_token"]}).json()
    again = client.post("/_control/seed", json={"products": 300}).json()

    ours = evotor["stores"][0]["products"]
    codes = {p["code"] for p in ours if p.get("code")}
    barcodes = {b for p in ours for b in p.get("barcodes", [])}
    listed = [c for c in wb["cards"] if not c["trashed"]]
    by_key = [c for c in listed if c["vendorCode"] in codes]
    by_barcode = [c for c in listed if c["vendorCode"] not in codes
                  and all(set(s["skus"]) <= barcodes and s["skus"] for s in c["sizes"])]
    foreign = [c for c in listed if c not in by_key and c not in by_barcode]
    assert len(by_key) == 40 and len(by_barcode) == 7 and len(foreign) == 5
    assert [len(c["sizes"]) for c in by_barcode].count(3) == 1  # the card of three sizes, one barcode of ours each
    assert [c["vendorCode"] in codes for c in wb["cards"] if c["trashed"]] == [True]
    assert creds["wb_warehouse_id"] in [w["id"] for w in wb["warehouses"]] and len(wb["warehouses"]) == 2
    assert wb["fbo"] and again["wb_token"] == creds["wb_token"]
