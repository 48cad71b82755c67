"""The tariff: charged once a day per cabinet with an active connection, warnings three days and one day before
the balance runs out (by e-mail and Telegram), pipelines paused while it is spent and resumed after a top-up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from browser import sign_in
from marketsync.accounts.models import OAuthIdentity
from marketsync.billing import service
from marketsync.billing.models import LedgerEntry, TariffWarning
from marketsync.connections.models import Connection
from marketsync.db import get_engine, session_scope
from marketsync.orders import service as orders
from marketsync.sandbox.server import ServerThread
from marketsync.security import encrypt_json
from marketsync.settings import get_settings
from marketsync.sync.models import SyncRun
from marketsync.web.app import create_app

BOT_TOKEN = "7100000042:tariff-test-bot-token-AAAAAAAAAAAAAAAA"
CHAT = 4242
START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
runner = CliRunner()


@pytest.fixture
def telegram(sandbox_state: Any, sandbox: ServerThread, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The sandbox Telegram with our bot and the seller's chat; our settings pointing at it."""
    sandbox_state.telegram.add_bot(BOT_TOKEN, "marketsync_tariff_bot")
    sandbox_state.telegram.add_chat(BOT_TOKEN, CHAT)
    monkeypatch.setenv("BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", f"{sandbox.url}/telegram")
    get_settings.cache_clear()
    yield sandbox_state.telegram


def _tariff(fee: str = "10", free_connections: str = "0", free_products: str = "0") -> None:
    with session_scope(get_engine()) as session:
        service.save_terms(session, enabled=True, connection_fee=fee, free_connections=free_connections,
                           free_products=free_products, admin_id=None)


def _connect(account_id: int, system: str = "wildberries", status: str = "active") -> None:
    with session_scope(get_engine()) as session:
        session.add(Connection(account_id=account_id, system=system, status=status,
                               credentials_encrypted=encrypt_json({"token": "not-used-here"})))


def _credit(account_id: int, amount: str) -> None:
    with session_scope(get_engine()) as session:
        service.adjust_balance(session, account_id=account_id, amount_text=amount, reason="Пополнение", admin_id=None)


def _balance(account_id: int) -> tuple[Decimal, Decimal]:
    with session_scope(get_engine()) as session:
        return service.balance(session, account_id), service.ledger_sum(session, account_id)


def _charges(account_id: int) -> int:
    with session_scope(get_engine()) as session:
        return session.scalar(select(func.count(LedgerEntry.id)).where(
            LedgerEntry.account_id == account_id, LedgerEntry.kind == "charge")) or 0


def _paused(account_id: int) -> bool:
    with session_scope(get_engine()) as session:
        return service.is_paused(session, account_id)


def _due(account_id: int) -> bool:
    with session_scope(get_engine()) as session:
        return account_id in orders.cabinets_due(session)


def test_forty_days_of_charges_warn_once_each_pause_and_resume(
        sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]], mailbox: list[EmailMessage],
        telegram: Any) -> None:
    user_id, account_id = make_cabinet("seller@example.ru")
    with session_scope(get_engine()) as session:
        session.add(OAuthIdentity(provider="telegram", subject=str(CHAT), user_id=user_id))
    _connect(account_id)
    _tariff("10")
    _credit(account_id, "100")
    paused_days, banner_seen = [], False
    web = TestClient(create_app(), follow_redirects=False)
    sign_in(web)
    assert "balance-spent-banner" not in web.get("/").text
    assert 'data-fee="10.00"' in web.get("/billing").text  # the seller sees what a day costs
    for day in range(1, 41):
        if day == 15:
            _credit(account_id, "45")  # a small top-up: five more days
        if day == 30:
            _credit(account_id, "1000")
        now = START + timedelta(days=day)
        first = service.charge_daily(get_engine(), now=now)
        again = service.charge_daily(get_engine(), now=now + timedelta(hours=1))  # beat's next tick, a retry
        assert account_id not in again.charged
        if account_id in first.paused:
            paused_days.append(day)
            assert _paused(account_id) and not _due(account_id)  # beat no longer starts its syncs
            if not banner_seen:
                page = web.get("/")
                assert "balance-spent-banner" in page.text and 'href="/billing"' in page.text
                outcome = orders.sync_cabinet_events(get_engine(), account_id=account_id)  # a sync asked anyway
                assert outcome.skipped and "balance is spent" in (outcome.error or "")
                with session_scope(get_engine()) as session:
                    run = session.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
                    assert run is not None and run.status == "skipped"
                    assert run.error_notice["key"] == "balance_spent"
                banner_seen = True
        balance, ledger = _balance(account_id)
        assert balance == ledger  # every day the ledger sums to the balance
    # Charged days 1-10 (100 → 0), 15-19 (45 → -5: the last charge takes what is due), 30-40 (995 → 885).
    assert paused_days == [*range(11, 15), *range(20, 30)]
    assert _charges(account_id) == 10 + 5 + 11
    assert _balance(account_id) == (Decimal("885.00"), Decimal("885.00"))
    assert not _paused(account_id) and _due(account_id)  # resumed by itself after the top-up
    assert "balance-spent-banner" not in web.get("/").text
    # Two episodes (day 7: three days left, day 9: one; day 16 and day 18 after the small top-up), each once.
    with session_scope(get_engine()) as session:
        warnings = session.execute(select(TariffWarning.threshold, TariffWarning.days_left, TariffWarning.sent_at)
                                   .order_by(TariffWarning.id)).all()
    assert [(w.threshold, w.days_left) for w in warnings] == [(3, 3), (1, 1), (3, 3), (1, 1)]
    assert all(w.sent_at is not None for w in warnings)
    assert [m["To"] for m in mailbox] == ["seller@example.ru"] * 4
    assert all("/billing" in m.get_content() for m in mailbox)
    texts = [m.text for m in telegram.messages(BOT_TOKEN, CHAT)]
    assert len(texts) == 4 and all("/billing" in text for text in texts)


