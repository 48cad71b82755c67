"""The wallet: every change is a ledger entry, the balance is always their sum, the CLI reads and credits it,
and the admin adjusts and refunds from /admin/payments."""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from browser import sign_in
from marketsync.billing import service
from marketsync.billing.ledger import on_balance_change, post_entry
from marketsync.cli.app import app as cli_app
from marketsync.db import get_engine, session_scope
from marketsync.web.app import create_app

runner = CliRunner()


def test_concurrent_entries_add_up_and_the_ledger_sums_to_the_balance(
        engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    amounts = [Decimal("100.10"), Decimal("-35.05"), Decimal("0.01"), Decimal("-1000.00")] * 5

    def add(amount: Decimal) -> None:
        def work(session: Any) -> None:
            post_entry(session, account_id=account_id, kind="charge" if amount < 0 else "adjustment",
                       amount=amount, reason="test")
        service.in_transaction(engine, work)

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(add, amounts))
    with session_scope(engine) as session:
        assert service.balance(session, account_id) == sum(amounts) == service.ledger_sum(session, account_id)


def test_every_balance_change_calls_the_hooks_with_the_new_balance(
        sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    seen: list[tuple[int, Decimal]] = []
    hook = on_balance_change(lambda _session, account, balance: seen.append((account, balance)))
    try:
        with session_scope(get_engine()) as session:
            service.adjust_balance(session, account_id=account_id, amount_text="50", reason="bonus", admin_id=None)
            service.adjust_balance(session, account_id=account_id, amount_text="-20.5", reason="fix", admin_id=None)
    finally:
        from marketsync.billing import ledger
        ledger._hooks.remove(hook)
    assert seen == [(account_id, Decimal("50.00")), (account_id, Decimal("29.50"))]


def test_the_cli_credits_and_prints_only_the_balance(sqlite_engine: Engine,
                                                     make_cabinet: Callable[..., tuple[int, int]]) -> None:
    make_cabinet("cli@example.ru")
    result = runner.invoke(cli_app, ["billing", "balance", "--user", "cli@example.ru"])
    assert (result.exit_code, result.output) == (0, "0.00\n")
    result = runner.invoke(cli_app, ["billing", "credit", "--user", "cli@example.ru", "--amount", "1250",
                                     "--reason", "Бонус за отзыв"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli_app, ["billing", "balance", "--user", "cli@example.ru"])
    assert (result.exit_code, result.output) == (0, "1250.00\n")
    bad = runner.invoke(cli_app, ["billing", "credit", "--user", "cli@example.ru", "--amount", "1e3",
                                  "--reason", "x"])
    assert bad.exit_code == 1
    unknown = runner.invoke(cli_app, ["billing", "balance", "--user", "nobody@example.ru"])
    assert unknown.exit_code == 1
    assert runner.invoke(cli_app, ["billing", "balance", "--user", "cli@example.ru"]).output == "1250.00\n"


def _admin(make_cabinet: Callable[..., tuple[int, int]]) -> TestClient:
    from marketsync.accounts.service import create_user

    with session_scope(get_engine()) as session:
        create_user(session, email="admin@example.ru", password="correct-horse-42", admin=True)
    client = TestClient(create_app(), follow_redirects=False)
    sign_in(client, "admin@example.ru")
    return client


def test_the_admin_adjusts_a_balance_with_a_reason_once_per_form(
        shop: Any, sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    admin = _admin(make_cabinet)
    page = admin.get("/admin/payments")
    assert page.status_code == 200 and 'id="adjust-form"' in page.text
    nonce = re.search(r'name="nonce" value="([0-9a-f]+)"', page.text)
    assert nonce is not None
    form = {"target": "seller@example.ru", "amount": "-150.25", "reason": "Возврат за простой",
            "nonce": nonce.group(1), "csrftoken": admin.cookies.get("ms_csrf", "")}
    assert admin.post("/admin/payments/adjust", data=form).status_code == 303
    assert admin.post("/admin/payments/adjust", data=form).status_code == 303  # sent twice
    assert admin.post("/admin/payments/adjust", data={**form, "nonce": "x2", "reason": ""}).status_code == 303
    with session_scope(get_engine()) as session:
        assert service.balance(session, account_id) == Decimal("-150.25")
        [entry] = service.ledger_page(session, account_id=account_id, table=_table()).rows
        assert entry[0].reason == "Возврат за простой" and entry[0].admin_id is not None


def test_a_seller_cannot_open_the_admin_payments(shop: Any, sqlite_engine: Engine,
                                                 make_cabinet: Callable[..., tuple[int, int]]) -> None:
    make_cabinet()
    client = TestClient(create_app(), follow_redirects=False)
    sign_in(client)
    assert client.get("/admin/payments").status_code == 403


def test_the_ledger_exports_as_csv_with_its_filters(shop: Any, sqlite_engine: Engine,
                                                    make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    with session_scope(get_engine()) as session:
        service.adjust_balance(session, account_id=account_id, amount_text="70", reason="Первый", admin_id=None)
    client = TestClient(create_app(), follow_redirects=False)
    sign_in(client)
    csv = client.get("/billing/ledger.csv?kind=adjustment")
    assert csv.status_code == 200 and "Первый" in csv.text and "70.00" in csv.text
    assert "Первый" not in client.get("/billing/ledger.csv?kind=charge").text
    assert "Первый" in client.get("/billing?kind=adjustment").text


def test_every_page_shows_the_balance_once_in_roubles_linking_to_the_wallet(
        shop: Any, sqlite_engine: Engine, make_cabinet: Callable[..., tuple[int, int]]) -> None:
    _user, account_id = make_cabinet()
    with session_scope(get_engine()) as session:
        service.adjust_balance(session, account_id=account_id, amount_text="1234.5", reason="Бонус", admin_id=None)
    client = TestClient(create_app(), follow_redirects=False)
    sign_in(client)

    for path in ("/", "/stocks", "/billing"):
        menu = re.search(r'<a [^>]*href="/billing" id="menu-balance"[^>]*>([^<]*)</a>', client.get(path).text)
        assert menu is not None and menu.group(1) == "1\u00a0234,50\u00a0₽", path
    wallet = re.search(r'id="balance"[^>]*>([^<]*)<', client.get("/billing").text)
    assert wallet is not None and wallet.group(1) == "1\u00a0234,50\u00a0₽"  # the sign once, not "₽ ₽"


def _table() -> Any:
    from marketsync.web.tables import TableQuery

    return TableQuery(sort="created_at", dir="desc")
