"""Registering, signing in and out, sessions and CSRF, as a seller meets them in the browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser import PASSWORD, csrf_token, sign_in, submit
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import User, WebSession
from marketsync.db import session_scope

PAGES = ["/", "/connections", "/catalog", "/catalog/stores", "/catalog/stores/1/groups",
         "/catalog/stores/1/products", "/sync", "/sync/runs/1/progress", "/vk-catalog", "/vk-catalog/albums",
         "/vk-catalog/albums/1/products", "/logout"]


def _register(client: TestClient, email: str = "new@example.ru", password: str = PASSWORD,
              confirm: str | None = None) -> object:
    return submit(client, "/register", {"email": email, "password": password,
                                        "password_confirm": password if confirm is None else confirm,
                                        "name": "Анна"})


def test_registering_signs_the_seller_in_and_opens_connections(client: TestClient, sqlite_engine: Engine) -> None:
    response = _register(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/connections"
    page = client.get("/connections")
    assert page.status_code == 200
    assert "new@example.ru" in page.text
    assert "Добро пожаловать" in page.text
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User).where(User.email == "new@example.ru"))
        assert user is not None and user.status == "active"


def test_registering_a_taken_email_says_so_and_creates_nothing(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller("taken@example.ru")
    response = _register(client, email="Taken@Example.ru")
    assert response.status_code == 400
    assert "уже существует" in response.text
    assert "ms_session" not in response.cookies
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_registering_with_mismatched_passwords_keeps_the_form(client: TestClient) -> None:
    response = _register(client, confirm="something-else")
    assert response.status_code == 400
    assert "Пароли не совпадают" in response.text
    assert 'value="new@example.ru"' in response.text


def test_wrong_password_shows_the_login_page_again_with_a_message(
        client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()
    response = submit(client, "/login", {"email": "seller@example.ru", "password": "wrong-password"})
    assert response.status_code == 400
    assert "Неверная почта или пароль" in response.text
    assert 'autocomplete="current-password"' in response.text
    assert client.get("/sync").status_code == 303


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_stranger_to_the_login_page(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_public_pages_open_without_a_session(client: TestClient) -> None:
    assert client.get("/login").status_code == 200
    assert client.get("/register").status_code == 200
    assert client.get("/health").status_code == 200


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(
        client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()
    assert client.get("/sync").headers["location"] == "/login?next=/sync"
    response = submit(client, "/login", {"email": "seller@example.ru", "password": PASSWORD, "next": "/sync"})
    assert response.headers["location"] == "/sync"
    client.cookies.clear()
    response = submit(client, "/login", {"email": "seller@example.ru", "password": PASSWORD,
                                         "next": "//evil.example/phish"})
    assert response.headers["location"] == "/catalog/stores"


def test_signing_in_replaces_the_previous_session(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller()
    sign_in(client)
    first = client.cookies.get("ms_session")
    sign_in(client)
    second = client.cookies.get("ms_session")
    assert first and second and first != second
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1


def test_signing_out_by_post_ends_the_session_for_good(
        client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()
    sign_in(client)
    old_cookie = client.cookies.get("ms_session")
    response = submit(client, "/logout")
    assert response.status_code == 303 and response.headers["location"] == "/login"
    client.cookies.set("ms_session", str(old_cookie))
    assert client.get("/sync").status_code == 303


def test_get_logout_asks_for_confirmation_with_a_post_form(client: TestClient, seller: int) -> None:
    page = client.get("/logout")
    assert page.status_code == 200
    assert 'action="/logout"' in page.text and 'method="post"' in page.text
    assert client.get("/sync").status_code == 200  # still signed in


def test_a_form_posted_without_the_csrf_token_is_refused(client: TestClient, seller: int) -> None:
    response = client.post("/sync/settings", data={"price_multiplier": "2"})
    assert response.status_code == 403
    assert "Обновите страницу" in response.text
    client.cookies.clear()  # a cross-site login post: no cookies at all, no token
    response = client.post("/login", data={"email": "seller@example.ru", "password": PASSWORD})
    assert response.status_code == 403


def test_a_json_call_with_the_csrf_header_is_accepted(client: TestClient, seller: int) -> None:
    response = client.post("/connections/evotor/test", headers={"X-CSRFToken": csrf_token(client),
                                                                "Accept": "application/json"})
    assert response.status_code == 200
    assert response.json()["ok"] is False


def test_a_suspended_seller_is_signed_out_at_once(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    assert client.get("/sync").status_code == 200
    with session_scope(sqlite_engine) as session:
        session.scalar(select(User)).status = "suspended"  # type: ignore[union-attr]
    assert client.get("/sync").status_code == 303


def test_session_cookie_is_http_only_and_same_site(
        client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()
    response = submit(client, "/login", {"email": "seller@example.ru", "password": PASSWORD})
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "ms_session=" in v)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=1209600" in cookie
