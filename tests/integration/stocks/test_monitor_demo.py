"""Demo mode's monitor: its settings point the alerts at the sandbox's demo bot and operator chat, and an alert
really travels through the web app's mounted Telegram emulator (no CSRF in its way) into that chat."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine

from marketsync.cli.demo import demo_environment
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.state import default_state
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN, DEMO_CHAT_ID
from marketsync.settings import get_settings
from marketsync.stocks import monitor_service
from marketsync.web.app import create_app
from stock_builders import cabinet, connect, push


def test_demo_alerts_go_to_the_sandbox_bot(sqlite_engine: Engine, sandbox_state,  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    values = demo_environment("127.0.0.1", 8000)
    assert values["TELEGRAM_API_URL"] == "http://127.0.0.1:8000/sandbox/telegram"
    assert (values["BOT_TOKEN"], values["ALERT_TELEGRAM_CHAT_ID"]) == (DEMO_BOT_TOKEN, str(DEMO_CHAT_ID))
    assert values["ALERT_EMAIL"]
    monkeypatch.setenv("SANDBOX_ENABLED", "1")
    monkeypatch.delenv("ALERT_EMAIL", raising=False)
    get_settings.cache_clear()
    with ServerThread(create_app()) as web:
        httpx.post(f"{web.url}/sandbox/_control/seed", json={"products": 10}, timeout=30).raise_for_status()
        for key in ("BOT_TOKEN", "ALERT_TELEGRAM_CHAT_ID"):
            monkeypatch.setenv(key, values[key])
        monkeypatch.setenv("TELEGRAM_API_URL", f"{web.url}/sandbox/telegram")
        get_settings.cache_clear()
        account = cabinet(sqlite_engine)
        connect(sqlite_engine, account, offers=20)
        push(sqlite_engine, account, hours_ago=12)
        outcome = monitor_service.run_monitor(sqlite_engine, account_id=account)
    assert outcome.delivery.sent == 1 and outcome.delivery.failed == []
    [message] = default_state().telegram.messages(DEMO_BOT_TOKEN, DEMO_CHAT_ID)
    assert "Синхронизация остатков устарела" in message.text
