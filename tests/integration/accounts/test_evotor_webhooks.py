"""The Evotor app webhooks: what the Evotor cloud gets back when a seller installs MarketSync from the Evotor
market (register or link a user, deliver the cloud token), and what the seller then finds in MarketSync."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in
from builders import last_link, seed_catalog
from marketsync.accounts.models import OAuthIdentity, User
from marketsync.accounts.service import primary_account_id, suspend
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import decrypt_json
from marketsync.settings import get_settings

SECRET = "evotor-app-secret-0001"
USER_ID = "01-000000000000001"
PATHS = ["/user/create", "/user/verify", "/user/token"]
VALID_BODIES = {
    "/user/create": {"userId": USER_ID},
    "/user/verify": {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD},
    "/user/token": {"userId": USER_ID, "token": "f46b89a5-8e80-4591-b0aa-94551790444b"},
}


@pytest.fixture
def evotor(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """The Evotor cloud calling our webhooks with the app token configured as EVOTOR_WEBHOOK_SECRET."""
    monkeypatch.setenv("EVOTOR_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()

    def call(path: str, body: Any, *, authorization: str | None = f"Bearer {SECRET}") -> Any:
        """POST a JSON body (or raw text) the way the Evotor cloud does."""
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        content = body if isinstance(body, str) else json.dumps(body)
        return client.post(path, content=content, headers=headers)

    yield call
    get_settings.cache_clear()


def _users(engine: Engine) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        return [(u.email, u.status) for u in session.scalars(select(User).order_by(User.id))]


def _identity_owner(engine: Engine, user_id: str = USER_ID) -> str | None:
    with session_scope(engine) as session:
        identity = session.scalar(select(OAuthIdentity).where(OAuthIdentity.provider == "evotor",
                                                              OAuthIdentity.subject == user_id))
        return None if identity is None else session.get(User, identity.user_id).email  # type: ignore[union-attr]


def _connections(engine: Engine) -> list[tuple[int, int, str, str, str]]:
    with session_scope(engine) as session:
        return [(c.id, c.account_id, c.system, c.status, c.credentials_encrypted)
                for c in session.scalars(select(Connection))]


def _error(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.text
    [error] = response.json()["errors"]
    return dict(error)


# -- the app token --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("authorization", [None, f"Basic {SECRET}", "Bearer wrong-secret", f"bearer{SECRET}"])
def test_a_call_without_the_right_app_token_is_refused_with_1001_and_changes_nothing(
        evotor: Callable[..., Any], path: str, authorization: str | None, sqlite_engine: Engine) -> None:
    response = evotor(path, VALID_BODIES[path], authorization=authorization)
    assert response.status_code == 401
    assert _error(response)["code"] == 1001
    assert _users(sqlite_engine) == []


@pytest.mark.parametrize("path", PATHS)
def test_nothing_gets_in_while_no_webhook_secret_is_configured(
        evotor: Callable[..., Any], path: str, monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine) -> None:
    monkeypatch.delenv("EVOTOR_WEBHOOK_SECRET")
    get_settings.cache_clear()
    for authorization in (f"Bearer {SECRET}", "Bearer ", "Bearer None"):
        response = evotor(path, VALID_BODIES[path], authorization=authorization)
        assert response.status_code == 401 and _error(response)["code"] == 1001
    assert _users(sqlite_engine) == []


@pytest.mark.parametrize("path", PATHS)
def test_the_right_app_token_is_checked_before_the_body(evotor: Callable[..., Any], path: str) -> None:
    response = evotor(path, "{not json", authorization="Bearer wrong-secret")
    assert response.status_code == 401 and _error(response)["code"] == 1001


# -- bodies Evotor cannot have meant --------------------------------------------------------------------------

@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("body", ["{not json", "", "[1, 2]", '"01-000000000000001"', "\xff"])
def test_a_body_that_is_not_a_json_object_is_a_syntax_error_2001(
        evotor: Callable[..., Any], path: str, body: str) -> None:
    response = evotor(path, body)
    assert response.status_code == 400
    assert _error(response)["code"] == 2001


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(("user_id", "reason"), [(None, "missing"), ("", "missing"), ("12345", "incorrect"),
                                                 ("1-000000000000001", "incorrect"), (12, "incorrect"),
                                                 ("01-000000000000001\n", "incorrect")])
def test_a_missing_or_malformed_user_id_is_2002_naming_the_field(
        evotor: Callable[..., Any], path: str, user_id: Any, reason: str, sqlite_engine: Engine) -> None:
    body = {k: v for k, v in VALID_BODIES[path].items() if k != "userId"}
    if user_id is not None:
        body["userId"] = user_id
    response = evotor(path, body)
    assert response.status_code == 400
    assert _error(response) == {"code": 2002, "reason": reason, "subject": "userId"}
    assert _users(sqlite_engine) == []


@pytest.mark.parametrize(("path", "field"), [("/user/verify", "username"), ("/user/verify", "password"),
                                             ("/user/token", "token")])
def test_a_missing_required_field_is_2002_naming_it(evotor: Callable[..., Any], path: str, field: str) -> None:
    body = {k: v for k, v in VALID_BODIES[path].items() if k != field}
    response = evotor(path, body)
    assert response.status_code == 400
    assert _error(response) == {"code": 2002, "reason": "missing", "subject": field}


def test_other_methods_answer_json_not_a_page(evotor: Callable[..., Any], client: TestClient) -> None:
    response = client.get("/user/create")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["code"] == 405


def test_the_webhooks_are_documented_in_the_api_schema(evotor: Callable[..., Any], client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in PATHS:
        operation = paths[path]["post"]
        assert operation["tags"] == ["evotor-webhooks"]
        assert "userId" in operation["requestBody"]["content"]["application/json"]["schema"]["required"]
        assert {"200", "400", "401"} <= set(operation["responses"])
        assert "get" not in paths[path]


# -- /user/create ---------------------------------------------------------------------------------------------

def test_registering_answers_a_token_and_a_replay_answers_the_same_one_creating_nothing(
        evotor: Callable[..., Any], sqlite_engine: Engine) -> None:
    first = evotor("/user/create", {"userId": USER_ID, "shopName": "a custom field we ignore"})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/json")
    body = first.json()
    assert body["userId"] == USER_ID and set(body) == {"userId", "token"}
    assert 16 <= len(body["token"]) <= 128
    # Without an e-mail the seller gets a placeholder address no mail is ever sent to, and waits pending.
    assert _users(sqlite_engine) == [(f"evotor-{USER_ID}@users.evotor.invalid", "pending")]

    replay = evotor("/user/create", {"userId": USER_ID})
    assert replay.status_code == 200 and replay.json() == body
    assert len(_users(sqlite_engine)) == 1
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(OAuthIdentity)) == 1
        identity = session.scalar(select(OAuthIdentity))
        assert identity is not None and body["token"] not in (identity.secret or "")

    other = evotor("/user/create", {"userId": "01-000000000000002"})
    assert other.status_code == 200 and other.json()["token"] != body["token"]
    assert len(_users(sqlite_engine)) == 2


def test_registering_with_an_email_makes_a_pending_user_and_mails_an_invite(
        evotor: Callable[..., Any], mailbox: list[EmailMessage], sqlite_engine: Engine) -> None:
    response = evotor("/user/create", {"userId": USER_ID, "email": " Novyi@Example.ru ", "name": "Анна Петрова",
                                       "phone": "+7 900 000-00-00"})
    assert response.status_code == 200, response.text
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User))
        assert user is not None
        assert (user.email, user.status, user.name, user.phone, user.password_hash) == (
            "novyi@example.ru", "pending", "Анна Петрова", "+7 900 000-00-00", None)
        primary_account_id(session, user.id)  # they have their own cabinet
    assert _identity_owner(sqlite_engine) == "novyi@example.ru"
    link = last_link(mailbox, "novyi@example.ru")
    assert link.startswith("http://testserver/invite?token=")

    evotor("/user/create", {"userId": USER_ID, "email": "novyi@example.ru"})
    assert len([m for m in mailbox if m["To"] == "novyi@example.ru"]) == 1  # a replay mails nothing again


def test_registering_with_an_email_of_an_existing_user_is_409_2005(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller(email="seller@example.ru")
    response = evotor("/user/create", {"userId": USER_ID, "email": "SELLER@example.ru"})
    assert response.status_code == 409
    assert _error(response)["code"] == 2005
    assert len(_users(sqlite_engine)) == 1 and _identity_owner(sqlite_engine) is None


@pytest.mark.parametrize(("field", "value"), [("email", "not an e-mail"), ("phone", "9" * 40), ("name", ["x"])])
def test_registering_with_an_unusable_field_is_2002_naming_it(
        evotor: Callable[..., Any], field: str, value: Any, sqlite_engine: Engine) -> None:
    response = evotor("/user/create", {"userId": USER_ID, field: value})
    assert response.status_code == 400
    assert _error(response) == {"code": 2002, "reason": "incorrect", "subject": field}
    assert _users(sqlite_engine) == []


# -- /user/verify ---------------------------------------------------------------------------------------------

def test_an_existing_seller_links_their_evotor_account_with_their_password(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller(email="seller@example.ru")
    response = evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["userId"] == USER_ID and body["hasBilling"] is False and 16 <= len(body["token"]) <= 128
    assert _identity_owner(sqlite_engine) == "seller@example.ru"

    again = evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD})
    assert again.json()["token"] == body["token"]
    # A later /user/create for the linked userId is a replay: the same token, no second user.
    create = evotor("/user/create", {"userId": USER_ID})
    assert create.status_code == 200 and create.json()["token"] == body["token"]
    assert len(_users(sqlite_engine)) == 1


def test_an_unconfirmed_email_cannot_be_linked_even_with_the_right_password(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    # Whoever registered someone else's address without confirming it must not tie their Evotor to it.
    make_seller(email="pending@example.ru", active=False)
    response = evotor("/user/verify", {"userId": USER_ID, "username": "pending@example.ru", "password": PASSWORD})
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == 1006
    assert _identity_owner(sqlite_engine) is None


def test_a_wrong_password_an_unknown_email_or_a_suspended_seller_is_1006(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller(email="seller@example.ru")
    make_seller(email="blocked@example.ru")
    with session_scope(sqlite_engine) as session:
        blocked = session.scalar(select(User).where(User.email == "blocked@example.ru"))
        assert blocked is not None
        suspend(session, blocked)
    for username, password in [("seller@example.ru", "wrong-password"), ("nobody@example.ru", PASSWORD),
                               ("blocked@example.ru", PASSWORD)]:
        response = evotor("/user/verify", {"userId": USER_ID, "username": username, "password": password})
        assert response.status_code == 401, username
        assert _error(response) == {"code": 1006}
    assert _identity_owner(sqlite_engine) is None


def test_the_eleventh_wrong_password_in_a_minute_is_refused_even_when_right(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller(email="seller@example.ru")
    for attempt in range(10):
        response = evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru",
                                           "password": f"guess-{attempt}"})
        assert _error(response) == {"code": 1006}
    response = evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD})
    assert response.status_code == 401
    error = _error(response)
    assert error["code"] == 1006 and "too many attempts" in error["reason"]


def test_a_user_id_linked_to_another_seller_cannot_be_taken_over_409_2005(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller(email="first@example.ru")
    make_seller(email="second@example.ru")
    evotor("/user/verify", {"userId": USER_ID, "username": "first@example.ru", "password": PASSWORD})
    response = evotor("/user/verify", {"userId": USER_ID, "username": "second@example.ru", "password": PASSWORD})
    assert response.status_code == 409 and _error(response)["code"] == 2005
    assert _identity_owner(sqlite_engine) == "first@example.ru"


# -- /user/token ----------------------------------------------------------------------------------------------

def test_the_cloud_token_becomes_the_cabinets_evotor_connection_stored_encrypted(
        evotor: Callable[..., Any], sqlite_engine: Engine) -> None:
    evotor("/user/create", {"userId": USER_ID})
    cloud_token = "f46b89a5-8e80-4591-b0aa-94551790444b"
    response = evotor("/user/token", {"userId": USER_ID, "token": cloud_token})
    assert response.status_code == 200, response.text
    assert response.json() == {}
    [(conn_id, account_id, system, status, encrypted)] = _connections(sqlite_engine)
    assert (system, status) == ("evotor", "active")
    assert cloud_token not in encrypted and decrypt_json(encrypted) == {"token": cloud_token}
    with session_scope(sqlite_engine) as session:
        user = session.scalar(select(User))
        assert user is not None and primary_account_id(session, user.id) == account_id

    assert evotor("/user/token", {"userId": USER_ID, "token": cloud_token}).status_code == 200
    assert [row[:4] for row in _connections(sqlite_engine)] == [(conn_id, account_id, "evotor", "active")]

    renewed = "0a1b2c3d-0000-4000-8000-000000000001"
    assert evotor("/user/token", {"userId": USER_ID, "token": renewed}).status_code == 200
    [(same_id, _account, _system, _status, encrypted)] = _connections(sqlite_engine)
    assert same_id == conn_id and decrypt_json(encrypted) == {"token": renewed}


def test_a_cloud_token_for_an_unknown_user_id_is_404(evotor: Callable[..., Any], sqlite_engine: Engine) -> None:
    response = evotor("/user/token", {"userId": USER_ID, "token": "f46b89a5-8e80-4591-b0aa-94551790444b"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == 404
    assert _connections(sqlite_engine) == []



def test_after_installing_the_app_the_seller_finds_their_evotor_stores(
        evotor: Callable[..., Any], client: TestClient, make_seller: Callable[..., tuple[int, int]],
        sandbox_state: Any, tasks_run_here: None) -> None:
    # The real catalog refresh reads the sandboxed Evotor cloud right after /user/token answered.
    catalog = seed_catalog(sandbox_state, prefix="w", stores=2)
    make_seller(email="seller@example.ru")
    evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD})
    assert evotor("/user/token", {"userId": USER_ID, "token": catalog.evotor_token}).status_code == 200

    sign_in(client)
    page = client.get("/catalog/stores")
    assert page.status_code == 200
    assert "Магазин w0" in page.text and "Магазин w1" in page.text
    connections = client.get("/connections").text
    # Evotor yes; VK and the three marketplaces not yet
    assert "Подключено" in connections and connections.count("Не подключено") == 4


def test_webhook_calls_are_logged_without_secrets(
        evotor: Callable[..., Any], make_seller: Callable[..., tuple[int, int]],
        caplog: pytest.LogCaptureFixture) -> None:
    make_seller(email="seller@example.ru")
    with caplog.at_level(logging.INFO, logger="marketsync.accounts.webhook_views"):
        answer = evotor("/user/verify", {"userId": USER_ID, "username": "seller@example.ru", "password": PASSWORD})
        evotor("/user/token", {"userId": USER_ID, "token": "cloud-token-never-logged"})
    assert f"/user/verify userId={USER_ID} -> 200" in caplog.text
    assert "/user/token" in caplog.text
    for secret in (SECRET, PASSWORD, answer.json()["token"], "cloud-token-never-logged"):
        assert secret not in caplog.text
