"""An admin role granted users.write but not users.read can invite and edit, yet never sees the user list or
anyone's page - also not when its invite or edit form comes back with errors."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.accounts.models import Role
from marketsync.accounts.rbac import set_role_permissions
from marketsync.db import session_scope


def _write_only_admin(client: TestClient, engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> int:
    target_id, _account = make_seller("secret-customer@example.ru", phone="+7 900 111-22-33")
    make_seller("admin@example.ru", admin=True)
    with session_scope(engine) as session:
        role = session.scalar(select(Role).where(Role.name == "admin"))
        assert role is not None
        set_role_permissions(session, role, {"admin.access", "users.write"})
    sign_in(client, "admin@example.ru")
    return target_id


def test_a_refused_invite_shows_the_form_but_not_the_users(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _write_only_admin(client, sqlite_engine, make_seller)
    assert client.get("/admin/users").status_code == 403
    refused = submit(client, "/admin/users/invite", {"email": "not an e-mail", "name": ""})
    assert refused.status_code == 400
    assert 'action="/admin/users/invite"' in refused.text
    assert "secret-customer@example.ru" not in refused.text and "111-22-33" not in refused.text


def test_a_refused_edit_shows_nobodys_page(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    target_id = _write_only_admin(client, sqlite_engine, make_seller)
    assert client.get(f"/admin/users/{target_id}").status_code == 403
    refused = submit(client, f"/admin/users/{target_id}/edit", {"name": "", "email": "not an e-mail",
                                                               "phone": "", "role": "user"})
    assert refused.status_code == 403
    assert "secret-customer@example.ru" not in refused.text and "111-22-33" not in refused.text
