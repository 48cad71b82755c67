"""Billing fixtures: the sandbox YooKassa with one shop, our settings pointing at it, the web app served over real
HTTP (the sandbox posts its notifications there), a seller, and helpers to make and pay a top-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from billing_world import SECRET, SHOP_ID, Shop, payment_row
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.billing import service
from marketsync.billing.models import Payment
from marketsync.db import get_engine, session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.settings import YOOKASSA_NETWORKS, get_settings
from marketsync.web.app import create_app


@pytest.fixture
def shop(env: dict[str, str], sandbox: ServerThread, sandbox_state: Any,
         monkeypatch: pytest.MonkeyPatch) -> Iterator[Shop]:
    """A sandbox YooKassa shop (no notification URL yet) and our settings pointing at it; notifications from this
    machine are allowed."""
    sandbox_state.yookassa.add_shop(SHOP_ID, SECRET)
    sandbox_state.yookassa.notifier.configure(delay_s=0.05, retry_s=0.2)
    values = {"YOOKASSA_API_URL": f"{sandbox.url}/yookassa/v3", "YOOKASSA_SHOP_ID": SHOP_ID,
              "YOOKASSA_SECRET_KEY": SECRET, "YOOKASSA_ALLOWED_NETWORKS": f"{YOOKASSA_NETWORKS},127.0.0.1",
              "YOOKASSA_WIDGET_URL": f"{sandbox.url}/yookassa/checkout-widget/v1/checkout-widget.js",
              "HTTP_BACKOFF_INITIAL_SECONDS": "0.01", "HTTP_BACKOFF_MAX_SECONDS": "0.05"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield Shop(sandbox_state, values["YOOKASSA_API_URL"])


@pytest.fixture
def web(shop: Shop, sqlite_engine: Engine) -> Iterator[str]:
    """The web app on a real port (SQLite); the shop's notifications go to its webhook."""
    with ServerThread(create_app()) as server:
        shop.state.yookassa.add_shop(SHOP_ID, SECRET, f"{server.url}/api/payment/webhook")
        yield server.url


@pytest.fixture
def make_cabinet() -> Callable[..., tuple[int, int]]:
    """Create an active seller on the current database; return (user id, cabinet id)."""

    def make(email: str = "seller@example.ru") -> tuple[int, int]:
        with session_scope(get_engine()) as session:
            user = create_user(session, email=email, password="correct-horse-42", name="Продавец")
            return user.id, primary_account_id(session, user.id)

    return make


@pytest.fixture
def start_topup() -> Callable[..., Payment]:
    """Start a top-up through the service as the page does; return our payment row."""

    def start(user_id: int, account_id: int, amount: str = "1250.00") -> Payment:
        engine = get_engine()
        with session_scope(engine) as session:
            payment_id = service.begin_topup(session, account_id=account_id, user_id=user_id, amount_text=amount)
        service.submit_topup(engine, payment_id=payment_id)
        return payment_row(engine, payment_id)

    return start
