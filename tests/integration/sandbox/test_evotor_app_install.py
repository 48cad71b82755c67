"""The sandboxed Evotor cloud installs the MarketSync app the way the real cloud does: it calls the running
product's webhooks over HTTP, and the seller ends up with a user, a cabinet and a working Evotor connection."""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from builders import last_link
from marketsync.accounts.models import OAuthIdentity, User
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.models import Store
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.sandbox.server import ServerThread, free_port
from marketsync.security import decrypt_json
from marketsync.settings import get_settings

SECRET = "evotor-app-secret-0001"
USER_ID = "01-000000000000042"
PASSWORD = "correct-horse-42"



@pytest.fixture
def product(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch, tasks_run_here: None) -> Iterator[ServerThread]:
    """MarketSync served over HTTP with the Evotor app's webhook secret configured."""
    monkeypatch.setenv("EVOTOR_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    from marketsync.web.app import create_app

    with ServerThread(create_app()) as server:
        yield server


def _install(sandbox_url: str, **body: Any) -> dict[str, Any]:
    response = httpx.post(f"{sandbox_url}/_control/install", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _linked_user(engine: Engine, user_id: str = USER_ID) -> tuple[str, str] | None:
    with session_scope(engine) as session:
        identity = session.scalar(select(OAuthIdentity).where(OAuthIdentity.subject == user_id))
        if identity is None:
            return None
        user = session.get(User, identity.user_id)
        assert user is not None
        return user.email, user.status


def _evotor_token(engine: Engine, email: str) -> str | None:
    with session_scope(engine) as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        conn = session.scalar(select(Connection).where(
            Connection.account_id == primary_account_id(session, user.id), Connection.system == "evotor"))
        return None if conn is None else str(decrypt_json(conn.credentials_encrypted)["token"])


def _store_names(engine: Engine, timeout: float = 20) -> list[str]:
    # The catalog is read after /user/token answered: wait for it like a seller reloading the page.
    deadline = time.monotonic() + timeout
    while True:
        with session_scope(engine) as session:
            names = sorted(session.scalars(select(Store.name)))
        if names or time.monotonic() > deadline:
            return names
        time.sleep(0.2)


def test_installing_the_app_registers_the_seller_and_connects_their_evotor_catalog(
        product: ServerThread, sandbox: ServerThread, sandbox_state: Any, sqlite_engine: Engine,
        mailbox: list[EmailMessage]) -> None:
    answer = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token=SECRET, user_id=USER_ID,
                      fields={"email": "anna@example.ru", "name": "Анна", "shop": "ignored"})
    assert answer["ok"] is True, answer
    create, token_call = answer["calls"]
    assert (create["path"], create["status"]) == ("/user/create", 200)
    assert create["body"]["userId"] == USER_ID and create["body"]["token"] == answer["partner_token"]
    assert (token_call["path"], token_call["status"]) == ("/user/token", 200)

    assert _linked_user(sqlite_engine) == ("anna@example.ru", "pending")
    deadline = time.monotonic() + 10  # the invite leaves after /user/create answered
    while not any(m["To"] == "anna@example.ru" for m in mailbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert last_link(mailbox, "anna@example.ru").startswith("http://testserver/invite?token=")
    cloud_token = _evotor_token(sqlite_engine, "anna@example.ru")
    assert cloud_token == answer["cloud_token"]
    stores = httpx.get(f"{sandbox.url}/evotor/stores", headers={"Authorization": f"Bearer {cloud_token}"})
    assert stores.status_code == 200 and len(stores.json()["items"]) == 1
    assert _store_names(sqlite_engine) == ["Магазин 0042"]  # the catalog refresh really read the cloud


def test_installing_again_replays_the_registration_and_keeps_one_connection(
        product: ServerThread, sandbox: ServerThread, sandbox_state: Any, sqlite_engine: Engine) -> None:
    first = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token=SECRET, user_id=USER_ID)
    second = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token=SECRET, user_id=USER_ID)
    assert first["ok"] and second["ok"]
    assert second["partner_token"] == first["partner_token"]
    assert _linked_user(sqlite_engine) == (f"evotor-{USER_ID}@users.evotor.invalid", "pending")
    with session_scope(sqlite_engine) as session:
        assert len(list(session.scalars(select(User)))) == 1
        assert len(list(session.scalars(select(Connection)))) == 1
    assert _evotor_token(sqlite_engine, f"evotor-{USER_ID}@users.evotor.invalid") == second["cloud_token"]


