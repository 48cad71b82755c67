"""Evotor retrying its webhooks at once: parallel replays of /user/create answer one token in JSON, and a
webhook that fails half-way leaves nothing behind and still answers in Evotor's envelope."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from marketsync.accounts import evotor_app
from marketsync.accounts.models import OAuthIdentity, User
from marketsync.db import session_scope
from marketsync.settings import get_settings

SECRET = "evotor-app-secret-0001"
USER_ID = "01-000000000000001"
REPLAYS = 8


@pytest.fixture
def evotor(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """The Evotor cloud calling our webhooks with the app token configured."""
    monkeypatch.setenv("EVOTOR_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()

    def call(path: str, body: dict[str, Any]) -> Any:
        """POST a JSON body the way the Evotor cloud does."""
        return client.post(path, content=json.dumps(body), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {SECRET}"})

    yield call
    get_settings.cache_clear()


def _slow_down_user_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    real_create = evotor_app.create_user

    def slow_create(*args: Any, **kwargs: Any) -> User:
        time.sleep(0.1)  # every replay has looked for the link before any of them creates the user
        return real_create(*args, **kwargs)

    monkeypatch.setattr(evotor_app, "create_user", slow_create)


def _count(engine: Engine, model: type[Any]) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("email", [None, "novyi@example.ru"])
def test_parallel_replays_of_a_registration_answer_the_same_token(
        evotor: Callable[..., Any], sqlite_engine: Engine, mailbox: list[EmailMessage],
        monkeypatch: pytest.MonkeyPatch, email: str | None) -> None:
    _slow_down_user_creation(monkeypatch)
    body = {"userId": USER_ID, **({"email": email} if email else {})}
    with ThreadPoolExecutor(max_workers=REPLAYS) as pool:
        responses = list(pool.map(lambda _: evotor("/user/create", body), range(REPLAYS)))
    for response in responses:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
    assert len({r.json()["token"] for r in responses}) == 1
    assert _count(sqlite_engine, User) == 1 and _count(sqlite_engine, OAuthIdentity) == 1
    assert len([m for m in mailbox if m["To"] == email]) == (1 if email else 0)


def test_parallel_registrations_on_every_database_keep_one_link(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_down_user_creation(monkeypatch)

    def register(_: int) -> str:
        with session_scope(engine) as session:
            return evotor_app.register(session, {"userId": USER_ID, "email": "novyi@example.ru"}).token

    with ThreadPoolExecutor(max_workers=4) as pool:
        tokens = list(pool.map(register, range(4)))
    assert len(set(tokens)) == 1
    assert _count(engine, User) == 1 and _count(engine, OAuthIdentity) == 1


def test_a_registration_failing_half_way_keeps_nothing_and_answers_json(
        evotor: Callable[..., Any], sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_mail(*_args: Any, **_kwargs: Any) -> bool:
        raise RuntimeError("mail templates missing")

    monkeypatch.setattr("marketsync.accounts.webhook_views.send_token_mail", broken_mail)
    response = evotor("/user/create", {"userId": USER_ID, "email": "novyi@example.ru"})
    assert response.status_code == 500
    assert response.json() == {"errors": [{"code": 500, "reason": "internal error"}]}
    # Nothing was kept: Evotor's retry registers the seller afresh and the invite is mailed then.
    assert _count(sqlite_engine, User) == 0 and _count(sqlite_engine, OAuthIdentity) == 0


def test_a_failing_commit_after_a_webhook_still_answers_evotors_envelope(
        evotor: Callable[..., Any], sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.orm import Session

    from marketsync.web.app import create_app

    def failing_commit(self: Session) -> None:
        raise RuntimeError("the database went away")

    with TestClient(create_app(), raise_server_exceptions=False) as server:
        monkeypatch.setattr(Session, "commit", failing_commit)
        response = server.post("/user/create", content=json.dumps({"userId": USER_ID}), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 500
    assert response.json() == {"errors": [{"code": 500, "reason": "internal error"}]}
