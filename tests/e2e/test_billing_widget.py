"""Topping up in Chromium: /billing opens the (stand-in) YooKassa widget from another origin, which the page's
CSP admits; paying credits the balance once the sandbox's notification arrives, declining credits nothing."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from journey import sign_in

from marketsync.accounts.service import create_user
from marketsync.db import session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.settings import YOOKASSA_NETWORKS, get_settings
from marketsync.web.app import create_app

pytestmark = pytest.mark.timeout(120)
SHOP_ID, SECRET, EMAIL, PASSWORD = "506751", "test_e2e_secret_key_01", "payer@example.ru", "correct-horse-42"


@pytest.fixture
def billing_site(env: dict[str, str], sqlite_engine: Any, sandbox: ServerThread, sandbox_state: Any,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Our web app on a real port, paying through the sandbox YooKassa (another origin, as yookassa.ru is)."""
    for key, value in {"YOOKASSA_API_URL": f"{sandbox.url}/yookassa/v3", "YOOKASSA_SHOP_ID": SHOP_ID,
                       "YOOKASSA_SECRET_KEY": SECRET,
                       "YOOKASSA_ALLOWED_NETWORKS": f"{YOOKASSA_NETWORKS},127.0.0.1",
                       "YOOKASSA_WIDGET_URL": f"{sandbox.url}/yookassa/checkout-widget/v1/checkout-widget.js",
                       }.items():
        monkeypatch.setenv(key, value)
    with ServerThread(create_app()) as server:
        monkeypatch.setenv("BASE_URL", server.url)
        get_settings.cache_clear()
        sandbox_state.yookassa.add_shop(SHOP_ID, SECRET, f"{server.url}/api/payment/webhook")
        sandbox_state.yookassa.notifier.configure(delay_s=0.1)
        with session_scope(sqlite_engine) as session:
            create_user(session, email=EMAIL, password=PASSWORD, name="Плательщик")
        yield server.url


def _settled(page: Any, url: str) -> tuple[str, str]:
    """Reload /billing until the payment leaves "pending" (the notification came); return (status, balance)."""
    deadline = time.monotonic() + 15
    while True:
        page.goto(f"{url}/billing")
        status = str(page.get_attribute("#payments-table tbody tr", "data-status"))
        if status != "pending" or time.monotonic() > deadline:
            return status, str(page.get_attribute("#balance", "data-balance"))
        time.sleep(0.3)


@pytest.mark.parametrize(("button", "balance"), [("Оплатить", "1500.50"), ("Отклонить", "0.00")])
def test_the_widget_pays_or_declines_and_the_balance_follows(billing_site: str, browser: Any, button: str,
                                                             balance: str) -> None:
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, billing_site, EMAIL, PASSWORD)
    page.goto(f"{billing_site}/billing")
    page.fill("#amount", "1500,50")
    page.click("#topup-form button[type=submit]")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(r".*/billing\?payment=\d+$"))
    assert _settled(page, billing_site) == ("succeeded" if balance != "0.00" else "canceled", balance)
    assert blocked == []
    context.close()