def test_concurrent_charges_of_one_day_charge_once(engine: Engine,
                                                   make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    _connect(account_id)
    _connect(account_id, "ozon")
    _tariff("12.50")
    _credit(account_id, "60")  # 60 - 25 = 35: two days left, so the charge also queues a warning
    now = START + timedelta(days=3)

    def charge(_: int) -> bool:
        return account_id in service.charge_daily(engine, now=now).charged

    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(charge, range(16)))
    assert won.count(True) == 1
    assert _charges(account_id) == 1
    assert _balance(account_id) == (Decimal("35.00"), Decimal("35.00"))
    with session_scope(engine) as session:
        [key] = session.scalars(select(LedgerEntry.dedup_key).where(LedgerEntry.kind == "charge"))
        assert key == f"charge:{account_id}:2026-03-04"
        assert session.scalar(select(func.count(TariffWarning.id))) == 1


def test_a_cabinet_without_an_active_connection_or_within_free_limits_pays_nothing(
        sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _u1, idle = make_cabinet("idle@example.ru")
    _u2, broken = make_cabinet("broken@example.ru")
    _u3, small = make_cabinet("small@example.ru")
    _connect(broken, status="broken")
    _connect(small)
    for account_id in (idle, broken, small):
        _credit(account_id, "50")
    _tariff("10", free_connections="1")
    report = service.charge_daily(get_engine(), now=START)
    assert report.charged == {}
    assert small in report.free
    for account_id in (idle, broken, small):
        assert _balance(account_id) == (Decimal("50.00"), Decimal("50.00"))
        assert not _paused(account_id)


def test_without_a_tariff_nothing_is_charged_and_nothing_pauses(
        sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    _connect(account_id)
    report = service.charge_daily(get_engine(), now=START)
    assert report.charged == {} and report.paused == []
    assert _balance(account_id) == (Decimal("0.00"), Decimal("0.00"))
    assert not _paused(account_id) and _due(account_id)


def test_the_cli_runs_the_charge_now_once_a_day(sqlite_engine: Engine,
                                                make_cabinet: Callable[..., tuple[int, int]]) -> None:
    from marketsync.cli.app import app as cli_app

    make_cabinet("cli@example.ru")
    with session_scope(get_engine()) as session:
        from marketsync.accounts.service import account_for_email
        account_id = account_for_email(session, "cli@example.ru")
    _connect(account_id)
    _tariff("7.25")
    _credit(account_id, "100")
    first = runner.invoke(cli_app, ["billing", "charge-daily"])
    assert first.exit_code == 0, first.output
    assert "charged 1 cabinet(s), 7.25 RUB" in first.output and f"cabinet {account_id}: -7.25" in first.output
    second = runner.invoke(cli_app, ["billing", "charge-daily"])
    assert second.exit_code == 0 and "charged 0 cabinet(s)" in second.output and "already charged 1" in second.output
    assert runner.invoke(cli_app, ["billing", "balance", "--user", "cli@example.ru"]).output == "92.75\n"


def test_only_an_admin_sees_and_sets_the_tariff(sqlite_engine: Engine,
                                                make_cabinet: Callable[..., tuple[int, int]]) -> None:
    from marketsync.accounts.service import create_user

    make_cabinet()
    seller = TestClient(create_app(), follow_redirects=False)
    sign_in(seller)
    assert seller.get("/admin/tariff").status_code == 403
    assert seller.post("/admin/tariff", data={"connection_fee": "1", "enabled": "on",
                                              "csrftoken": seller.cookies.get("ms_csrf", "")}).status_code == 403
    with session_scope(get_engine()) as session:
        create_user(session, email="admin@example.ru", password="correct-horse-42", admin=True)
    admin = TestClient(create_app(), follow_redirects=False)
    sign_in(admin, "admin@example.ru")
    page = admin.get("/admin/tariff")
    assert page.status_code == 200 and 'id="tariff-form"' in page.text and 'href="/admin/tariff"' in page.text
    csrf = admin.cookies.get("ms_csrf", "")
    bad = admin.post("/admin/tariff", data={"enabled": "on", "connection_fee": "1e3", "csrftoken": csrf})
    assert bad.status_code == 303
    with session_scope(get_engine()) as session:
        assert not service.current_terms(session).enabled  # refused: nothing saved
    assert "alert-danger" in admin.get("/admin/tariff").text
    good = admin.post("/admin/tariff", data={"enabled": "on", "connection_fee": "19,90", "free_connections": "1",
                                             "free_products": "20", "csrftoken": csrf})
    assert good.status_code == 303
    with session_scope(get_engine()) as session:
        terms = service.current_terms(session)
    assert (terms.enabled, terms.connection_fee, terms.free_connections, terms.free_products) == \
        (True, Decimal("19.90"), 1, 20)
    assert 'value="19.90"' in admin.get("/admin/tariff").text
