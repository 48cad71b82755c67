"""YooKassa's notifications at /api/payment/webhook: one credit whatever the replays, their order or their
concurrency, on SQLite, PostgreSQL and MariaDB; nothing for a forged one; 403 for a stranger; refunds debit once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from billing_world import SHOP_ID, payment_row, post_json
from marketsync.billing import service
from marketsync.billing.models import LedgerEntry, Payment
from marketsync.db import get_engine, session_scope
from marketsync.sandbox.server import ServerThread
from marketsync.settings import YOOKASSA_NETWORKS, get_settings
from marketsync.web.app import create_app

REPLAYS = 20


def _balance(account_id: int) -> Decimal:
    with session_scope(get_engine()) as session:
        assert service.ledger_sum(session, account_id) == service.balance(session, account_id)
        return service.balance(session, account_id)


def _entries(kind: str) -> int:
    with session_scope(get_engine()) as session:
        return int(session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == kind)) or 0)


def _wait(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def app_on(shop: Any) -> Callable[[], Any]:
    """Serve the web app on a real port over whichever database the test chose."""
    def serve() -> ServerThread:
        return ServerThread(create_app())
    return serve


def test_twenty_concurrent_replays_credit_once_on_every_database(
        engine: Engine, shop: Any, app_on: Callable[[], ServerThread], make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment]) -> None:
    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "1250.00")
    shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")  # no notification URL: we send the replays
    body = shop.paid_notification(ours.provider_payment_id)
    with app_on() as server, ThreadPoolExecutor(max_workers=REPLAYS) as pool:
        answers = list(pool.map(lambda _: post_json(f"{server.url}/api/payment/webhook", body), range(REPLAYS)))
    assert all(a.status_code < 500 for a in answers), [a.status_code for a in answers]
    assert [a.status_code for a in answers] == [200] * REPLAYS, [a.text for a in answers]
    assert sorted(a.json()["detail"] for a in answers).count("credited") == 1
    assert _balance(account_id) == Decimal("1250.00") and _entries("payment") == 1
    assert payment_row(engine, ours.id).status == "succeeded"


def test_the_widget_payment_is_credited_once_through_duplicate_and_out_of_order_notifications(
        web: str, shop: Any, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment]) -> None:
    shop.state.yookassa.notifier.configure(duplicates=3, out_of_order=True, spread_s=0.3, seed=7)
    user_id, account_id = make_cabinet()
    paid = start_topup(user_id, account_id, "500")
    declined = start_topup(user_id, account_id, "700")
    httpx.post(f"{shop.api_url.rsplit('/v3', 1)[0]}/checkout/ct-{paid.provider_payment_id}/pay").raise_for_status()
    httpx.post(f"{shop.api_url.rsplit('/v3', 1)[0]}/checkout/ct-{declined.provider_payment_id}/decline")
    _wait(lambda: shop.state.yookassa.notifier.idle() and len(shop.state.yookassa.notifier.deliveries) >= 8)
    assert {d.status for d in shop.state.yookassa.notifier.deliveries} == {200}
    assert _balance(account_id) == Decimal("500.00") and _entries("payment") == 1
    assert payment_row(get_engine(), declined.id).status == "canceled"


@pytest.mark.parametrize("forgery", ["unknown_payment", "still_pending", "wrong_amount", "other_metadata"])
def test_a_forged_notification_credits_nothing(web: str, shop: Any, make_cabinet: Callable[..., tuple[int, int]],
                                               start_topup: Callable[..., Payment], forgery: str) -> None:
    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "100.00")
    obj = dict(shop.state.yookassa.payment(SHOP_ID, ours.provider_payment_id), status="succeeded", paid=True)
    if forgery == "unknown_payment":
        obj["id"] = "2d3b3b5e-000f-5000-8000-000000000000"
        obj["metadata"] = {"payment_id": str(ours.id), "account_id": str(account_id)}
    elif forgery == "wrong_amount":  # YooKassa's own payment of 1 ₽ dressed as ours
        with shop.state.lock:
            shop.state.yookassa.payments[ours.provider_payment_id]["amount"]["value"] = "1.00"
        shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")
    elif forgery == "other_metadata":
        with shop.state.lock:
            shop.state.yookassa.payments[ours.provider_payment_id]["metadata"]["account_id"] = "999"
        shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")
    answer = post_json(f"{web}/api/payment/webhook", {"type": "notification", "event": "payment.succeeded",
                                                      "object": obj})
    assert answer.status_code in (200, 400) and answer.status_code < 500
    assert _balance(account_id) == Decimal("0.00") and _entries("payment") == 0
    assert payment_row(get_engine(), ours.id).credited_at is None


def test_a_notification_from_outside_yookassas_networks_is_refused(
        shop: Any, sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        make_cabinet: Callable[..., tuple[int, int]], start_topup: Callable[..., Payment]) -> None:
    monkeypatch.setenv("YOOKASSA_ALLOWED_NETWORKS", YOOKASSA_NETWORKS)  # 127.0.0.1 is not YooKassa
    get_settings.cache_clear()
    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "100.00")
    shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")
    body = shop.paid_notification(ours.provider_payment_id)
    with ServerThread(create_app()) as server:
        url = f"{server.url}/api/payment/webhook"
        assert post_json(url, body).status_code == 403
        # A client cannot name itself YooKassa: 127.0.0.1 is a trusted proxy, so its X-Forwarded-For counts...
        assert post_json(url, body, {"X-Forwarded-For": "77.75.153.10, 10.0.0.1"}).status_code == 403
        assert _balance(account_id) == Decimal("0.00")
        # ...and names YooKassa's address when the proxy put it last.
        assert post_json(url, body, {"X-Forwarded-For": "10.0.0.1, 77.75.153.10"}).status_code == 200
    assert _balance(account_id) == Decimal("100.00")


def test_a_refund_debits_once_and_the_ledger_sums_to_the_balance(
        web: str, shop: Any, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment]) -> None:
    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "1000.00")
    shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")
    _wait(lambda: _entries("payment") == 1)
    state = service.refund_payment(get_engine(), payment_id=ours.id, amount_text="400", idempotence_key="r-1")
    assert state == "debited"
    again = service.refund_payment(get_engine(), payment_id=ours.id, amount_text="400", idempotence_key="r-1")
    assert again == "already_debited"  # the same form twice: YooKassa's key answered the same refund
    _wait(lambda: shop.state.yookassa.notifier.idle())
    time.sleep(0.3)  # the refund.succeeded notification has been handled too
    assert _balance(account_id) == Decimal("600.00") and _entries("refund") == 1
    assert payment_row(get_engine(), ours.id).refunded_amount == Decimal("400.00")


def test_a_payment_whose_notification_is_lost_is_settled_by_the_poll(
        shop: Any, sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment], monkeypatch: pytest.MonkeyPatch) -> None:
    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "250.00")
    shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")  # no notification URL: it never comes
    assert service.poll_open_payments(get_engine()) == 0  # looked at a moment ago, when it was created
    monkeypatch.setenv("YOOKASSA_POLL_SECONDS", "1")
    get_settings.cache_clear()
    time.sleep(1.1)
    assert service.poll_open_payments(get_engine()) == 1
    assert service.poll_open_payments(get_engine()) == 0
    assert _balance(account_id) == Decimal("250.00")


@pytest.fixture(autouse=True)
def _quiet_notifier(shop: Any) -> Iterator[None]:
    yield
    _wait(lambda: shop.state.yookassa.notifier.idle())


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"type": "notification"}',
                                  b'{"type": "notification", "event": "payment.succeeded", "object": {"id": 5}}'])
def test_a_body_that_is_not_a_notification_gets_400(web: str, body: bytes) -> None:
    answer = httpx.post(f"{web}/api/payment/webhook", content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


def test_yookassa_unreachable_asks_for_the_notification_again_without_a_5xx(
        web: str, shop: Any, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment]) -> None:
    from marketsync.http import reset_breakers

    user_id, account_id = make_cabinet()
    ours = start_topup(user_id, account_id, "100.00")
    shop.state.yookassa.pay(f"ct-{ours.provider_payment_id}")  # its notification comes while the API fails
    shop.state.faults.configure("yookassa", rate=1.0, kinds=["500"])
    body = shop.paid_notification(ours.provider_payment_id)
    answer = post_json(f"{web}/api/payment/webhook", body)
    assert answer.status_code == 429 and answer.headers["Retry-After"]
    assert _balance(account_id) == Decimal("0.00")
    shop.state.faults.clear()
    reset_breakers()
    _wait(lambda: _balance(account_id) == Decimal("100.00"))  # YooKassa's re-send gets through
