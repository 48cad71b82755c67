"""`check-connections`: is everything the stock sync and its monitor depend on reachable and accepting us — each
marketplace connection of a cabinet (a live check, recorded on the connection as the web's test does), the
database, the broker, SMTP (when e-mail is on) and the alerts' Telegram bot (when one is configured)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from marketsync.accounts.mail import mail_config
from marketsync.connections.service import check_stored_connection, system_title
from marketsync.connectors.errors import ConnectorError
from marketsync.connectors.mail.client import MailError
from marketsync.connectors.mail.client import check as check_smtp
from marketsync.connectors.telegram.client import TelegramClient
from marketsync.db import ping_database
from marketsync.http import time_budget
from marketsync.settings import get_settings
from marketsync.stocks.service import connected_marketplaces
from marketsync.worker import ping_broker

PROBE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class CheckLine:
    """One thing checked: its name, whether it works, and what was found."""

    name: str
    ok: bool
    message: str


def _reason(exc: BaseException) -> str:
    # The first line only, without a password a database or broker URL may carry (scheme://user:pass@host).
    text = re.sub(r"://[^/@\s]+@", "://***@", str(exc)).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


def check_marketplaces(session: Session, *, account_id: int) -> list[CheckLine]:
    """Test each marketplace connection of a cabinet live (Ozon, Wildberries, Yandex Market order)."""
    lines = []
    for conn in connected_marketplaces(session, account_id):
        name = system_title(conn.system)
        try:
            result = check_stored_connection(session, account_id=account_id, system=conn.system)
        except (ConnectorError, KeyError) as exc:  # KeyError: no connector for this system in this build
            lines.append(CheckLine(name, False, _reason(exc)))
            continue
        if result is not None:
            lines.append(CheckLine(name, result.ok, result.message))
    return lines


def check_services() -> list[CheckLine]:
    """Check the database, the broker, SMTP and the alerts' Telegram bot."""
    lines = []
    for name, probe in (("Database", ping_database), ("Broker", lambda: ping_broker(timeout=PROBE_TIMEOUT_SECONDS))):
        try:
            probe()
            lines.append(CheckLine(name, True, "answers"))
        except Exception as exc:  # whatever the driver raises, the line says ✗ and why
            lines.append(CheckLine(name, False, _reason(exc)))
    lines.append(_smtp())
    settings = get_settings()
    if settings.BOT_TOKEN:
        lines.append(_telegram(settings.BOT_TOKEN))
    return lines


def _smtp() -> CheckLine:
    config = mail_config()
    if config.provider == "console":
        return CheckLine("SMTP", True, "e-mail is off (EMAIL_PROVIDER=console): mail is written to the log")
    try:
        check_smtp(config)
    except MailError as exc:
        return CheckLine("SMTP", False, str(exc))
    return CheckLine("SMTP", True, f"{config.host}:{config.port} accepts us")


def _telegram(token: str) -> CheckLine:
    try:
        client = TelegramClient(token, max_attempts=2, timeout=PROBE_TIMEOUT_SECONDS)
        try:
            with time_budget(PROBE_TIMEOUT_SECONDS * 2):
                bot = client.get_me()
        finally:
            client.close()
    except ConnectorError as exc:
        return CheckLine("Telegram", False, exc.message)
    chat = get_settings().ALERT_TELEGRAM_CHAT_ID
    note = f", alerts to chat {chat}" if chat else ", ALERT_TELEGRAM_CHAT_ID is not set: no alerts by Telegram"
    return CheckLine("Telegram", True, f"bot @{bot.username or bot.id}{note}")
