"""Only administrators reach the admin panel: every /admin route, found by walking the app (so a route added
later is covered the day it appears), refuses a plain seller with 403, sends a visitor to the login page, and
neither of them changes anything; an admin whose role lost admin.access is refused everywhere too."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import csrf_token, sign_in
from marketsync.accounts.models import Role
from marketsync.accounts.rbac import PERMISSIONS, set_role_permissions
from marketsync.connections.models import ApiCall
from marketsync.db import session_scope
from marketsync.models import metadata
from marketsync.web.app import create_app

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
# What a forged form would carry: enough for any admin action to change something if it let the request in.
FORM: dict[str, Any] = {"email": "intruder-made@example.ru", "name": "Чужой", "phone": "+7 900 000-00-00",
                        "role": "admin", "permissions": sorted(PERMISSIONS), "enabled": "on"}
WATCHED = ("users", "user_roles", "role_permissions", "accounts", "account_members", "action_tokens", "stores",
           "ops_switches")


def _admin_routes() -> list[tuple[str, str]]:
    """Every (method, path) the app serves under /admin."""
    found = []
    for context in iter_route_contexts(create_app().routes):
        path = context.path or ""
        if path == "/admin" or path.startswith("/admin/"):
            found.extend((method, path) for method in sorted(context.methods or ()) if method != "HEAD")
    return found


def _fill(path: str, ids: dict[str, int]) -> str:
    """Put an existing object's id into each path parameter (a user id, a role id, an API call id)."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in ids:
            return str(ids[name])
        return str(ids["role_id"] if name.startswith("role") else ids["user_id"])

    return PARAM.sub(value, path)


def _state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """The rows an admin action could change."""
    with session_scope(engine) as session:
        return {name: sorted(tuple(str(v) for v in row) for row in session.execute(select(metadata.tables[name])))
                for name in WATCHED}


def _targets(engine: Engine, make_seller: Callable[..., tuple[int, int]],
             add_store: Callable[..., dict[str, int]]) -> dict[str, int]:
    """Create the user the forged requests aim at (with a store) and return the ids for the path slots."""
    target_id, account_id = make_seller("target@example.ru")
    add_store(account_id)
    with session_scope(engine) as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "user"))
        call = ApiCall(account_id=account_id, system="vk", method="GET", url="https://api.example/m")
        session.add(call)
        session.flush()
        call_id = call.id
    assert role_id is not None
    return {"user_id": target_id, "role_id": role_id, "call_id": call_id}


def _send(client: TestClient, method: str, url: str, token: str) -> Any:
    if method == "GET":
        return client.get(url)
    return client.request(method, url, data={"csrftoken": token, **FORM})


def test_the_walk_finds_every_admin_page() -> None:
    routes = set(_admin_routes())
    expected = {("GET", "/admin"), ("GET", "/admin/users"), ("POST", "/admin/users/invite"),
                ("GET", "/admin/users/{user_id}"), ("GET", "/admin/roles"), ("GET", "/admin/logs"),
                ("GET", "/admin/logs/{call_id}"),
                ("POST", "/admin/roles/{role_id}/permissions")}
    expected |= {("POST", f"/admin/users/{{user_id}}/{action}")
                 for action in ("activate", "suspend", "reset-password", "send-invite", "edit", "delete")}
    assert expected <= routes, expected - routes


def test_a_plain_seller_is_refused_on_every_admin_route_and_changes_nothing(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], add_store: Callable[..., dict[str, int]],
        sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    ids = _targets(sqlite_engine, make_seller, add_store)
    make_seller()
    sign_in(client)
    token = csrf_token(client)
    before = _state(sqlite_engine)
    routes = _admin_routes()
    for method, path in routes:
        response = _send(client, method, _fill(path, ids), token)
        assert response.status_code == 403, f"{method} {path} → {response.status_code}"
        assert "Доступ запрещён" in response.text
    assert len(routes) >= 12
    assert _state(sqlite_engine) == before
    assert mailbox == []
    assert "/admin" not in client.get("/connections").text  # no Admin link in the menu either


def test_a_visitor_is_sent_to_sign_in_from_every_admin_route_and_changes_nothing(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], add_store: Callable[..., dict[str, int]],
        sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    ids = _targets(sqlite_engine, make_seller, add_store)
    token = csrf_token(client)
    before = _state(sqlite_engine)
    for method, path in _admin_routes():
        response = _send(client, method, _fill(path, ids), token)
        assert response.status_code == 303, f"{method} {path} → {response.status_code}"
        assert response.headers["location"].startswith("/login"), f"{method} {path}"
    assert _state(sqlite_engine) == before
    assert mailbox == []


def test_an_admin_whose_role_lost_admin_access_is_refused_everywhere(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], add_store: Callable[..., dict[str, int]],
        sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    ids = _targets(sqlite_engine, make_seller, add_store)
    make_seller("admin@example.ru", admin=True)
    with session_scope(sqlite_engine) as session:
        role = session.scalars(select(Role).where(Role.name == "admin")).one()
        set_role_permissions(session, role, set(PERMISSIONS) - {"admin.access"})
    sign_in(client, "admin@example.ru")
    token = csrf_token(client)
    before = _state(sqlite_engine)
    for method, path in _admin_routes():
        response = _send(client, method, _fill(path, ids), token)
        assert response.status_code == 403, f"{method} {path} → {response.status_code}"
    assert _state(sqlite_engine) == before
    assert mailbox == []


def test_an_admin_opens_every_admin_page(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], add_store: Callable[..., dict[str, int]],
        sqlite_engine: Engine) -> None:
    ids = _targets(sqlite_engine, make_seller, add_store)
    make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    assert 'href="/admin"' in client.get("/connections").text
    for method, path in _admin_routes():
        if method != "GET":
            continue
        response = client.get(_fill(path, ids))
        if path == "/admin":
            assert response.status_code == 303 and response.headers["location"] == "/admin/users"
        else:
            assert response.status_code == 200, f"GET {path} → {response.status_code}"
    assert client.get("/admin/users/999999").status_code == 404
