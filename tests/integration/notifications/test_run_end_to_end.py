"""The product as a seller meets it: `marketsync run` (web, the worker with its embedded beat, the bot; SQLite and
the in-process broker) against the sandbox's Telegram and Wildberries. Two people start the bot in the Telegram
emulator and send the WB key of a seller seeded in the sandbox; each gets the menu after the initial sync. A buyer
then orders at WB: beat's next sync finds it and both chats get one message, within SYNC_INTERVAL + 5 s of the
order, and never a second one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from marketsync.sandbox.server import ServerThread, free_port
from marketsync.sandbox.telegram.methods import write
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.seed import seed_wildberries

pytestmark = pytest.mark.timeout(180)
BOT_TOKEN = "7300000001:run-e2e-test-bot-token-AAAAAAAAAAAAAA"
WB_KEY = "wb-test-key-run-end-to-end-0123456789abcdef"
BARCODE = "4600000000777"
ANNA, BORIS = 883000001, 883000002
INTERVAL = 3  # SYNC_INTERVAL here (180 in production)


def wait_for(what: Callable[[], Any], *, timeout: float, message: str) -> Any:
    """Return what `what()` returns once it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        assert time.monotonic() < deadline, f"timed out waiting: {message}"
        time.sleep(0.1)


def texts(telegram: Any, chat: int) -> list[str]:
    """What the bot sent to a chat: each message's text or photo caption."""
    return [m.caption or m.text for m in telegram.messages(BOT_TOKEN, chat)]


def test_marketsync_run_onboards_two_people_and_tells_both_of_an_order_once(  # type: ignore[no-untyped-def]
        tmp_path: Path, sandbox: ServerThread, sandbox_state, env: dict[str, str]) -> None:
    telegram = sandbox_state.telegram
    telegram.add_bot(BOT_TOKEN, "marketsync_run_bot")
    wb = sandbox_state.wildberries
    seed_wildberries(wb, WB_KEY, offers=[{
        "vendor_code": "KURTKA-7", "title": "Куртка демисезонная", "sizes": [{"tech_size": "L", "barcodes": [BARCODE]}],
        "fbo": [{"warehouse": "Коледино", "quantity": 9}]}])
    environment = {**os.environ, **env, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
                   "BROKER_DATABASE_URL": f"sqlite:///{tmp_path / 'broker.db'}", "BOT_TOKEN": BOT_TOKEN,
                   "TELEGRAM_API_URL": f"{sandbox.url}/telegram", "BOT_POLL_TIMEOUT_SECONDS": "1",
                   "SYNC_INTERVAL": str(INTERVAL), "LOG_LEVEL": "WARNING"}
    for name in ("BASE_URL", "DOMAIN", "REDIS_URL", "TELEGRAM_WEBHOOK_URL"):
        environment.pop(name, None)
    run = subprocess.Popen([sys.executable, "-m", "marketsync", "run", "--host", "127.0.0.1", "--port",
                            str(free_port())], cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL,
                           stderr=open(tmp_path / "run.log", "wb"), start_new_session=True)  # noqa: SIM115
    try:
        wait_for(lambda: telegram.updates.of(BOT_TOKEN).commands, timeout=60, message="the bot to start")
        for chat, name in ((ANNA, "Анна"), (BORIS, "Борис")):
            write(telegram, BOT_TOKEN, chat, "/start", first_name=name)
            wait_for(lambda chat=chat: any("API-ключ" in t for t in texts(telegram, chat)), timeout=30,
                     message="the bot asks for the key")
            write(telegram, BOT_TOKEN, chat, WB_KEY, first_name=name)
            wait_for(lambda chat=chat: any("Синхронизация завершена" in t for t in texts(telegram, chat)),
                     timeout=60, message=f"the menu after the initial sync: {texts(telegram, chat)}")
        before = {chat: len(texts(telegram, chat)) for chat in (ANNA, BORIS)}

        ordered = time.monotonic()
        events.place_order(wb, WB_KEY, barcode=BARCODE, price=5990, discount_percent=0, warehouse="Коледино")
        for chat in (ANNA, BORIS):
            wait_for(lambda chat=chat: texts(telegram, chat)[before[chat]:], timeout=INTERVAL + 30,
                     message=f"the order's message in chat {chat}")
        latency = time.monotonic() - ordered
        time.sleep(2 * INTERVAL)  # two more syncs and delivery ticks: nothing more
        for chat in (ANNA, BORIS):
            told = texts(telegram, chat)[before[chat]:]
            assert len(told) == 1, told
            assert told[0].startswith("🛒 Новый заказ") and "Куртка демисезонная" in told[0] and "5 990 ₽" in told[0]
        assert latency <= INTERVAL + 5, f"the order reached Telegram {latency:.1f} s after it was placed"
        assert run.poll() is None, (tmp_path / "run.log").read_text()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            try:
                run.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait(10)
