"""/_control: reset, seeding the demo world, state dumps, payment and token switches, request counters."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from marketsync.sandbox.state import SandboxState, default_state


def test_seed_loads_a_deterministic_demo_catalog(client: TestClient, state: SandboxState) -> None:
    first = client.post("/_control/seed", json={"products": 300}).json()
    assert {"evotor_token", "evotor_user_id", "vk_token", "vk_group_id", "ym_token", "ym_campaign_id", "wb_token",
            "wb_warehouse_id", "ozon_client_id", "ozon_api_key", "ozon_warehouse_id", "telegram_bot_token",
            "telegram_chat_id"} <= set(first)
    bot = client.get("/_control/state", params={"service": "telegram", "token": first["telegram_bot_token"]}).json()
    assert [chat["id"] for chat in bot["chats"]] == [first["telegram_chat_id"]]  # the demo's operator chat
    dump = client.get("/_control/state", params={"service": "evotor", "token": first["evotor_token"]}).json()
    names = [store["name"] for store in dump["stores"]]
    assert names == ["Магазин на Ленина", "Продукты у дома", "Лавка на Садовой"]
    assert sum(store["products_count"] for store in dump["stores"]) == 300
    assert sum(store["groups_count"] for store in dump["stores"]) == 40
    products = [p for store in dump["stores"] for p in store["products"]]
    assert {"Чай", "Сок"} <= {p["name"] for p in products}
    assert any("parent_id" not in p for p in products) and any(not p["allow_to_sell"] for p in products)
    assert {p["measure_name"] for p in products} <= {"шт", "кг", "л", "уп"}
    again = client.post("/_control/seed", json={"products": 300}).json()
    assert again == first
    redump = client.get(
        "/_control/state", params={"service": "evotor", "token": first["evotor_token"]}
    ).json()
    assert redump == dump


def test_seeded_vk_community_has_an_empty_enabled_market(client: TestClient) -> None:
    creds = client.post("/_control/seed", json={"products": 10}).json()
    dump = client.get("/_control/state", params={"service": "vk", "token": creds["vk_token"]}).json()
    assert dump["groups"][0]["id"] == creds["vk_group_id"]
    assert dump["groups"][0]["market_enabled"] is True and dump["groups"][0]["items_count"] == 0


def test_reset_forgets_everything(client: TestClient, state: SandboxState, evotor: Any) -> None:
    assert client.post("/_control/reset").json() == {"ok": True}
    assert client.get("/evotor/stores", headers=evotor.headers()).status_code == 401
    assert client.get("/_control/state", params={"service": "evotor"}).json() == {"tokens": {}}


def test_unpaid_and_revoke_switches(client: TestClient, evotor: Any) -> None:
    url = f"/_control/evotor/stores/{evotor.store_id}/unpaid"
    assert client.post(url, json={"token": evotor.token, "unpaid": True}).status_code == 200
    products = f"/evotor/stores/{evotor.store_id}/products"
    assert client.get(products, headers=evotor.headers()).status_code == 402
    client.post(url, json={"token": evotor.token, "unpaid": False})
    assert client.get(products, headers=evotor.headers()).status_code == 200
    assert client.post(f"/_control/evotor/tokens/{evotor.token}/revoke").status_code == 200
    assert client.get(products, headers=evotor.headers()).status_code == 401
    assert client.post(url, json={"token": evotor.token}).status_code == 401


def test_vk_market_switch_and_token_revocation(client: TestClient, vk: Any) -> None:
    assert client.post("/_control/vk/groups/777/market", json={"enabled": False}).status_code == 200
    assert vk.call("market.get", owner_id=vk.owner_id)["error"]["error_code"] == 1438
    client.post("/_control/vk/groups/777/market", json={"enabled": True})
    assert "response" in vk.call("market.get", owner_id=vk.owner_id)
    assert client.post("/_control/vk/groups/1/market", json={}).status_code == 404
    client.post(f"/_control/vk/tokens/{vk.token}/revoke")
    assert vk.call("market.get", owner_id=vk.owner_id)["error"]["error_code"] == 5


def test_stats_count_every_request_by_method_and_writes(client: TestClient, vk: Any, evotor: Any) -> None:
    client.get("/evotor/stores", headers=evotor.headers())
    client.get("/evotor/stores", headers={"Authorization": "Bearer wrong"})
    client.post(f"/evotor/stores/{evotor.store_id}/products", headers=evotor.headers(), json={"name": "Хлеб"})
    vk.call("market.getAlbums", owner_id=vk.owner_id)
    vk.call("market.addAlbum", owner_id=vk.owner_id, title="Хлеб")
    stats = client.get("/_control/stats").json()
    assert stats["evotor"] == {
        "requests": 3,
        "by_method": {"GET /stores": 2, "POST /stores/{store_id}/products": 1},
        "writes": 1,
        "limited": 0,
    }
    assert stats["vk"] == {
        "requests": 2,
        "by_method": {"market.addAlbum": 1, "market.getAlbums": 1},
        "writes": 1,
        "limited": 0,
    }
    reset = client.post("/_control/stats/reset").json()
    assert reset["vk"]["requests"] == reset["evotor"]["requests"] == 0


def test_state_dump_rejects_unknown_service_and_token(client: TestClient) -> None:
    assert client.get("/_control/state", params={"service": "nope"}).status_code == 400
    assert client.get("/_control/state", params={"service": "vk", "token": "nope"}).status_code == 404


def test_default_state_is_one_per_process() -> None:
    assert default_state() is default_state()
