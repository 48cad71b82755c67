"""Fixtures shared by the integration tests: a client of the web app on an empty SQLite database, sellers and
their data, Celery tasks run in-process, the stock monitor's alert channels."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import PASSWORD, sign_in
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.models import Product, ProductGroup, Store
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.settings import get_settings
from marketsync.web.app import create_app
from stock_builders import ALERT_EMAIL, CHAT_ID, Channels

_bots = itertools.count(1)


@pytest.fixture
def client(sqlite_engine: Engine) -> Iterator[TestClient]:
    """A browser-like client of a fresh app (cookies kept, redirects not followed)."""
    with TestClient(create_app(), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def make_seller(sqlite_engine: Engine) -> Callable[..., tuple[int, int]]:
    """Create an active seller; return (user id, account id)."""

    def make(email: str = "seller@example.ru", password: str = PASSWORD, **kwargs: Any) -> tuple[int, int]:
        """Create the seller and their cabinet."""
        with session_scope(sqlite_engine) as session:
            user = create_user(session, email=email, password=password, name="Продавец", **kwargs)
            return user.id, primary_account_id(session, user.id)

    return make


@pytest.fixture
def seller(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> int:
    """A signed-in seller; returns their account id."""
    _user_id, account_id = make_seller()
    sign_in(client)
    return account_id


@pytest.fixture
def add_store(sqlite_engine: Engine) -> Callable[..., dict[str, int]]:
    """Give an account an Evotor connection and a store with groups and products; return row ids."""

    def add(account_id: int, *, name: str = "Кофейня на Ленина", groups: int = 2, products_per_group: int = 3,
            unpaid: bool = False) -> dict[str, int]:
        """Create the store, its groups and products."""
        with session_scope(sqlite_engine) as session:
            conn = session.query(Connection).filter_by(account_id=account_id, system="evotor").one_or_none()
            if conn is None:
                conn = Connection(account_id=account_id, system="evotor", settings={},
                                  credentials_encrypted=encrypt_json({"token": "evotor-token-123456"}))
                session.add(conn)
                session.flush()
            store_ext = f"store-{account_id}-{name}"
            store = Store(account_id=account_id, connection_id=conn.id, external_id=store_ext, name=name,
                          address="Москва, ул. Ленина, 1",
                          unavailable_reason="402 Payment Required" if unpaid else None)
            session.add(store)
            ids: dict[str, int] = {}
            for g in range(groups):
                group = ProductGroup(account_id=account_id, connection_id=conn.id, store_external_id=store_ext,
                                     external_id=f"g{g}", name=f"Группа {g}")
                session.add(group)
                session.flush()
                ids[f"group{g}"] = group.id
                for p in range(products_per_group):
                    session.add(Product(account_id=account_id, connection_id=conn.id, store_external_id=store_ext,
                                        external_id=f"p{g}-{p}", group_external_id=f"g{g}",
                                        name=f"Товар {g}-{p:03d}", price=Decimal("1234.50"), measure="шт",
                                        allow_to_sell=p % 2 == 0))
            session.flush()
            ids["store"] = store.id
            ids["connection"] = conn.id
            return ids

    return add


@pytest.fixture
def tasks_run_here() -> Iterator[None]:
    """Run queued Celery tasks in the process that queues them (Celery's own test mode) instead of on a worker."""
    from marketsync.worker import celery_app

    celery_app.loader.import_default_modules()  # the web sends tasks by name; running them here needs them
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
    # Celery's process-wide "joining a result would block" flag, which worker set-up code turns on (a test that ran
    # it leaves it on): a later test's `.get()` on an eager result would be refused as if inside a task.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture
def channels(mailbox: list[EmailMessage], sandbox, sandbox_state, monkeypatch: pytest.MonkeyPatch) -> Channels:  # type: ignore[no-untyped-def]
    """Alerts by e-mail into the SMTP sink and by Telegram into the emulator's operator chat."""
    token = f"{5550000 + next(_bots)}:monitor-bot-token-EEEEEEEEEEEEEEEEEEE"
    sandbox_state.telegram.add_bot(token, "shop_monitor_bot")
    sandbox_state.telegram.add_chat(token, CHAT_ID, first_name="Оператор")
    for key, value in {"ALERT_EMAIL": ALERT_EMAIL, "BOT_TOKEN": token, "ALERT_TELEGRAM_CHAT_ID": str(CHAT_ID),
                       "TELEGRAM_API_URL": f"{sandbox.url}/telegram"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return Channels(mailbox, sandbox_state, token)
