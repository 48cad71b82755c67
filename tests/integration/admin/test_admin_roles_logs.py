"""The admin's role and log pages: permissions edited with checkboxes take effect at once (the system role is
fixed, and nobody locks themselves out), and the API log filters, pages and never shows a stored secret."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.accounts.models import Role
from marketsync.accounts.rbac import PERMISSIONS, role_permissions
from marketsync.connections.models import ApiCall
from marketsync.db import session_scope

CALL = re.compile(r"api\.example/(c\d+)")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


@pytest.fixture
def admin(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> int:
    """An administrator signed in on `client`; returns their user id."""
    admin_id, _account = make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    return admin_id


def _role_id(engine: Engine, name: str) -> int:
    with session_scope(engine) as session:
        role_id = session.scalar(select(Role.id).where(Role.name == name))
        assert role_id is not None
        return role_id


def _calls(engine: Engine, *rows: dict[str, Any]) -> None:
    with session_scope(engine) as session:
        session.add_all([ApiCall(**{"system": "evotor", "method": "GET", "status_code": 200, "created_at": T0,
                                    **row}) for row in rows])


def _shown(client: TestClient, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return set(CALL.findall(response.text))


def test_taking_logs_read_from_the_admin_role_closes_the_log_to_admins_until_restored(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    page = client.get("/admin/roles")
    assert page.status_code == 200
    assert 'name="permissions" value="logs.read"' in page.text and "<fieldset disabled>" in page.text
    admin_role = _role_id(sqlite_engine, "admin")
    assert client.get("/admin/logs").status_code == 200

    response = submit(client, f"/admin/roles/{admin_role}/permissions",
                      {"permissions": sorted(set(PERMISSIONS) - {"logs.read"})})
    assert response.status_code == 303 and response.headers["location"] == "/admin/roles"
    assert "Права роли «admin» сохранены." in client.get("/admin/roles").text
    assert client.get("/admin/logs").status_code == 403
    assert 'href="/admin/logs"' not in client.get("/admin/users").text

    submit(client, f"/admin/roles/{admin_role}/permissions", {"permissions": sorted(PERMISSIONS)})
    assert client.get("/admin/logs").status_code == 200


def test_granting_the_user_role_a_permission_reaches_signed_in_sellers(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    from fastapi.testclient import TestClient as Browser

    from marketsync.web.app import create_app

    make_seller()
    with Browser(create_app(), follow_redirects=False) as seller:
        sign_in(seller)
        assert seller.get("/admin/logs").status_code == 403
        submit(client, f"/admin/roles/{_role_id(sqlite_engine, 'user')}/permissions",
               {"permissions": ["admin.access", "logs.read"]})
        assert seller.get("/admin/logs").status_code == 200
        assert seller.get("/admin/users").status_code == 403


def test_the_system_role_cannot_be_edited(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    system = _role_id(sqlite_engine, "system")
    with session_scope(sqlite_engine) as session:
        before = role_permissions(session)[system]
    response = submit(client, f"/admin/roles/{system}/permissions", {"permissions": ["logs.read"]})
    assert response.status_code == 400
    assert "У роли system всегда есть все права; её нельзя изменить." in response.text
    with session_scope(sqlite_engine) as session:
        assert role_permissions(session)[system] == before
    assert submit(client, "/admin/roles/999999/permissions", {"permissions": []}).status_code == 404


def test_an_admin_cannot_take_the_panel_away_from_their_own_role(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    admin_role = _role_id(sqlite_engine, "admin")
    for dropped in ("admin.access", "roles.write"):
        response = submit(client, f"/admin/roles/{admin_role}/permissions",
                          {"permissions": sorted(set(PERMISSIONS) - {dropped})})
        assert response.status_code == 400 and "Вы потеряете доступ к панели администратора" in response.text
    with session_scope(sqlite_engine) as session:
        assert role_permissions(session)[admin_role] == set(PERMISSIONS)
    assert client.get("/admin/roles").status_code == 200


def test_the_log_filters_by_connector_method_status_text_time_cabinet_and_user(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    _a, cabinet_a = make_seller("a@example.ru")
    _b, cabinet_b = make_seller("b@example.ru")
    _calls(sqlite_engine,
           {"account_id": cabinet_a, "url": "https://api.example/c1/stores"},
           {"account_id": cabinet_a, "system": "vk", "method": "POST", "url": "https://api.example/c2/market.add",
            "response_body": '{"response": {"market_item_id": 77}}', "created_at": T0 + timedelta(hours=1)},
           {"account_id": cabinet_b, "system": "vk", "method": "POST", "url": "https://api.example/c3/market.edit",
            "status_code": 500, "created_at": T0 + timedelta(hours=2)},
           {"account_id": cabinet_b, "url": "https://api.example/c4/products", "status_code": None,
            "error": "ConnectTimeout after 10 s", "created_at": T0 + timedelta(hours=3)})
    everything = {"c1", "c2", "c3", "c4"}
    assert _shown(client, "/admin/logs") == everything
    assert _shown(client, "/admin/logs?connector=vk") == {"c2", "c3"}
    assert _shown(client, "/admin/logs?method=post") == {"c2", "c3"}
    assert _shown(client, "/admin/logs?status=500") == {"c3"}
    assert _shown(client, "/admin/logs?status=error") == {"c3", "c4"}
    assert _shown(client, "/admin/logs?text=MARKET_ITEM_ID") == {"c2"}
    assert _shown(client, "/admin/logs?text=connecttimeout") == {"c4"}
    # Moscow time: c3 was made at 14:00 MSK (11:00 UTC); "to 14:00" includes that minute.
    assert _shown(client, "/admin/logs?from=2025-03-01T13:30&to=2025-03-01T14:00") == {"c3"}
    assert _shown(client, "/admin/logs?from=2025-03-01T14:01") == {"c4"}
    assert _shown(client, f"/admin/logs?cabinet={cabinet_a}") == {"c1", "c2"}
    assert _shown(client, "/admin/logs?user=B@example.ru") == {"c3", "c4"}
    assert _shown(client, f"/admin/logs?user=b@example.ru&cabinet={cabinet_a}") == set()
    # Filters combine.
    assert _shown(client, f"/admin/logs?connector=vk&cabinet={cabinet_b}&status=error") == {"c3"}


def test_nonsense_log_filters_are_ignored_with_a_warning(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, {"url": "https://api.example/c1/x"}, {"url": "https://api.example/c2/y"})
    response = client.get("/admin/logs?status=abc&from=yesterday&to=2025-13-45T99:99&cabinet=x&method=FETCH"
                          "&connector=%3Cscript%3E&page=-3")
    assert response.status_code == 200
    assert set(CALL.findall(response.text)) == {"c1", "c2"}
    for warning in ("«abc» — не HTTP-статус", "«yesterday» — не дата и время", "«x» — не номер кабинета",
                    "«FETCH» — не HTTP-метод", "«&lt;script&gt;» — не название коннектора"):
        assert warning in response.text, warning
    assert "<script>" not in response.text
    # Unicode digits, year 1 and an enormous page are ignored too, never a server error.
    odd = client.get("/admin/logs?status=%C2%B2%C2%B2%C2%B2&cabinet=%C2%B2&from=0001-01-01&page=" + "9" * 20)
    assert odd.status_code == 200
    assert "«²²²» — не HTTP-статус" in odd.text and "«0001-01-01» — не дата и время" in odd.text


def test_the_user_filter_with_an_unknown_email_shows_no_calls(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, {"url": "https://api.example/c1/x"}, {"url": "https://api.example/c2/y"})
    response = client.get("/admin/logs?user=nobody@example.ru")
    assert response.status_code == 200
    assert set(CALL.findall(response.text)) == set()
    assert "Нет пользователя с e-mail «nobody@example.ru»: подходящих вызовов нет." in response.text


def test_the_log_pages_by_fifty_keeping_the_filters(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    _calls(sqlite_engine, *[{"system": "vk", "url": f"https://api.example/c{i}/m",
                             "created_at": T0 + timedelta(minutes=i)} for i in range(60)],
           *[{"url": f"https://api.example/c{100 + i}/e"} for i in range(5)])
    first = client.get("/admin/logs?connector=vk")
    shown = CALL.findall(first.text)
    assert len(set(shown)) == 50 and shown[0] == "c59"  # newest first
    assert 'href="/admin/logs?connector=vk&amp;page=2"' in first.text
    second = _shown(client, "/admin/logs?connector=vk&page=2")
    assert second == {f"c{i}" for i in range(10)}


def test_secrets_in_stored_calls_are_never_shown(client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    long_body = '{"items": [' + ", ".join(f'{{"id": {i}, "name": "Товар {i}"}}' for i in range(40)) + "]}"
    _calls(sqlite_engine, {
        "system": "vk", "method": "POST",
        "url": "https://api.example/c1/market.get?access_token=SECRET456&v=5.199",
        "request_body": '{"access_token": "SECRET123", "owner_id": -1}',
        "response_body": '{"token": "SECRET789", "password": "SECRET000"}',
        "error": "login failed: password=SECRET111",
    }, {"url": "https://api.example/c2/long", "response_body": long_body})
    page = client.get("/admin/logs").text
    assert "SECRET" not in page
    assert "owner_id" in page and "market.get" in page
    calls = re.findall(r'href="/admin/logs/(\d+)"', page)
    assert "<details" in page and len(set(calls)) == 2  # each body folded, its whole text one click away
    whole = "".join(client.get(f"/admin/logs/{call}").text for call in set(calls))
    assert "SECRET" not in whole and "Товар 39" in whole  # a long body is folded, not lost
