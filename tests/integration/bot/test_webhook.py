"""Webhook mode: the web app takes Telegram's updates at TELEGRAM_WEBHOOK_URL's path only with the right
X-Telegram-Bot-Api-Secret-Token; with it, the emulator's own webhook delivery reaches the bot and the person gets
an answer; setWebhook makes getUpdates refuse (409) as Telegram does."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from bot_harness import Person, wait_for
from sqlalchemy.engine import Engine

from marketsync.bot.app import build_bot, register_webhook, webhook_secret
from marketsync.sandbox.server import ServerThread, free_port
from marketsync.settings import get_settings
from marketsync.web.app import create_app

pytestmark = pytest.mark.timeout(60)
BOT_TOKEN = "7300000001:webhook-test-bot-token-AAAAAAAAAAAAA"
CHAT = 883000001


@pytest.fixture
def web(sqlite_engine: Engine, sandbox: ServerThread, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch,
        env: dict[str, str]) -> Iterator[str]:
    """The web app served over HTTP in webhook mode; returns the webhook URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    for key, value in {"BOT_TOKEN": BOT_TOKEN, "TELEGRAM_WEBHOOK_URL": url,
                       "TELEGRAM_API_URL": f"{sandbox.url}/telegram", "SANDBOX_VALIDATE_CONTRACT": "1"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    sandbox_state.telegram.add_bot(BOT_TOKEN)
    with ServerThread(create_app(), port=port):
        yield url


def test_a_wrong_or_missing_secret_is_refused_and_nothing_is_handled(web: str, sandbox_state: Any) -> None:
    import httpx

    update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": CHAT, "type": "private"},
                                          "from": {"id": CHAT, "is_bot": False, "first_name": "Вор"},
                                          "text": "/start"}}
    sandbox_state.telegram.add_chat(BOT_TOKEN, CHAT)
    assert httpx.post(web, json=update).status_code == 401
    assert httpx.post(web, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}).status_code == 401
    right = webhook_secret(get_settings())
    assert httpx.post(web, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": right}).status_code == 200
    wait_for(lambda: sandbox_state.telegram.messages(BOT_TOKEN, CHAT), message="the bot answering the real update")


def test_telegram_delivers_to_the_webhook_and_the_person_gets_an_answer(web: str, sandbox_state: Any,
                                                                        sandbox: ServerThread) -> None:
    async def register() -> None:
        bot = build_bot(BOT_TOKEN, f"{sandbox.url}/telegram")
        try:
            await register_webhook(bot, web, webhook_secret(get_settings()))
            with pytest.raises(Exception, match="webhook is active"):
                await bot.get_updates()
        finally:
            await bot.session.close()

    # In a thread of its own: Playwright's browser (the e2e tests, earlier in the session) keeps an event loop
    # running on this one, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, register()).result(timeout=30)
    hook = sandbox_state.telegram.updates.of(BOT_TOKEN).webhook
    assert hook is not None and hook.url == web and hook.secret_token == webhook_secret(get_settings())
    person = Person(sandbox_state.telegram, BOT_TOKEN, CHAT, "Вера")
    person.say_and_wait("/start", "API-ключ Wildberries")
    person.say_and_wait("/help", "/settings")
    assert sandbox_state.telegram.updates.of(BOT_TOKEN).delivered == 2
