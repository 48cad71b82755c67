"""Topping up from /billing: the amount is checked before anything is created, the payment carries our ids and
opens the widget, and a 500 from YooKassa (before or after it made the payment) still leaves one payment."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from browser import sign_in
from marketsync.billing.models import Payment
from marketsync.db import get_engine, session_scope
from marketsync.http import reset_breakers
from marketsync.web.app import create_app

REFUSED = ["", "   ", "abc", "10.001", "1e3", "1E2", "NaN", "nan", "Infinity", "-inf", "-100", "+100", "0",
           "9.99", "500000.01", "1000000", "١٠٠", "100.", ".50", "1 000", "0x10", "100,505"]
ACCEPTED = [("10", "10.00"), ("1250", "1250.00"), ("1250.5", "1250.50"), ("99,99", "99.99"), ("500000", "500000.00")]


def _payments() -> int:
    with session_scope(get_engine()) as session:
        return int(session.scalar(select(func.count()).select_from(Payment)) or 0)


@pytest.fixture
def page(shop: Any, sqlite_engine: Any, make_cabinet: Callable[..., tuple[int, int]]) -> TestClient:
    """A signed-in seller's browser on the web app."""
    make_cabinet()
    client = TestClient(create_app(), follow_redirects=False)
    sign_in(client)
    return client


@pytest.mark.parametrize("amount", REFUSED)
def test_a_refused_amount_says_why_and_creates_no_payment(page: TestClient, shop: Any, amount: str) -> None:
    response = page.post("/billing/topup", data={"amount": amount, "csrftoken": page.cookies.get("ms_csrf", "")})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert _payments() == 0 and shop.payments() == []


@pytest.mark.parametrize(("amount", "wire"), ACCEPTED)
def test_a_valid_amount_opens_the_widget_with_the_payment_token(page: TestClient, shop: Any, amount: str,
                                                                  wire: str) -> None:
    response = page.post("/billing/topup", data={"amount": amount, "csrftoken": page.cookies.get("ms_csrf", "")})
    assert response.status_code == 200, response.text
    [remote] = shop.payments()
    assert remote["amount"] == {"value": wire, "currency": "RUB"}
    token = remote["confirmation"]["confirmation_token"]
    assert f'data-confirmation-token="{token}"' in response.text
    assert "checkout-widget.js" in response.text and "/static/billing.js" in response.text
    with session_scope(get_engine()) as session:
        [ours] = session.scalars(select(Payment)).all()
    assert remote["metadata"] == {"account_id": str(ours.account_id), "payment_id": str(ours.id)}
    assert ours.amount == Decimal(wire) and ours.status == "pending" and ours.provider_payment_id == remote["id"]
    assert "payment_method_data" not in remote
    # Only this page admits the widget's origin in its CSP.
    assert shop.api_url.split("/yookassa")[0] in response.headers["content-security-policy"]
    assert shop.api_url.split("/yookassa")[0] not in page.get("/profile").headers["content-security-policy"]


@pytest.mark.parametrize("kind", ["500", "lost_write", "429"])
def test_a_500_on_create_is_retried_with_the_same_key_and_leaves_one_payment(
        shop: Any, sqlite_engine: Any, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment], kind: str) -> None:
    user_id, account_id = make_cabinet()
    shop.state.faults.configure("yookassa", rate=1.0, kinds=[kind], max_faults=2, retry_after=0)
    ours = start_topup(user_id, account_id, "777.00")
    [remote] = shop.payments()  # "lost_write" made it and answered 500; the retry's key got the same one back
    assert ours.provider_payment_id == remote["id"] and ours.status == "pending"
    assert shop.state.faults.config("yookassa").injected == 2


def test_a_create_whose_answer_never_came_is_finished_by_the_poll_with_the_same_key(
        shop: Any, sqlite_engine: Any, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    from marketsync.billing import service

    user_id, account_id = make_cabinet()
    engine = get_engine()
    with session_scope(engine) as session:
        payment_id = service.begin_topup(session, account_id=account_id, user_id=user_id, amount_text="300")
    shop.state.faults.configure("yookassa", rate=1.0, kinds=["lost_write"], max_faults=100)
    with pytest.raises(service.TopupError) as refused:
        service.submit_topup(engine, payment_id=payment_id)
    assert refused.value.key == "unavailable"
    assert len(shop.payments()) == 1  # YooKassa made it; we do not know its id yet
    shop.state.faults.clear()
    reset_breakers()  # a while later: the breaker the failures opened has closed again
    assert service.poll_open_payments(engine) == 0  # re-POSTed with the same key: the same payment, still pending
    assert len(shop.payments()) == 1
    with session_scope(engine) as session:
        ours = session.get(Payment, payment_id)
        assert ours is not None and ours.provider_payment_id == shop.payments()[0]["id"]


@pytest.mark.parametrize("send", [False, True])
def test_a_receipt_goes_with_the_payment_only_when_asked(
        shop: Any, sqlite_engine: Any, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment], monkeypatch: pytest.MonkeyPatch, send: bool) -> None:
    from marketsync.settings import get_settings

    monkeypatch.setenv("YOOKASSA_SEND_RECEIPT", "true" if send else "false")
    get_settings.cache_clear()
    user_id, account_id = make_cabinet()
    start_topup(user_id, account_id, "100")
    [remote] = shop.payments()
    assert ("receipt_registration" in remote) is send


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_billing_page_renders_in_both_languages(page: TestClient, locale: str) -> None:
    page.cookies.set("ms_lang", locale)
    response = page.get("/billing")
    assert response.status_code == 200
    assert response.headers["content-language"] == locale and f'lang="{locale}"' in response.text
    if locale == "en":  # the Russian words arrive with the merged catalog (notes/ru-wt-billing.json)
        assert "Balance and payments" in response.text
    assert 'id="spending-chart"' in response.text and 'id="topup-form"' in response.text
