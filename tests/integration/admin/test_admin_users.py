"""The admin's user pages: finding people, suspending and activating them, password and invitation mails,
editing (a role change opens or closes the panel), deleting with their cabinet's data, and the guard rails
(nobody suspends, deletes or demotes themselves; only the instance owner touches the instance owner)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from builders import last_link
from marketsync.accounts.models import Account, User
from marketsync.accounts.rbac import grant_role, user_roles
from marketsync.accounts.service import create_user, suspend
from marketsync.accounts.tokens import Purpose, TokenError, consume, peek
from marketsync.catalog.models import Product, Store
from marketsync.connections.models import ApiCall, Connection
from marketsync.db import session_scope
from marketsync.settings import get_settings
from marketsync.sync.models import SyncRun
from marketsync.web.app import create_app

USER_LINK = re.compile(r'href="/admin/users/(\d+)"')


@pytest.fixture
def admin(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> int:
    """An administrator signed in on `client`; returns their user id."""
    admin_id, _account = make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    return admin_id


@pytest.fixture
def second_client(sqlite_engine: Engine) -> Iterator[TestClient]:
    """Another browser, for the person the admin acts on."""
    with TestClient(create_app(), follow_redirects=False) as other:
        yield other


def _listed(client: TestClient, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return [int(i) for i in USER_LINK.findall(response.text)]


def _after(client: TestClient, response: object, location: str) -> str:
    """Check a form post redirected to `location` and return the page it leads to (with its flash)."""
    assert getattr(response, "status_code", None) == 303, getattr(response, "text", "")
    assert getattr(response, "headers", {})["location"] == location
    return client.get(location).text


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def _user(engine: Engine, user_id: int) -> User | None:
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        if user is not None:
            session.expunge(user)
        return user


def test_admin_finds_users_by_email_name_or_phone_filters_and_pages_through_them(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        for i in range(60):
            create_user(session, email=f"bulk{i:02d}@example.ru", password=None, name=f"Покупатель {i:02d}",
                        phone=f"+7900000{i:04d}", active=i % 3 != 0)
        ivan = create_user(session, email="ivan@shop.ru", password=None, name="Иван Петров", phone="+7 912 345-67-89")
        suspend(session, ivan)
        ivan_id = ivan.id
    assert len(_listed(client, "/admin/users")) == 50
    assert len(_listed(client, "/admin/users?page=2")) == 12
    # Case-insensitive substrings of the e-mail, the name (Cyrillic too) and the phone.
    assert _listed(client, "/admin/users?q=SHOP.RU") == [ivan_id]
    assert _listed(client, "/admin/users?q=иВАН") == [ivan_id]
    assert _listed(client, "/admin/users?q=345-67") == [ivan_id]
    assert len(_listed(client, "/admin/users?q=bulk&status=pending")) == 20
    assert _listed(client, "/admin/users?status=suspended") == [ivan_id]
    assert _listed(client, "/admin/users?role=admin") == [admin]
    assert _listed(client, "/admin/users?role=system") == []
    # The pager keeps the search in its links.
    first = client.get("/admin/users?q=bulk&status=active")
    assert len(USER_LINK.findall(first.text)) == 40
    everyone = client.get("/admin/users?q=bulk")
    assert 'href="/admin/users?q=bulk&amp;page=2"' in everyone.text
    assert len(_listed(client, "/admin/users?q=bulk&page=2")) == 10
    # Nonsense filters are ignored rather than failing.
    assert len(_listed(client, "/admin/users?status=weird&role=god&page=x")) == 50


def test_a_suspended_seller_is_signed_out_at_once_and_can_return_once_activated(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]],
        second_client: TestClient) -> None:
    seller_id, _account = make_seller()
    sign_in(second_client)
    assert second_client.get("/connections").status_code == 200
    page = _after(client, submit(client, f"/admin/users/{seller_id}/suspend"), f"/admin/users/{seller_id}")
    assert "seller@example.ru заблокирован, все его сеансы завершены." in page
    refused = second_client.get("/connections")
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    assert _listed(client, "/admin/users?status=suspended") == [seller_id]
    assert 'data-status="suspended"' in client.get("/admin/users?q=seller").text

    page = _after(client, submit(client, f"/admin/users/{seller_id}/activate"), f"/admin/users/{seller_id}")
    assert "seller@example.ru активен и может войти." in page
    sign_in(second_client)
    assert second_client.get("/connections").status_code == 200


def test_a_password_reset_mails_a_link_that_sets_a_new_password(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    seller_id, _account = make_seller()
    page = _after(client, submit(client, f"/admin/users/{seller_id}/reset-password"), f"/admin/users/{seller_id}")
    assert "Ссылка для выбора нового пароля отправлена на seller@example.ru." in page
    link = last_link(mailbox, "seller@example.ru")
    assert link.startswith(get_settings().BASE_URL + "/reset-password?token=")
    with session_scope(sqlite_engine) as session:
        assert consume(session, _token(link), Purpose.RESET).id == seller_id


def test_inviting_creates_a_pending_user_and_mails_the_invitation(
        client: TestClient, admin: int, sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    listing = client.get("/admin/users")
    assert 'action="/admin/users/invite"' in listing.text
    for address in ("not an e-mail", "olga@example.ru,boss@example.ru", "olga@example.ru\nBcc: x@y.ru",
                    "x@[b.c", "a@b@example.ru"):
        bad = submit(client, "/admin/users/invite", {"email": address, "name": "Ольга"})
        assert bad.status_code == 400 and "Введите корректный адрес эл. почты." in bad.text, address
    taken = submit(client, "/admin/users/invite", {"email": "ADMIN@example.ru", "name": "Ольга"})
    assert taken.status_code == 400 and "Пользователь с таким e-mail уже есть." in taken.text
    assert 'value="Ольга"' in taken.text  # what was typed is kept
    assert mailbox == []

    response = submit(client, "/admin/users/invite", {"email": " Olga@Example.ru ", "name": "Ольга"})
    with session_scope(sqlite_engine) as session:
        olga = session.scalars(select(User).where(User.email == "olga@example.ru")).one()
        assert olga.status == "pending" and olga.password_hash is None and olga.name == "Ольга"
        olga_id = olga.id
    page = _after(client, response, f"/admin/users/{olga_id}")
    assert "Приглашение отправлено на olga@example.ru." in page and "Ожидает" in page
    link = last_link(mailbox, "olga@example.ru")
    assert link.startswith(get_settings().BASE_URL + "/invite?token=")
    with session_scope(sqlite_engine) as session:
        assert peek(session, _token(link), Purpose.INVITE).id == olga_id


def test_correcting_a_mistyped_email_stops_the_links_mailed_to_the_old_address(
        client: TestClient, admin: int, sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    submit(client, "/admin/users/invite", {"email": "ivan@exmaple.ru", "name": ""})
    old_link = last_link(mailbox, "ivan@exmaple.ru")
    with session_scope(sqlite_engine) as session:
        ivan_id = session.scalars(select(User.id).where(User.email == "ivan@exmaple.ru")).one()
    submit(client, f"/admin/users/{ivan_id}/edit", {"name": "", "email": "ivan@example.ru", "phone": "",
                                                     "role": "user"})
    with session_scope(sqlite_engine) as session:
        with pytest.raises(TokenError) as refused:
            peek(session, _token(old_link), Purpose.INVITE)
        assert refused.value.reason == "used"
        assert session.get(User, ivan_id).email == "ivan@example.ru"  # type: ignore[union-attr]


def test_sending_the_invitation_again_retires_the_older_link_and_only_for_pending_users(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    submit(client, "/admin/users/invite", {"email": "olga@example.ru", "name": ""})
    first = last_link(mailbox, "olga@example.ru")
    with session_scope(sqlite_engine) as session:
        olga_id = session.scalars(select(User.id).where(User.email == "olga@example.ru")).one()
    page = _after(client, submit(client, f"/admin/users/{olga_id}/send-invite"), f"/admin/users/{olga_id}")
    assert "Новое приглашение отправлено на olga@example.ru." in page
    second = last_link(mailbox, "olga@example.ru")
    assert second != first
    with session_scope(sqlite_engine) as session:
        with pytest.raises(TokenError) as refused:
            peek(session, _token(first), Purpose.INVITE)
        assert refused.value.reason == "used"
        assert peek(session, _token(second), Purpose.INVITE).id == olga_id

    seller_id, _account = make_seller()
    count = len(mailbox)
    page = _after(client, submit(client, f"/admin/users/{seller_id}/send-invite"), f"/admin/users/{seller_id}")
    assert "seller@example.ru уже присоединился" in page
    assert len(mailbox) == count


def test_editing_a_user_saves_the_profile_and_the_admin_role_opens_the_panel(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        second_client: TestClient) -> None:
    seller_id, _account = make_seller()
    sign_in(second_client)
    assert second_client.get("/admin/users").status_code == 403
    form = client.get(f"/admin/users/{seller_id}")
    assert f'action="/admin/users/{seller_id}/edit"' in form.text and 'autocomplete="off"' in form.text

    response = submit(client, f"/admin/users/{seller_id}/edit",
                      {"name": "Анна", "email": "Anna@Example.ru", "phone": "+7 900 111-22-33", "role": "admin"})
    assert "Изменения для anna@example.ru сохранены." in _after(client, response, f"/admin/users/{seller_id}")
    with session_scope(sqlite_engine) as session:
        user = session.get(User, seller_id)
        assert user is not None and (user.email, user.name, user.phone) == ("anna@example.ru", "Анна",
                                                                             "+7 900 111-22-33")
        assert user_roles(session, seller_id) == {"admin"}
    assert second_client.get("/admin/users").status_code == 200
    assert 'href="/admin"' in second_client.get("/connections").text

    taken = submit(client, f"/admin/users/{seller_id}/edit", {"name": "Анна", "email": "admin@example.ru",
                                                               "phone": "", "role": "admin"})
    assert taken.status_code == 400 and "Пользователь с таким e-mail уже есть." in taken.text
    bad_phone = submit(client, f"/admin/users/{seller_id}/edit", {"name": "Анна", "email": "anna@example.ru",
                                                                   "phone": "позвоните мне", "role": "admin"})
    assert bad_phone.status_code == 400 and "+7 900 123-45-67" in bad_phone.text
    system = submit(client, f"/admin/users/{seller_id}/edit", {"name": "Анна", "email": "anna@example.ru",
                                                                "phone": "", "role": "system"})
    assert system.status_code == 400 and "Выберите одну из ролей." in system.text
    assert _user(sqlite_engine, seller_id).email == "anna@example.ru"  # type: ignore[union-attr]

    submit(client, f"/admin/users/{seller_id}/edit", {"name": "Анна", "email": "anna@example.ru", "phone": "",
                                                       "role": "user"})
    assert second_client.get("/admin/users").status_code == 403


def test_deleting_a_user_removes_them_with_their_cabinet_and_its_data(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]],
        add_store: Callable[..., dict[str, int]], sqlite_engine: Engine) -> None:
    seller_id, account_id = make_seller()
    add_store(account_id)
    page = _after(client, submit(client, f"/admin/users/{seller_id}/delete"), "/admin/users")
    assert "seller@example.ru удалён. Удалено кабинетов со всеми данными: 1." in page
    with session_scope(sqlite_engine) as session:
        assert session.get(User, seller_id) is None and session.get(Account, account_id) is None
        assert session.scalar(select(func.count()).select_from(Store).where(Store.account_id == account_id)) == 0
        assert session.scalar(select(func.count()).select_from(Product).where(Product.account_id == account_id)) == 0
    assert client.get(f"/admin/users/{seller_id}").status_code == 404
    assert submit(client, f"/admin/users/{seller_id}/suspend").status_code == 404


def test_an_admin_cannot_suspend_delete_or_demote_themselves(
        client: TestClient, admin: int, sqlite_engine: Engine) -> None:
    own = client.get(f"/admin/users/{admin}").text
    assert f'action="/admin/users/{admin}/suspend"' not in own and f'action="/admin/users/{admin}/delete"' not in own
    refusals = {"suspend": ({}, "Нельзя заблокировать самого себя."),
                "delete": ({}, "Здесь нельзя удалить самого себя."),
                "edit": ({"name": "Я", "email": "admin@example.ru", "role": "user"},
                         "Нельзя снять роль администратора с самого себя.")}
    for action, (data, message) in refusals.items():
        page = _after(client, submit(client, f"/admin/users/{admin}/{action}", data), f"/admin/users/{admin}")
        assert message in page, action
    with session_scope(sqlite_engine) as session:
        me = session.get(User, admin)
        assert me is not None and me.status == "active" and me.name == "Продавец"
        assert user_roles(session, admin) == {"admin"}
    # Editing one's own name, keeping the role, is fine.
    submit(client, f"/admin/users/{admin}/edit", {"name": "Главный", "email": "admin@example.ru", "role": "admin"})
    assert _user(sqlite_engine, admin).name == "Главный"  # type: ignore[union-attr]
    assert client.get("/admin/users").status_code == 200


def test_only_the_instance_owner_can_touch_a_user_with_the_system_role(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        second_client: TestClient, mailbox: list[EmailMessage]) -> None:
    owner_id, _account = make_seller("owner@example.ru")
    root_id, _root_account = make_seller("root@example.ru")
    with session_scope(sqlite_engine) as session:
        for user_id in (owner_id, root_id):
            user = session.get(User, user_id)
            assert user is not None
            grant_role(session, user, "system")
    page = client.get(f"/admin/users/{owner_id}").text
    assert "Пользователя с ролью system может изменить только владелец системы." in page
    assert f'action="/admin/users/{owner_id}/suspend"' not in page
    for action in ("suspend", "activate", "reset-password", "send-invite", "delete", "edit"):
        response = submit(client, f"/admin/users/{owner_id}/{action}",
                          {"name": "Захват", "email": "owner@example.ru", "role": "user"})
        page = _after(client, response, f"/admin/users/{owner_id}")
        assert "Пользователя с ролью system может изменить только владелец системы." in page, action
    owner = _user(sqlite_engine, owner_id)
    assert owner is not None and owner.status == "active" and owner.name == "Продавец"
    assert mailbox == []

    sign_in(second_client, "root@example.ru")
    response = submit(second_client, f"/admin/users/{owner_id}/suspend")
    assert response.status_code == 303
    assert _user(sqlite_engine, owner_id).status == "suspended"  # type: ignore[union-attr]


def test_the_user_page_shows_cabinets_connections_runs_and_errors_but_never_credentials(
        client: TestClient, admin: int, make_seller: Callable[..., tuple[int, int]],
        add_store: Callable[..., dict[str, int]], sqlite_engine: Engine) -> None:
    seller_id, account_id = make_seller()
    ids = add_store(account_id)
    when = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    with session_scope(sqlite_engine) as session:
        connection = session.get(Connection, ids["connection"])
        assert connection is not None
        connection.last_error = "Evotor answered 401"
        connection.last_checked_at = when
        encrypted = connection.credentials_encrypted
        session.add_all([
            SyncRun(account_id=account_id, pipeline="catalog", status="failed", error="VK refused the album",
                    created=3, failed=2),
            ApiCall(account_id=account_id, system="vk", method="POST", url="https://api.example/failed-call",
                    status_code=500, error="Internal error at VK", created_at=when),
            ApiCall(account_id=account_id, system="vk", method="GET", url="https://api.example/fine-call",
                    status_code=200, created_at=when),
        ])
    page = client.get(f"/admin/users/{seller_id}")
    assert page.status_code == 200
    text = page.text
    for shown in ("seller@example.ru", "Продавец", "Владелец", "<td>Эвотор</td>", "Evotor answered 401",
                  "01.03.2025 12:00", "VK refused the album", "https://api.example/failed-call",
                  "Internal error at VK"):
        assert shown in text, shown
    assert "https://api.example/fine-call" not in text  # only failed calls are listed as errors
    assert "evotor-token-123456" not in text and encrypted not in text
