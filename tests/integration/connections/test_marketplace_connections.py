"""The marketplaces on /connections: Ozon, Wildberries and Yandex Market credentials checked live against the
sandbox before anything is stored; a refused key saves nothing and says why; keys are never shown back."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import submit
from marketsync.connections.models import Connection
from marketsync.connections.service import credentials_of
from marketsync.db import session_scope
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sandbox.yandex_market.seed import seed_yandex_market
from ozon_world import SECOND, seed_seller


def _stored(engine: Engine) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """system → (settings in clear, decrypted credentials)."""
    with session_scope(engine) as session:
        return {c.system: (dict(c.settings), credentials_of(c)) for c in session.scalars(select(Connection))}


def test_the_page_offers_the_three_marketplaces_in_russian_and_english(client: TestClient, seller: int) -> None:
    page = client.get("/connections")
    client.get("/lang/en?next=/connections")
    english = client.get("/connections")

    assert page.text.count("Не подключено") == 5
    for action in ("/connections/ozon", "/connections/wildberries", "/connections/yandex_market"):
        assert f'action="{action}"' in page.text
    assert "Яндекс Маркет" in page.text and "Номер склада FBS" in page.text
    assert "Yandex Market" in english.text and "FBS warehouse id" in english.text
    assert english.text.count("Not connected") == 5


def test_ozon_is_saved_after_a_good_check_and_its_key_never_shown(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    world = seed_seller(sandbox_state, offers=1)

    response = submit(client, "/connections/ozon", {"client_id": world.client_id, "api_key": world.api_key,
                                                    "warehouse_id": world.warehouse_id})

    assert response.status_code == 303, response.text
    settings, creds = _stored(sqlite_engine)["ozon"]
    assert settings == {"client_id": world.client_id, "warehouse_id": world.warehouse_id}
    assert creds["api_key"] == world.api_key
    page = client.get("/connections").text
    assert "Ozon подключён. Ozon: склад «Склад на Ленина»" in page
    assert world.api_key not in page and "…abcd" in page and world.client_id in page


def test_ozon_with_a_wrong_key_saves_nothing_and_says_why(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    world = seed_seller(sandbox_state, offers=1)

    wrong_key = submit(client, "/connections/ozon", {"client_id": world.client_id, "api_key": "not-the-key-0000",
                                                     "warehouse_id": world.warehouse_id})
    wrong_warehouse = submit(client, "/connections/ozon", {"client_id": world.client_id, "api_key": world.api_key,
                                                           "warehouse_id": "4242"})
    not_a_number = submit(client, "/connections/ozon", {"client_id": "my shop", "api_key": world.api_key,
                                                        "warehouse_id": world.warehouse_id})

    assert wrong_key.status_code == wrong_warehouse.status_code == not_a_number.status_code == 400
    assert 'id="ozon-error"' in wrong_key.text and "Ozon не принял подключение" in wrong_key.text
    assert "not-the-key-0000" not in wrong_key.text, "a typed key is never sent back"
    assert f'value="{world.client_id}"' in wrong_key.text, "the ids typed stay in the form"
    assert "Ozon: склада 4242 нет среди складов продавца" in wrong_warehouse.text
    assert "Client-Id положительным числом" in not_a_number.text
    assert _stored(sqlite_engine) == {}


def test_a_blank_key_keeps_the_stored_one_when_only_the_warehouse_changes(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    world = seed_seller(sandbox_state, offers=1)
    submit(client, "/connections/ozon", {"client_id": world.client_id, "api_key": world.api_key,
                                         "warehouse_id": world.warehouse_id})

    response = submit(client, "/connections/ozon", {"client_id": world.client_id, "api_key": "",
                                                    "warehouse_id": str(SECOND)})

    assert response.status_code == 303, response.text
    settings, creds = _stored(sqlite_engine)["ozon"]
    assert settings["warehouse_id"] == str(SECOND) and creds["api_key"] == world.api_key


def test_a_first_connection_without_a_key_asks_for_it(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    response = submit(client, "/connections/wildberries", {"token": "", "warehouse_id": "5"})

    assert response.status_code == 400 and "Вставьте ключ: он ещё не сохранён." in response.text
    assert _stored(sqlite_engine) == {}


def test_wildberries_is_saved_after_a_good_check_and_refused_with_a_wrong_token(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    wb = seed_wildberries(sandbox_state.wildberries, f"wb-page-{uuid.uuid4().hex}",
                          warehouses=[{"name": "Склад на Ленина"}])
    warehouse = str(wb["warehouse_ids"][0])

    refused = submit(client, "/connections/wildberries",
                     {"token": "wb-nobody-has-this-token", "warehouse_id": warehouse})
    assert refused.status_code == 400 and 'id="wildberries-error"' in refused.text
    assert "wb-nobody-has-this-token" not in refused.text and _stored(sqlite_engine) == {}

    saved = submit(client, "/connections/wildberries", {"token": wb["token"], "warehouse_id": warehouse})

    assert saved.status_code == 303, saved.text
    settings, creds = _stored(sqlite_engine)["wildberries"]
    assert settings == {"warehouse_id": int(warehouse)} and creds["token"] == wb["token"]
    assert wb["token"] not in client.get("/connections").text


def test_yandex_market_is_saved_after_a_good_check_and_refused_for_an_unknown_shop(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(sandbox_state.yandex_market, token, business_id=31, campaign_id=32, warehouse_id=33,
                       domain="lenina")

    refused = submit(client, "/connections/yandex_market", {"token": token, "business_id": "31",
                                                            "campaign_id": "404"})
    assert refused.status_code == 400 and "Яндекс Маркет: кампания 404 не найдена" in refused.text
    assert token not in refused.text and 'value="404"' in refused.text and _stored(sqlite_engine) == {}

    saved = submit(client, "/connections/yandex_market", {"token": token, "business_id": "31", "campaign_id": "32"})

    assert saved.status_code == 303, saved.text
    settings, creds = _stored(sqlite_engine)["yandex_market"]
    assert settings == {"business_id": 31, "campaign_id": 32} and creds["token"] == token
    page = client.get("/connections").text
    assert "Номер кампании" in page and token not in page
    assert submit(client, "/connections/yandex_market/disconnect").status_code == 303
    assert _stored(sqlite_engine) == {}
