"""Registering, signing in and out, sessions and CSRF, as a seller meets them in the browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import PASSWORD, csrf_token, sign_in, submit
from builders import last_link
from marketsync.accounts import service
from marketsync.accounts.models import ActionToken, User, WebSession
from marketsync.accounts.rbac import set_platform_role
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings
from marketsync.web.app import create_app

PAGES = ["/", "/profile", "/profile/edit", "/profile/change-password", "/profile/delete",
         "/connections", "/catalog", "/catalog/stores", "/catalog/stores/1/groups",
         "/catalog/stores/1/products", "/sync", "/sync/runs/1/progress", "/vk-catalog", "/vk-catalog/albums",
         "/vk-catalog/albums/1/products", "/logout"]


def _register(client: TestClient, email: str = "new@example.ru", password: str = PASSWORD,
              confirm: str | None = None) -> object:
    return submit(client, "/register", {"email": email, "password": password,
                                        "password_confirm": password if confirm is None else confirm,
                                        "name": "Анна"})


def test_registering_mails_a_link_that_activates_the_account_once(
        client: TestClient, sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    response = _register(client)
    assert response.status_code == 200
    assert "new@example.ru" in response.text and "ms_session" not in response.cookies
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User).where(User.email == "new@example.ru"))
        assert user is not None and user.status == "pending" and user.name == "Анна"
    # Not yet confirmed: the right password is refused with a way to get the link again.
    refused = submit(client, "/login", {"email": "new@example.ru", "password": PASSWORD})
    assert refused.status_code == 403 and "/resend-confirm" in refused.text
    assert mailbox[-1]["Subject"] == "Подтвердите e-mail для MarketSync"
    link = last_link(mailbox, "new@example.ru")
    assert link.startswith("http://testserver/confirm-email?token=")
    confirmed = client.get(link)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/login"
    assert "подтверждена" in client.get("/login").text
    sign_in(client, "new@example.ru")
    assert client.get("/profile").status_code == 200
    again = client.get(link)
    assert again.status_code == 400 and "уже использована" in again.text


def test_a_forged_or_expired_confirmation_link_is_refused(
        client: TestClient, sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    _register(client)
    link = last_link(mailbox, "new@example.ru")
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert client.get(forged).status_code == 400
    with session_scope(sqlite_engine) as session:
        for row in session.scalars(select(ActionToken)):
            row.expires_at = utcnow() - timedelta(seconds=1)
    expired = client.get(link)
    assert expired.status_code == 400 and "истёк" in expired.text
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(User.status)) == "pending"


def test_resending_the_confirmation_retires_the_old_link(
        client: TestClient, mailbox: list[EmailMessage]) -> None:
    _register(client)
    first = last_link(mailbox, "new@example.ru")
    page = submit(client, "/resend-confirm", {"email": "NEW@example.ru"})
    assert page.status_code == 200
    second = last_link(mailbox, "new@example.ru")
    assert second != first
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 303
    # The answer is the same for an address nobody registered, and no mail goes out.
    count = len(mailbox)
    assert submit(client, "/resend-confirm", {"email": "nobody@example.ru"}).status_code == 200
    assert len(mailbox) == count
    assert submit(client, "/resend-confirm", {"email": "not an e-mail"}).status_code == 400


def test_registering_a_taken_email_answers_as_for_a_new_one_and_tells_the_owner(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    make_seller("taken@example.ru")
    taken = _register(client, email="Taken@Example.ru")
    fresh = _register(client, email="fresh@example.ru")
    assert taken.status_code == fresh.status_code == 200
    assert taken.text.replace("taken@example.ru", "X") == fresh.text.replace("fresh@example.ru", "X")
    assert "ms_session" not in taken.cookies
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 2  # the seller and fresh@ only
    [notice] = [m for m in mailbox if m["To"] == "taken@example.ru"]
    assert "пытался зарегистрироваться" in str(notice["Subject"])
    assert last_link(mailbox, "taken@example.ru") == "http://testserver/forgot-password"
    assert "пытался зарегистрироваться" in notice.get_body(("plain",)).get_content()  # type: ignore[union-attr]


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
    assert response.headers["location"] == "/"


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


def test_the_eleventh_wrong_password_in_a_minute_is_refused_before_the_hash_is_checked(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    make_seller()
    checked: list[str] = []
    real_verify = service.verify_password

    def counting_verify(password: str, password_hash: str | None) -> bool:
        checked.append(password)
        return real_verify(password, password_hash)

    monkeypatch.setattr(service, "verify_password", counting_verify)
    for attempt in range(10):
        response = submit(client, "/login", {"email": "seller@example.ru", "password": f"wrong-{attempt}"})
        assert response.status_code == 400
    assert len(checked) == 10
    response = submit(client, "/login", {"email": "Seller@example.ru", "password": PASSWORD})
    assert response.status_code == 429
    assert "Слишком много" in response.text and 'name="password"' in response.text
    assert response.headers["retry-after"] == "60"
    assert len(checked) == 10  # refused without looking at the password
    assert "ms_session" not in response.cookies


def test_wrong_passwords_for_one_email_do_not_lock_out_another(
        client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()
    make_seller("colleague@example.ru")
    for attempt in range(11):
        submit(client, "/login", {"email": "seller@example.ru", "password": f"wrong-{attempt}"})
    sign_in(client, "colleague@example.ru")


def test_an_office_behind_one_address_is_limited_only_far_above_one_person(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGIN_FAILURES_PER_IP", "30")
    get_settings.cache_clear()
    make_seller()
    for person in range(30):  # thirty colleagues each mistype once
        response = submit(client, "/login", {"email": f"person{person}@example.ru", "password": "wrong-pass"})
        assert response.status_code == 400
    response = submit(client, "/login", {"email": "seller@example.ru", "password": PASSWORD})
    assert response.status_code == 429


def test_privilege_change_rotates_the_session_id(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    user_id, _account = make_seller()
    sign_in(client)
    before = client.cookies.get("ms_session")
    with session_scope(sqlite_engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        set_platform_role(session, user, "admin")
    response = client.get("/profile")
    assert response.status_code == 200
    after = client.cookies.get("ms_session")
    assert after and after != before
    assert "HttpOnly" in response.headers["set-cookie"]
    client.cookies.clear()  # only the old cookie (httpx keeps a cookie per domain: a plain set would add a second)
    client.cookies.set("ms_session", str(before))  # the old id no longer opens anything
    assert client.get("/profile").status_code == 303


def test_cookies_are_secure_when_the_site_is_served_over_https(
        make_seller: Callable[..., tuple[int, int]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://shop.example.ru")
    get_settings.cache_clear()
    make_seller()
    with TestClient(create_app(), base_url="https://testserver", follow_redirects=False) as secure_client:
        response = submit(secure_client, "/login", {"email": "seller@example.ru", "password": PASSWORD})
        cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
        assert cookies and all("Secure" in c for c in cookies)


def test_a_rotated_session_survives_an_error_later_in_the_same_request(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    user_id, _account = make_seller(admin=True)
    sign_in(client)
    before = client.cookies.get("ms_session")
    with session_scope(sqlite_engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        set_platform_role(session, user, "user")  # demoted: the session is rotated on the next request
    refused = client.get("/admin/users")  # rotates, then answers 403: the request rolls back
    assert refused.status_code == 403
    after = client.cookies.get("ms_session")
    assert after and after != before
    assert client.get("/profile").status_code == 200  # still signed in, with the new id
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