def test_a_seller_with_an_account_installs_by_signing_in_and_a_wrong_password_links_nothing(
        product: ServerThread, sandbox: ServerThread, sandbox_state: Any, sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        create_user(session, email="seller@example.ru", password=PASSWORD)
    tokens_before = dict(sandbox_state.evotor.tokens())

    wrong = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token=SECRET, user_id=USER_ID,
                     username="seller@example.ru", password="not-my-password")
    assert wrong["ok"] is False
    [call] = wrong["calls"]
    assert call["status"] == 401 and call["body"] == {"errors": [{"code": 1006}]}
    assert call["request"]["password"] == "***"
    assert _linked_user(sqlite_engine) is None and sandbox_state.evotor.tokens() == tokens_before

    checked = httpx.post(f"{sandbox.url}/evotor/_control/verify", json={
        "partner_url": product.url, "app_token": SECRET, "user_id": USER_ID, "username": "seller@example.ru",
        "password": PASSWORD}, timeout=30).json()
    assert checked["ok"] is True and checked["calls"][0]["body"]["hasBilling"] is False

    right = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token=SECRET, user_id=USER_ID,
                     username="seller@example.ru", password=PASSWORD)
    assert right["ok"] is True, right
    assert [c["path"] for c in right["calls"]] == ["/user/verify", "/user/token"]
    assert _linked_user(sqlite_engine) == ("seller@example.ru", "active")
    assert _evotor_token(sqlite_engine, "seller@example.ru") == right["cloud_token"]


def test_a_wrong_app_token_or_an_unreachable_partner_installs_nothing(
        product: ServerThread, sandbox: ServerThread, sandbox_state: Any, sqlite_engine: Engine) -> None:
    refused = _install(f"{sandbox.url}/evotor", partner_url=product.url, app_token="not-the-secret",
                       user_id=USER_ID)
    assert refused["ok"] is False
    assert refused["calls"][0]["status"] == 401 and refused["calls"][0]["body"]["errors"][0]["code"] == 1001

    gone = _install(f"{sandbox.url}/evotor", partner_url=f"http://127.0.0.1:{free_port()}", app_token=SECRET,
                    user_id=USER_ID)
    assert gone["ok"] is False and gone["calls"][0]["error"].startswith("ConnectError")
    assert _linked_user(sqlite_engine) is None and sandbox_state.evotor.tokens() == {}

    bad = httpx.post(f"{sandbox.url}/evotor/_control/install", json={"partner_url": "ftp://x", "app_token": "t"})
    assert bad.status_code == 400


def test_in_demo_mode_the_sandbox_installs_the_app_on_its_own_server_for_the_seeded_catalog(
        sandbox: ServerThread, sandbox_state: Any, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        tasks_run_here: None) -> None:
    monkeypatch.setenv("EVOTOR_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    get_settings.cache_clear()
    from marketsync.web.app import create_app

    with ServerThread(create_app()) as demo:
        monkeypatch.setenv("EVOTOR_API_URL", f"{demo.url}/sandbox/evotor")
        get_settings.cache_clear()
        seeded = httpx.post(f"{demo.url}/sandbox/_control/seed", json={"products": 30}, timeout=30).json()
        sandbox_state.evotor.rate_limit = None
        answer = _install(f"{demo.url}/sandbox/evotor", partner_url=demo.url, app_token=SECRET)
        assert answer["ok"] is True, answer
        assert answer["user_id"] == seeded["evotor_user_id"]
        assert _linked_user(sqlite_engine, seeded["evotor_user_id"]) is not None
        assert _store_names(sqlite_engine) == ["Лавка на Садовой", "Магазин на Ленина", "Продукты у дома"]
