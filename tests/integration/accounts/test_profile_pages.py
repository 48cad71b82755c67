"""The signed-in user's own pages: profile, edit with an SMS code, change password, delete the account."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in, submit
from marketsync.accounts.models import Account, User, WebSession
from marketsync.accounts.rbac import grant_role
from marketsync.accounts.service import create_user
from marketsync.catalog.models import Product, Store
from marketsync.db import session_scope
from marketsync.web.app import create_app

NEW_PASSWORD = "brand-new-secret-7"


def test_profile_shows_the_user_and_their_cabinet(client: TestClient, seller: int) -> None:
    page = client.get("/profile")
    assert page.status_code == 200
    assert "seller@example.ru" in page.text and "Продавец" in page.text and "Владелец" in page.text
    assert client.get("/").status_code == 200, "signed in, / is the overview"


def test_editing_the_phone_sends_an_sms_code_that_confirms_it(
        client: TestClient, seller: int, sqlite_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    form = client.get("/profile/edit")
    assert 'autocomplete="name"' in form.text and 'autocomplete="tel"' in form.text
    bad = submit(client, "/profile/edit", {"name": "Анна", "phone": "call me"})
    assert bad.status_code == 400 and "+7 900 123-45-67" in bad.text
    with caplog.at_level(logging.INFO, logger="marketsync.connectors.sms.client"):
        saved = submit(client, "/profile/edit", {"name": "Анна Петрова", "phone": "+7 (900) 123-45-67"})
    assert saved.status_code == 303 and saved.headers["location"] == "/profile/confirm-phone"
    code = re.search(r"(\d{6})", caplog.text)
    assert code, caplog.text
    wrong = "000000" if code.group(1) != "000000" else "111111"
    assert submit(client, "/profile/confirm-phone", {"code": wrong}).status_code == 400
    assert submit(client, "/profile/confirm-phone", {"code": code.group(1)}).status_code == 303
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User))
        assert user is not None and user.name == "Анна Петрова" and user.phone == "+7 (900) 123-45-67"
        assert user.phone_confirmed_at is not None
    assert submit(client, "/profile/confirm-phone", {"code": code.group(1)}).status_code == 400  # used up


def test_five_wrong_codes_retire_the_code(
        client: TestClient, seller: int, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="marketsync.connectors.sms.client"):
        submit(client, "/profile/edit", {"name": "", "phone": "+79001234567"})
    code = re.search(r"(\d{6})", caplog.text)
    assert code
    wrong = "000000" if code.group(1) != "000000" else "111111"
    for _ in range(5):
        assert submit(client, "/profile/confirm-phone", {"code": wrong}).status_code == 400
    assert submit(client, "/profile/confirm-phone", {"code": code.group(1)}).status_code == 400


def test_changing_the_password_asks_the_current_one_and_ends_other_sessions(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller()
    sign_in(client)
    with TestClient(create_app(), follow_redirects=False) as other_device:
        sign_in(other_device)
        form = client.get("/profile/change-password")
        assert 'autocomplete="current-password"' in form.text and 'autocomplete="new-password"' in form.text
        wrong = submit(client, "/profile/change-password", {"current_password": "not-it-at-all",
                                                            "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
        assert wrong.status_code == 400 and "Текущий пароль указан неверно" in wrong.text
        before = client.cookies.get("ms_session")
        done = submit(client, "/profile/change-password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                           "password_confirm": NEW_PASSWORD})
        assert done.status_code == 303
        assert client.cookies.get("ms_session") != before  # this session got a new id
        assert client.get("/profile").status_code == 200  # and stays signed in
        assert other_device.get("/profile").status_code == 303  # the other device is out
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 1
    client.cookies.clear()
    sign_in(client, password=NEW_PASSWORD)


def test_deleting_the_account_asks_the_password_and_removes_the_cabinet_data(
        client: TestClient, seller: int, add_store: Callable[..., dict[str, int]], sqlite_engine: Engine) -> None:
    add_store(seller)
    wrong = submit(client, "/profile/delete", {"password": "not-my-password"})
    assert wrong.status_code == 400
    done = submit(client, "/profile/delete", {"password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert client.get("/profile").status_code == 303
    with session_scope(sqlite_engine) as session:
        for model in (User, Account, Store, Product):
            assert session.scalar(select(func.count()).select_from(model)) == 0, model


def test_deleting_a_co_owner_keeps_the_shared_cabinet(
        client: TestClient, seller: int, add_store: Callable[..., dict[str, int]], sqlite_engine: Engine) -> None:
    from marketsync.accounts.models import AccountMember

    add_store(seller)
    with session_scope(sqlite_engine) as session:
        partner = create_user(session, email="partner@example.ru", password=PASSWORD)
        session.add(AccountMember(account_id=seller, user_id=partner.id, role="owner"))
    assert submit(client, "/profile/delete", {"password": PASSWORD}).status_code == 303
    with session_scope(sqlite_engine) as session:
        assert session.get(Account, seller) is not None
        assert session.scalar(select(func.count()).select_from(Product)) > 0


def test_the_instance_owner_cannot_delete_themselves_from_the_web(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    user_id, _ = make_seller()
    with session_scope(sqlite_engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        grant_role(session, user, "system")
    sign_in(client)
    assert submit(client, "/profile/delete", {"password": PASSWORD}).status_code == 403
    with session_scope(sqlite_engine) as session:
        assert session.get(User, user_id) is not None
