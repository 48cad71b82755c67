"""Fixtures of the stock monitor tests: the alert channels (the SMTP sink and the Telegram emulator's operator chat)."""

from __future__ import annotations

import itertools
from email.message import EmailMessage

import pytest
from stock_builders import ALERT_EMAIL, CHAT_ID, Channels

from marketsync.settings import get_settings

_bots = itertools.count(1)


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
