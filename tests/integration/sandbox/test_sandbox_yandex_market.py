"""The Yandex Market emulator speaks the documented protocol: Api-Key auth, the error envelope, token paging,
request bodies checked against the spec, the 2,000-SKU maximum, per-key limits with 420, all-or-nothing
stock updates, the control API and the demo business derived from the demo Evotor catalog."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.yandex_market.limits import Limit
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

KEY = {"Api-Key": "ym-key"}
STOCKS = "/yandex_market/v2/campaigns/20/offers/stocks"


def _seed(state: SandboxState, offers: int = 5) -> None:
    seed_yandex_market(state.yandex_market, "ym-key", business_id=10, campaign_id=20, warehouse_id=30,
                       offers=[{"offer_id": f"A{n}", "name": f"Товар {n}", "stock": n} for n in range(offers)])


def _error(answer: Any) -> tuple[int, str, str]:
    body = answer.json()
    assert body["status"] == "ERROR"
    return answer.status_code, body["errors"][0]["code"], body["errors"][0]["message"]


def test_a_missing_key_is_401_and_a_wrong_or_revoked_one_403(state: SandboxState, client: TestClient):
    _seed(state)
    assert _error(client.get("/yandex_market/v2/campaigns/20"))[:2] == (401, "UNAUTHORIZED")
    assert _error(client.get("/yandex_market/v2/campaigns/20", headers={"Api-Key": "nope"}))[:2] == \
        (403, "FORBIDDEN")
    state.yandex_market.revoke_token("ym-key")
    assert client.get("/yandex_market/v2/campaigns/20", headers=KEY).status_code == 403


def test_another_business_shop_is_403_and_an_unknown_one_404(state: SandboxState, client: TestClient):
    _seed(state)
    seed_yandex_market(state.yandex_market, "other-key", business_id=11, campaign_id=21, warehouse_id=31)
    assert client.get("/yandex_market/v2/campaigns/21", headers=KEY).status_code == 403
    assert _error(client.get("/yandex_market/v2/campaigns/99", headers=KEY))[:2] == (404, "NOT_FOUND")
    campaign = client.get("/yandex_market/v2/campaigns/20", headers=KEY).json()["campaign"]
    assert (campaign["business"]["id"], campaign["placementType"]) == (10, "FBS")


def test_stocks_page_by_token_and_a_forged_token_or_limit_over_200_is_400(state: SandboxState, client: TestClient):
    _seed(state)
    first = client.post(f"{STOCKS}?limit=3", headers=KEY, json={}).json()["result"]
    token = first["paging"]["nextPageToken"]
    second = client.post(f"{STOCKS}?limit=3&page_token={token}", headers=KEY, json={}).json()["result"]

    assert [o["offerId"] for o in first["warehouses"][0]["offers"]] == ["A0", "A1", "A2"]
    assert [o["offerId"] for o in second["warehouses"][0]["offers"]] == ["A3", "A4"]
    assert "nextPageToken" not in second["paging"]
    assert _error(client.post(f"{STOCKS}?pageToken=forged", headers=KEY, json={}))[0] == 400
    assert _error(client.post(f"{STOCKS}?limit=201", headers=KEY, json={}))[0] == 400


def test_offer_mappings_truncate_a_limit_over_100_as_the_spec_says(state: SandboxState, client: TestClient):
    _seed(state, offers=3)
    answer = client.post("/yandex_market/v2/businesses/10/offer-mappings?limit=500", headers=KEY, json={})
    assert answer.status_code == 200 and len(answer.json()["result"]["offerMappings"]) == 3


def test_update_stocks_refuses_bad_bodies_and_unknown_skus_applying_nothing(state: SandboxState,
                                                                              client: TestClient):
    _seed(state, offers=2)
    over = {"skus": [{"sku": f"A{n}", "items": [{"count": 1}]} for n in range(2001)]}
    two_items = {"skus": [{"sku": "A0", "items": [{"count": 1}, {"count": 2}]}]}
    duplicate = {"skus": [{"sku": "A0", "items": [{"count": 1}]}, {"sku": "A0", "items": [{"count": 2}]}]}
    unknown = {"skus": [{"sku": "A0", "items": [{"count": 50}]}, {"sku": "X9", "items": [{"count": 1}]}]}

    for body in (over, two_items, duplicate):
        assert _error(client.put(STOCKS, headers=KEY, json=body))[:2] == (400, "BAD_REQUEST")
    status, _code, message = _error(client.put(STOCKS, headers=KEY, json=unknown))

    assert status == 400 and "X9" in message
    assert state.yandex_market.stock(20, 30, "A0").available == 0, "a refused request applies nothing"
    ok = client.put(STOCKS, headers=KEY, json={"skus": [{"sku": "A1", "items": [{"count": 8}]}]})
    assert ok.json() == {"status": "OK"} and state.yandex_market.stock(20, 30, "A1").available == 8


def test_the_sku_limit_per_minute_answers_420_with_the_resource_headers(state: SandboxState, client: TestClient):
    _seed(state, offers=3)
    state.yandex_market.limits["updateStocks"] = Limit(2, 60)
    body = {"skus": [{"sku": "A0", "items": [{"count": 1}]}, {"sku": "A1", "items": [{"count": 1}]}]}

    assert client.put(STOCKS, headers=KEY, json=body).status_code == 200
    refused = client.put(STOCKS, headers=KEY, json={"skus": [{"sku": "A2", "items": [{"count": 1}]}]})

    assert _error(refused)[:2] == (420, "LIMIT_EXCEEDED")
    assert refused.headers["X-RateLimit-Resource-Limit"] == "2"
    assert refused.headers["X-RateLimit-Resource-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Resource-Until"].endswith("GMT")
    assert state.yandex_market.stock(20, 30, "A2").available == 2, "a refused request applies nothing"


def test_control_api_seeds_dumps_and_revokes(state: SandboxState, client: TestClient):
    seeded = client.post("/_control/yandex_market/seed", json={
        "token": "ctl-key", "business_id": 1, "campaign_id": 2, "warehouse_id": 3, "fby_campaign_id": 4,
        "fby_warehouses": {"145": "Софьино"},
        "offers": [{"offer_id": "P1", "name": "Чай", "stock": 4, "fbo": {"145": 6}}]}).json()
    dump = client.get("/_control/state", params={"service": "yandex_market", "token": "ctl-key"}).json()

    assert seeded["ym_campaign_id"] == 2
    assert [o["offerId"] for o in dump["offers"]] == ["P1"]
    assert sorted((s["warehouseId"], s["available"]) for s in dump["stocks"]) == [(3, 4), (145, 6)]
    assert client.post("/_control/yandex_market/tokens/ctl-key/revoke").json() == {"ok": True}
    assert client.get("/yandex_market/v2/campaigns/2", headers={"Api-Key": "ctl-key"}).status_code == 403


def test_the_demo_business_mirrors_the_demo_catalog_by_code_barcode_and_has_foreign_offers(state: SandboxState):
    credentials = state.seed(products=200)
    dump = state.dump("yandex_market", credentials["ym_token"])
    store = state.evotor.stores(credentials["evotor_token"])[0]
    products = state.evotor.products(credentials["evotor_token"], store.id, require_paid=False)
    codes = {p.code for p in products if p.code}
    barcodes = {b for p in products for b in p.barcodes}

    by_code = [o for o in dump["offers"] if o["offerId"] in codes]
    by_barcode = [o for o in dump["offers"] if o["offerId"] not in codes and set(o["barcodes"]) & barcodes]
    foreign = [o for o in dump["offers"] if o["offerId"] not in codes and not set(o["barcodes"]) & barcodes]
    assert len(by_code) > len(by_barcode) > 0 and len(foreign) == 12
    assert any(o["archived"] for o in dump["offers"])
    assert {c["placement"] for c in dump["campaigns"]} == {"FBS", "FBY"}
    assert state.seed(products=200) == credentials, "the same seed gives the same business"


def test_a_shop_with_a_warehouse_group_sets_every_warehouse_of_it(state: SandboxState, client: TestClient):
    ym = state.yandex_market
    ym.add_business("grp-key", 50)
    ym.add_campaign(50, 60, warehouses={61: "Склад 1", 62: "Склад 2"})
    ym.add_offer(50, "G1", "Товар")

    answer = client.put("/yandex_market/v2/campaigns/60/offers/stocks", headers={"Api-Key": "grp-key"},
                        json={"skus": [{"sku": "G1", "items": [{"count": 5}]}]})
    stocks = client.post("/yandex_market/v2/campaigns/60/offers/stocks", headers={"Api-Key": "grp-key"},
                         json={"offerIds": ["G1"]}).json()["result"]["warehouses"]

    assert answer.status_code == 200
    assert [(w["warehouseId"], w["offers"][0]["stocks"]) for w in stocks] == [
        (61, [{"type": "FIT", "count": 5}, {"type": "AVAILABLE", "count": 5}]),
        (62, [{"type": "FIT", "count": 5}, {"type": "AVAILABLE", "count": 5}])]
