"""Forgotten passwords and invitations: the mailed links, their single use and expiry, and what they change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in, submit
from builders import last_link
from marketsync.accounts.models import ActionToken, User, WebSession
from marketsync.accounts.service import create_user
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings
from marketsync.web.app import create_app

NEW_PASSWORD = "brand-new-secret-7"


def _token(link: str) -> str:
    return link.split("token=", 1)[1]


def test_a_reset_link_sets_a_new_password_once_and_signs_out_everywhere(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    make_seller()
    with TestClient(create_app(), follow_redirects=False) as other_device:
        sign_in(other_device)
        page = submit(client, "/forgot-password", {"email": "Seller@Example.ru"})
        assert page.status_code == 200 and "seller@example.ru" in page.text
        link = last_link(mailbox, "seller@example.ru")
        assert link.startswith("http://testserver/reset-password?token=")
        form = client.get(link)
        assert form.status_code == 200 and 'autocomplete="new-password"' in form.text
        mismatch = submit(client, "/reset-password", {"token": _token(link), "password": NEW_PASSWORD,
                                                      "password_confirm": "other-password-1"})
        assert mismatch.status_code == 400 and "Пароли не совпадают" in mismatch.text
        done = submit(client, "/reset-password", {"token": _token(link), "password": NEW_PASSWORD,
                                                  "password_confirm": NEW_PASSWORD})
        assert done.status_code == 303 and done.headers["location"] == "/login"
        assert other_device.get("/profile").status_code == 303  # the other device is signed out
    wrong = submit(client, "/login", {"email": "seller@example.ru", "password": PASSWORD})
    assert wrong.status_code == 400
    sign_in(client, password=NEW_PASSWORD)
    reused = submit(client, "/reset-password", {"token": _token(link), "password": "third-password-9",
                                                "password_confirm": "third-password-9"})
    assert reused.status_code == 400 and "уже использована" in reused.text
    assert client.get(link).status_code == 400


def test_an_expired_reset_link_offers_a_new_one(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine,
        mailbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch) -> None:
    make_seller()
    submit(client, "/forgot-password", {"email": "seller@example.ru"})
    link = last_link(mailbox, "seller@example.ru")
    with session_scope(sqlite_engine) as session:
        row = session.scalar(select(ActionToken).where(ActionToken.purpose == "reset"))
        assert row is not None
        lifetime = row.expires_at - row.created_at
        assert timedelta(hours=1.9) < lifetime < timedelta(hours=2.1)  # RESET_EXPIRE_HOURS=2
        row.expires_at = utcnow() - timedelta(seconds=1)
    page = client.get(link)
    assert page.status_code == 400 and "истёк" in page.text and "/forgot-password" in page.text
    refused = submit(client, "/reset-password", {"token": _token(link), "password": NEW_PASSWORD,
                                                 "password_confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    sign_in(client)  # the old password still works


def test_forgot_password_answers_the_same_for_unknown_addresses_and_sends_nothing(
        client: TestClient, mailbox: list[EmailMessage]) -> None:
    page = submit(client, "/forgot-password", {"email": "ghost@example.ru"})
    assert page.status_code == 200 and "ghost@example.ru" in page.text
    assert mailbox == []
    assert submit(client, "/forgot-password", {"email": "no-at-sign"}).status_code == 400


def test_a_forged_reset_token_is_refused(client: TestClient) -> None:
    assert client.get("/reset-password?token=forged.value").status_code == 400
    assert client.get("/reset-password").status_code == 400


def _invite(sqlite_engine: Engine, email: str = "invited@example.ru") -> None:
    """Invite a person the way the admin panel does: a pending user without a password, and the mail."""
    from fastapi import BackgroundTasks

    from marketsync.accounts.mail import send_token_mail

    background = BackgroundTasks()
    with session_scope(sqlite_engine) as session:
        user = create_user(session, email=email, password=None, name="Пётр", active=False)
        send_token_mail(background, session, user, "invite")
    for task in background.tasks:
        task.func(*task.args, **task.kwargs)


def test_an_invite_link_finishes_registration_and_signs_the_person_in(
        client: TestClient, sqlite_engine: Engine, mailbox: list[EmailMessage]) -> None:
    _invite(sqlite_engine)
    link = last_link(mailbox, "invited@example.ru")
    assert link.startswith("http://testserver/invite?token=")
    form = client.get(link)
    assert form.status_code == 200 and "invited@example.ru" in form.text and 'value="Пётр"' in form.text
    weak = submit(client, "/invite", {"token": _token(link), "name": "Пётр", "password": "short",
                                      "password_confirm": "short"})
    assert weak.status_code == 400
    done = submit(client, "/invite", {"token": _token(link), "name": "Пётр Иванов", "password": NEW_PASSWORD,
                                      "password_confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/connections"
    assert client.get("/connections").status_code == 200
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User).where(User.email == "invited@example.ru"))
        assert user is not None and user.status == "active" and user.name == "Пётр Иванов"
        assert user.email_confirmed_at is not None
    assert client.get(link).status_code == 400  # single use


def test_an_invite_expires_after_invite_expire_hours_which_may_be_a_fraction(
        client: TestClient, sqlite_engine: Engine, mailbox: list[EmailMessage],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVITE_EXPIRE_HOURS", "0.25")
    get_settings.cache_clear()
    _invite(sqlite_engine)
    link = last_link(mailbox, "invited@example.ru")
    assert "0.25" in mailbox[-1].get_body(("plain",)).get_content()
    with session_scope(sqlite_engine) as session:
        row = session.scalar(select(ActionToken).where(ActionToken.purpose == "invite"))
        assert row is not None
        assert timedelta(minutes=14) < row.expires_at - row.created_at < timedelta(minutes=16)
        row.expires_at = utcnow() - timedelta(seconds=1)
    page = client.get(link)
    assert page.status_code == 400 and "истёк" in page.text
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(User.status).where(User.email == "invited@example.ru")) == "pending"
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_the_chat_widget_never_loads_on_a_page_whose_url_carries_a_token(
        make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine, mailbox: list[EmailMessage],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIVOSITE_WIDGET_ID", "jivo-widget-42")
    get_settings.cache_clear()
    make_seller()
    _invite(sqlite_engine)
    with TestClient(create_app(), follow_redirects=False) as browser:
        assert "code.jivo.ru/widget/jivo-widget-42" in browser.get("/forgot-password").text  # configured
        submit(browser, "/forgot-password", {"email": "seller@example.ru"})
        reset = last_link(mailbox, "seller@example.ru")
        invite = last_link(mailbox, "invited@example.ru")
        for url in (reset, invite, "/confirm-email?token=forged", "/reset-password?token=forged"):
            page = browser.get(url)
            assert page.status_code in (200, 400), url
            assert "jivo" not in page.text, url
        weak = submit(browser, "/reset-password", {"token": _token(reset), "password": "short",
                                                   "password_confirm": "short"})
        assert weak.status_code == 400 and "jivo" not in weak.text  # the form shown again holds the token
