"""The emulated Ozon Seller API as a client sees it: auth answers, paging, maxima, limits, per-pair errors,
tenants, faults, control switches and the demo seller; every answer is checked against ozon/swagger.json."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.ozon.seed import OfferSeed
from marketsync.sandbox.state import SandboxState
from ozon_world import DISABLED, OURS, SECOND, OzonWorld, seed_seller

STOCKS = "/ozon/v2/products/stocks"


@pytest.fixture(autouse=True)
def _validate_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    # An answer of ours that breaks the spec becomes a 500 {"sandbox_contract_violation": ...}.
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")


@pytest.fixture
def world(state: SandboxState) -> OzonWorld:
    return seed_seller(state, offers=5, extra=[OfferSeed("OLD-1", "Архивный", archived=True)])


def _post(client: TestClient, path: str, body: Any, world: OzonWorld | None, **headers: str) -> Any:
    auth = {"Client-Id": world.client_id, "Api-Key": world.api_key} if world else {}
    return client.post(f"/ozon{path}", json=body, headers={**auth, **headers})


def _error(response: Any) -> tuple[int, int, str]:
    body = response.json()
    assert body["details"] == []
    return response.status_code, body["code"], body["message"]


def test_auth_failures_answer_as_ozon_does(client: TestClient, state: SandboxState, world: OzonWorld) -> None:
    other = seed_seller(state, offers=1, api_key="other-sellers-key-0001")
    path = "/v1/warehouse/list"

    assert _error(client.post("/ozon" + path, json={})) == (401, 16, "Client-Id and Api-Key headers are required")
    assert _error(_post(client, path, {}, world, **{"Client-Id": "abc"})) == \
        (400, 3, "Client-Id header value should be positive integer")
    assert _error(_post(client, path, {}, world, **{"Api-Key": "nope"})) == \
        (404, 5, "Invalid Api-Key, please check the key and try again")
    assert _error(_post(client, path, {}, world, **{"Api-Key": other.api_key}))[:2] == (404, 5)
    client.post(f"/_control/ozon/keys/{world.api_key}/revoke", json={})
    assert _error(_post(client, path, {}, world)) == \
        (403, 7, "Api-key is deactivated, use another one or generate a new one")
    client.post(f"/_control/ozon/sellers/{other.client_id}/offer", json={"signed": False})
    assert _error(_post(client, path, {}, other)) == (403, 7, "Offer not signed")


def test_warehouse_list_shows_every_warehouse_with_its_status(client: TestClient, world: OzonWorld) -> None:
    answer = _post(client, "/v1/warehouse/list", {}, world).json()["result"]
    assert [(w["warehouse_id"], w["status"]) for w in answer] == [(OURS, "created"), (SECOND, "created"),
                                                                  (DISABLED, "disabled")]


def test_product_list_pages_by_last_id_with_archived_offers_under_all(client: TestClient, world: OzonWorld) -> None:
    seen, last_id, totals = [], "", set()
    for _ in range(4):
        result = _post(client, "/v3/product/list", {"filter": {"visibility": "ALL"}, "last_id": last_id,
                                                    "limit": 2}, world).json()["result"]
        seen.append([item["offer_id"] for item in result["items"]])
        totals.add(result["total"])
        last_id = result["last_id"]
    assert seen == [["A-1", "A-2"], ["A-3", "A-4"], ["A-5", "OLD-1"], []]
    assert totals == {6} and last_id == ""
    archived = _post(client, "/v3/product/list", {"filter": {"visibility": "ARCHIVED"}, "limit": 10}, world).json()
    assert [(i["offer_id"], i["archived"]) for i in archived["result"]["items"]] == [("OLD-1", True)]
    visible = _post(client, "/v3/product/list", {"filter": {"visibility": "VISIBLE"}, "limit": 10}, world).json()
    assert "OLD-1" not in [i["offer_id"] for i in visible["result"]["items"]]


@pytest.mark.parametrize("limit", [0, 1001])
def test_product_list_limit_outside_1_to_1000_is_refused(client: TestClient, world: OzonWorld, limit: int) -> None:
    assert _error(_post(client, "/v3/product/list", {"limit": limit}, world))[:2] == (400, 3)


def test_product_info_takes_at_most_1000_ids_and_leaves_unknown_ones_out(client: TestClient,
                                                                        world: OzonWorld) -> None:
    too_many = {"offer_id": [f"X-{n}" for n in range(999)], "product_id": ["1", "2"]}
    assert _error(_post(client, "/v3/product/info/list", too_many, world))[:2] == (400, 3)
    items = _post(client, "/v3/product/info/list", {"offer_id": ["A-2", "NOPE"]}, world).json()["items"]
    assert [(i["offer_id"], i["barcodes"], i["name"]) for i in items] == [("A-2", ["4600000000002"], "Товар 2")]
    assert items[0]["sku"] > 0 and items[0]["id"] != items[0]["sku"]


def test_fbs_rows_per_seller_warehouse_count_reserved_in_present(client: TestClient, world: OzonWorld) -> None:
    sku = _post(client, "/v3/product/info/list", {"offer_id": ["A-1", "A-2"]}, world).json()["items"]
    rows = _post(client, "/v1/product/info/stocks-by-warehouse/fbs", {"sku": [str(i["sku"]) for i in sku]},
                 world).json()["result"]
    assert sorted((r["warehouse_id"], r["present"], r["reserved"]) for r in rows) == \
        [(OURS, 1, 0), (OURS, 2, 1), (SECOND, 101, 0)]


def test_analytics_stocks_takes_1_to_100_skus(client: TestClient, world: OzonWorld) -> None:
    assert _error(_post(client, "/v1/analytics/stocks", {"skus": [str(n) for n in range(1, 102)]}, world))[:2] \
        == (400, 3)
    assert _error(_post(client, "/v1/analytics/stocks", {}, world))[:2] == (400, 3)  # skus is required


def test_more_than_100_pairs_is_refused_whole_and_nothing_changes(client: TestClient, state: SandboxState,
                                                                 world: OzonWorld) -> None:
    pairs = [{"offer_id": "A-1", "stock": n, "warehouse_id": OURS} for n in range(101)]
    status, code, message = _error(_post(client, "/v2/products/stocks", {"stocks": pairs}, world))
    assert (status, code) == (400, 3) and "at most 100" in message
    assert state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (1, 0)


def test_a_pair_without_a_warehouse_is_the_documented_validation_error(client: TestClient,
                                                                      world: OzonWorld) -> None:
    pairs = [{"offer_id": "A-1", "stock": 1, "warehouse_id": OURS}, {"offer_id": "A-2", "stock": 1}]
    assert _error(_post(client, "/v2/products/stocks", {"stocks": pairs}, world)) == (
        400, 3, "Request validation error: invalid ProductsStocksRequest.Stocks[1]: embedded message failed validation")


def test_a_field_of_the_wrong_type_is_refused_by_the_spec(client: TestClient, world: OzonWorld) -> None:
    pairs = [{"offer_id": "A-1", "stock": "many", "warehouse_id": OURS}]
    status, code, message = _error(_post(client, "/v2/products/stocks", {"stocks": pairs}, world))
    assert (status, code) == (400, 3) and "stocks/0/stock" in message


def test_per_pair_refusals_ride_in_a_200_in_request_order(client: TestClient, state: SandboxState) -> None:
    world = seed_seller(state, offers=2, extra=[OfferSeed("MOD-1", price_sent=False)])
    pairs = [{"offer_id": "A-1", "stock": 4, "warehouse_id": OURS},
             {"offer_id": "A-1", "stock": 5, "warehouse_id": OURS},  # the same pair again at once
             {"offer_id": "A-2", "stock": 4, "warehouse_id": DISABLED},
             {"offer_id": "MOD-1", "stock": 4, "warehouse_id": OURS},
             {"product_id": 1, "stock": 4, "warehouse_id": OURS}]
    result = _post(client, "/v2/products/stocks", {"stocks": pairs}, world).json()["result"]
    assert [(r["updated"], [e["code"] for e in r["errors"]]) for r in result] == [
        (True, []), (False, ["TOO_MANY_REQUESTS"]), (False, ["WAREHOUSE_NOT_FOUND"]),
        (False, ["PRICE_IS_NOT_SENT"]), (False, ["NOT_FOUND_ERROR"])]
    assert result[0]["product_id"] > 0 and result[0]["warehouse_id"] == OURS


def test_a_pair_may_be_addressed_by_product_id(client: TestClient, state: SandboxState, world: OzonWorld) -> None:
    product_id = _post(client, "/v3/product/info/list", {"offer_id": ["A-3"]}, world).json()["items"][0]["id"]
    pairs = [{"product_id": product_id, "stock": 11, "warehouse_id": SECOND}]
    result = _post(client, "/v2/products/stocks", {"stocks": pairs}, world).json()["result"]
    assert result[0]["updated"] and result[0]["offer_id"] == "A-3"
    assert state.ozon.fbs_stock(int(world.client_id), "A-3", SECOND) == (11, 0)


def test_sellers_see_and_change_only_their_own_offers(client: TestClient, state: SandboxState,
                                                     world: OzonWorld) -> None:
    other = seed_seller(state, offers=0, api_key="other-sellers-key-0001",
                        extra=[OfferSeed("B-1", "Чужой товар", fbs={OURS: 3})])
    listed = _post(client, "/v3/product/list", {"limit": 100}, other).json()["result"]
    assert [i["offer_id"] for i in listed["items"]] == ["B-1"] and listed["total"] == 1
    result = _post(client, "/v2/products/stocks", {"stocks": [{"offer_id": "A-1", "stock": 9,
                                                               "warehouse_id": OURS}]}, other).json()["result"]
    assert result[0]["errors"][0]["code"] == "offer_id_not_found"
    assert state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (1, 0)


def test_the_per_second_limit_answers_429_code_8_with_retry_after(client: TestClient, state: SandboxState,
                                                                 world: OzonWorld) -> None:
    state.ozon.requests_per_second = 3
    statuses = [_post(client, "/v1/warehouse/list", {}, world) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert _error(statuses[-1]) == (429, 8, "You have reached request rate limit per second")
    assert statuses[-1].headers["Retry-After"] == "1"


def test_stock_updates_are_limited_per_minute_and_the_window_passes(client: TestClient, state: SandboxState,
                                                                   world: OzonWorld) -> None:
    state.ozon.stock_updates_per_minute = 2
    body = {"stocks": [{"offer_id": "A-1", "stock": 1, "warehouse_id": OURS}]}
    answers = [_post(client, "/v2/products/stocks", body, world) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert _post(client, "/v1/warehouse/list", {}, world).status_code == 200, "reads are not in that budget"
    state.ozon.advance(60)
    assert _post(client, "/v2/products/stocks", body, world).status_code == 200


def test_faults_render_ozons_429_a_bare_one_and_lost_answers(client: TestClient, state: SandboxState,
                                                            world: OzonWorld) -> None:
    state.faults.configure("ozon", rate=1, kinds=["429"], retry_after=3, max_faults=1)
    first = _post(client, "/v1/warehouse/list", {}, world)
    assert _error(first)[:2] == (429, 8) and first.headers["Retry-After"] == "3"
    state.faults.configure("ozon", rate=1, kinds=["http429"], retry_after=2, max_faults=1)
    assert _post(client, "/v1/warehouse/list", {}, world).headers["Retry-After"] == "2"
    state.faults.configure("ozon", rate=1, kinds=["lost_write"], max_faults=1)
    body = {"stocks": [{"offer_id": "A-1", "stock": 33, "warehouse_id": OURS}]}
    assert _post(client, "/v2/products/stocks", body, world).status_code == 502
    assert state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (33, 0)


def test_circle_is_open_blocks_a_method_for_the_calls_asked(client: TestClient, world: OzonWorld) -> None:
    client.post("/_control/ozon/circle", json={"path": "/v3/product/list", "requests": 1})
    assert _error(_post(client, "/v3/product/list", {"limit": 1}, world)) == (400, 3, "Circle is open")
    assert _post(client, "/v3/product/list", {"limit": 1}, world).status_code == 200


def test_unknown_paths_answer_ozons_404(client: TestClient, world: OzonWorld) -> None:
    assert _error(_post(client, "/v3/product/stocks", {}, world)) == (404, 5, "Not Found")


def test_control_seeds_a_seller_and_dumps_its_stock(client: TestClient) -> None:
    seeded = client.post("/_control/ozon/seed", json={
        "client_id": 4242, "api_key": "seeded-key-0001", "warehouses": [[501, "Склад"], [502, "Запасной"]],
        "offers": [{"offer_id": "S-1", "barcodes": ["4601"], "fbs": {"501": [5, 2]}, "fbo": {"15431806189000": 7}}],
    }).json()
    assert seeded == {"client_id": "4242", "api_key": "seeded-key-0001", "warehouse_id": "501", "offers": 1}
    dump = client.get("/_control/state", params={"service": "ozon", "token": "seeded-key-0001"}).json()
    assert dump["offers"][0]["fbs"] == {"501": {"present": 5, "reserved": 2}}
    assert dump["offers"][0]["fbo"] == {"15431806189000": 7}
    summary = client.get("/_control/state", params={"service": "ozon"}).json()
    assert summary["sellers"]["4242"]["fbs_records"] == 1


def test_the_demo_seller_matches_the_demo_catalog_by_key_by_barcode_or_not_at_all() -> None:
    state = SandboxState()
    creds = state.seed(products=300)
    keys, barcodes = set(), set()
    for store in state.evotor.stores(creds["evotor_token"]):
        for product in state.evotor.products(creds["evotor_token"], store.id):
            keys.add(product.article_number or product.code)
            barcodes.update(product.barcodes)
    dump = state.dump("ozon", creds["ozon_api_key"])

    offers = dump["offers"]
    by_key = [o for o in offers if o["offer_id"] in keys]
    by_barcode = [o for o in offers if o["offer_id"] not in keys and set(o["barcodes"]) & barcodes]
    foreign = [o for o in offers if o["offer_id"] not in keys and not set(o["barcodes"]) & barcodes]
    assert len(by_key) > 5 * len(by_barcode) > 0 and foreign
    assert any(o["archived"] for o in offers) and any(not o["price_sent"] for o in offers)
    assert dump["client_id"] == creds["ozon_client_id"]
    assert [w["status"] for w in dump["warehouses"]] == ["created", "created", "disabled"]
    assert str(dump["warehouses"][0]["warehouse_id"]) == creds["ozon_warehouse_id"]
    assert sum(creds["ozon_warehouse_id"] in o["fbs"] for o in offers) > len(offers) / 2
    assert any(o["fbo"] for o in offers)
    again = SandboxState()
    assert again.seed(products=300) == creds and again.dump("ozon", creds["ozon_api_key"]) == dump


def test_control_changes_limits_and_moves_the_clock(client: TestClient, world: OzonWorld) -> None:
    body = {"stocks": [{"offer_id": "A-1", "stock": 2, "warehouse_id": OURS}]}
    assert _post(client, "/v2/products/stocks", body, world).json()["result"][0]["updated"]
    assert not _post(client, "/v2/products/stocks", body, world).json()["result"][0]["updated"]
    assert client.post("/_control/ozon/clock/advance", json={"seconds": 30}).status_code == 200
    assert _post(client, "/v2/products/stocks", body, world).json()["result"][0]["updated"]
    limits = client.post("/_control/ozon/limits", json={"pair_interval_s": 0, "requests_per_second": None}).json()
    assert limits == {"requests_per_second": None, "stock_updates_per_minute": 80, "pair_interval_s": 0.0,
                      "import_processing_s": 3.0}
    assert _post(client, "/v2/products/stocks", body, world).json()["result"][0]["updated"]
    assert client.post("/_control/ozon/limits", json={"burst": 5}).status_code == 400
    assert client.post(f"/_control/ozon/keys/{world.api_key}/revoke", json={"message": "whatever"}).status_code == 400
