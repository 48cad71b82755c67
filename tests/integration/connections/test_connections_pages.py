"""The connections page: saving tokens checked live against the sandboxed Evotor and VK, testing, removing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import csrf_token, submit
from marketsync.connections.models import Connection
from marketsync.db import session_scope


def _connections(engine: Engine) -> list[Connection]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Connection)))


def test_connections_page_shows_both_systems_not_connected(client: TestClient, seller: int) -> None:
    page = client.get("/connections")
    assert page.status_code == 200
    assert page.text.count("Не подключено") == 5
    assert 'name="group_id"' in page.text and 'for="vk-group"' in page.text


def test_an_evotor_token_the_cloud_rejects_shows_why_and_saves_nothing(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    response = submit(client, "/connections/evotor", {"token": "not-a-real-token"})
    assert response.status_code == 400
    assert 'class="alert alert-danger"' in response.text
    assert "not-a-real-token" not in response.text
    assert _connections(sqlite_engine) == []


def test_a_vk_token_vk_rejects_shows_why_and_saves_nothing(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    response = submit(client, "/connections/vk", {"token": "vk-unknown-token", "group_id": "123"})
    assert response.status_code == 400
    assert 'id="vk-error"' in response.text
    assert 'value="123"' in response.text
    assert _connections(sqlite_engine) == []


def test_a_vk_community_id_must_be_a_positive_number(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    response = submit(client, "/connections/vk", {"token": "some-token", "group_id": "my shop"})
    assert response.status_code == 400
    assert "положительным числом" in response.text
    assert _connections(sqlite_engine) == []


def test_a_valid_evotor_token_is_saved_tested_and_disconnected(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine) -> None:
    sandbox_state.evotor.add_token("evotor-good-token-0001", "evotor-user-1")
    response = submit(client, "/connections/evotor", {"token": "evotor-good-token-0001"})
    assert response.status_code == 303, response.text
    page = client.get("/connections")
    assert "Эвотор подключён" in page.text and "…0001" in page.text
    assert "evotor-good-token-0001" not in page.text
    [conn] = _connections(sqlite_engine)
    assert conn.system == "evotor" and conn.status == "active"

    answer = client.post("/connections/evotor/test", data={"csrftoken": csrf_token(client)},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["ok"] is True
    fragment = submit(client, "/connections/evotor/test", headers={"HX-Request": "true"})
    assert 'class="alert alert-success' in fragment.text and "<html" not in fragment.text
    plain = submit(client, "/connections/evotor/test")
    assert plain.status_code == 303 and plain.headers["location"] == "/connections"

    sandbox_state.evotor.revoke_token("evotor-good-token-0001")
    answer = submit(client, "/connections/evotor/test", headers={"Accept": "application/json"})
    assert answer.json()["ok"] is False
    assert "Требует внимания" in client.get("/connections").text

    response = submit(client, "/connections/evotor/disconnect")
    assert response.status_code == 303
    assert _connections(sqlite_engine) == []
    assert "Эвотор отключён" in client.get("/connections").text


def test_testing_a_system_that_is_not_connected_says_so(client: TestClient, seller: int) -> None:
    answer = submit(client, "/connections/vk/test", headers={"Accept": "application/json"})
    assert answer.json() == {"ok": False, "message": "VK ещё не подключён."}
    assert submit(client, "/connections/telegram/test").status_code == 404
