"""A Wildberries key given in the Telegram bot names no warehouse: it is there for notifications only, so the
stock sync, beat and the monitor leave it alone, and asking to push to it says what is missing (exit 2)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from marketsync.cli.app import app
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.stocks import monitor_service
from marketsync.stocks.service import PUSH, connected_marketplaces, due_by_account
from stock_builders import cabinet, connect


def test_a_wb_key_without_a_warehouse_is_no_stock_target(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    connect(sqlite_engine, account, "ozon")
    with session_scope(sqlite_engine) as session:
        session.add(Connection(account_id=account, system="wildberries", settings={},
                               credentials_encrypted=encrypt_json({"token": "wb-token-for-notifications"})))

    with session_scope(sqlite_engine) as session:
        assert [c.system for c in connected_marketplaces(session, account)] == ["ozon"]
        assert due_by_account(session, PUSH) == {account: ["ozon"]}
    assert [s.facts.system for s in monitor_service.run_monitor(sqlite_engine, account_id=account).sources] == ["ozon"]

    result = CliRunner().invoke(app, ["stocks", "sync", "--user", "seller@example.ru", "--source", "wb"])
    assert result.exit_code == 2, result.output
    assert result.output.strip() == ("Wildberries: no seller warehouse is set for this connection, so no stock is "
                                     "pushed: set it on /connections")
