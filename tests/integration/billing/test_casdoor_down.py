"""Casdoor away for the whole test (answering 500, or not listening at all): sellers sign up, sign in and pay
through the widget as usual; when Casdoor returns, one beat pass brings every user and balance into it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from browser import sign_in
from casdoor_world import configure_casdoor
from marketsync.billing import service as billing
from marketsync.billing.models import Payment
from marketsync.casdoor import service
from marketsync.db import get_engine, session_scope, utcnow
from marketsync.sandbox.server import ServerThread
from marketsync.settings import get_settings

SELLERS = ("anna@example.ru", "boris@example.ru", "vera@example.ru")


def _wait(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _balance(account_id: int) -> Decimal:
    with session_scope(get_engine()) as session:
        return billing.balance(session, account_id)


def _behind() -> int:
    with session_scope(get_engine()) as session:
        return service.behind(session)[1]


def _every_task_failed() -> bool:
    # A change leaves its row due at once; the failed task that follows it sets the next attempt.
    with session_scope(get_engine()) as session:
        rows, _total = service.behind(session)
    return all(row.next_attempt_at is not None for row in rows)


@pytest.mark.parametrize("outage", ["500", "unreachable"])
def test_logins_and_payments_work_while_casdoor_is_down_and_everything_converges_on_its_return(
        web: str, shop: Any, sandbox: ServerThread, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch,
        tasks_run_here: None, client: TestClient, make_cabinet: Callable[..., tuple[int, int]],
        start_topup: Callable[..., Payment], outage: str) -> None:
    casdoor = configure_casdoor(sandbox.url, sandbox_state, monkeypatch)
    if outage == "500":
        casdoor.go_down()
    else:  # nothing listens there: every request is refused before it is sent
        monkeypatch.setenv("CASDOOR_URL", "http://127.0.0.1:9/casdoor")
        get_settings.cache_clear()

    cabinets = {email: make_cabinet(email) for email in SELLERS}
    for index, (email, (user_id, account_id)) in enumerate(cabinets.items()):
        sign_in(client, email, "correct-horse-42")
        assert client.get("/billing").status_code == 200
        ours = start_topup(user_id, account_id, f"{100 * (index + 1)}.50")
        httpx.post(f"{shop.api_url.rsplit('/v3', 1)[0]}/checkout/ct-{ours.provider_payment_id}/pay") \
            .raise_for_status()
        _wait(lambda account_id=account_id, index=index:  # type: ignore[misc]
              _balance(account_id) == Decimal(f"{100 * (index + 1)}.50"))
        client.post("/logout", data={})
    _wait(lambda: shop.state.yookassa.notifier.idle())
    _wait(_every_task_failed)  # the last webhook's mirror task may still be trying
    assert casdoor.users() == []
    with session_scope(get_engine()) as session:
        rows, total = service.behind(session)
    assert total == len(SELLERS) and all(row.last_error for row in rows)

    if outage == "500":
        casdoor.come_back()
    else:
        monkeypatch.setenv("CASDOOR_URL", casdoor.url)
        get_settings.cache_clear()
        casdoor.come_back()
    # Beat's pass a minute after the return (failed rows wait at most 30 s before they are due again).
    assert service.resend_behind(get_engine(), now=utcnow() + timedelta(minutes=1)) == len(SELLERS)
    assert _behind() == 0
    for email, (user_id, account_id) in cabinets.items():
        held = casdoor.user(user_id)
        assert held is not None and held["email"] == email
        assert (Decimal(str(held["balance"])), held["balanceCurrency"]) == (_balance(account_id), "RUB")
