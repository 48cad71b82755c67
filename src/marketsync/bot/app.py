"""Building and running the bot: aiogram's Bot against TELEGRAM_API_URL (methods at `{url}/bot<token>/<method>`),
the Dispatcher with its dependencies (the engine, the initial sync, the cabinet's address), the command list, and
the two ways updates arrive: long polling of getUpdates, or Telegram's webhook (webhook.py) when
TELEGRAM_WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.types import BotCommand, ErrorEvent

from marketsync.bot import texts
from marketsync.bot.handlers import routers
from marketsync.security import fingerprint
from marketsync.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
WEBHOOK_CHECK_SECONDS = 300
STARTUP_RETRY_MAX_SECONDS = 30.0


def production_initial_sync(engine: Engine, *, account_id: int, silent: bool = True) -> Any:
    """Run the cabinet's event sync (orders.service, imported only when a person needs it); when beat's sync of it
    is under way, wait for that one to end first."""
    from marketsync.orders.service import sync_cabinet_events_for_person

    return sync_cabinet_events_for_person(engine, account_id=account_id, silent=silent)


def build_bot(token: str, api_url: str) -> Bot:
    """Return an aiogram Bot speaking to the Bot API at `api_url` (the real one, or the sandbox)."""
    server = TelegramAPIServer.from_base(api_url.rstrip("/"))
    return Bot(token=token, session=AiohttpSession(api=server))


def build_dispatcher(*, engine: Engine | None = None, initial_sync: Callable[..., Any] | None = None,
                     settings: Settings | None = None) -> Dispatcher:
    """Return the Dispatcher with every router and its dependencies (aiogram's workflow data, by name)."""
    from marketsync.db import get_engine

    settings = settings or get_settings()
    dispatcher = Dispatcher()
    dispatcher.include_routers(*routers())
    dispatcher.errors.register(_tell_about_error)
    dispatcher["engine"] = engine or get_engine()
    dispatcher["initial_sync"] = initial_sync or production_initial_sync
    dispatcher["base_url"] = settings.BASE_URL
    dispatcher["critical_threshold"] = settings.CRITICAL_STOCK_THRESHOLD
    return dispatcher


async def _tell_about_error(event: ErrorEvent) -> bool:
    """Log a handler's failure and tell the person, so nobody waits for an answer that will not come."""
    log.error("bot handler failed on update %s", event.update.update_id, exc_info=event.exception)
    message = event.update.message or (event.update.callback_query.message if event.update.callback_query else None)
    if message is not None and event.update.bot is not None:
        with contextlib.suppress(Exception):  # Telegram itself may be what failed
            await event.update.bot.send_message(message.chat.id, texts.FAILED)
    return True


def webhook_secret(settings: Settings | None = None) -> str:
    """Return the secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (set, or derived from SECRET_KEY)."""
    settings = settings or get_settings()
    return settings.TELEGRAM_WEBHOOK_SECRET or fingerprint(settings.BOT_TOKEN or "", purpose="telegram-webhook")


async def set_commands(bot: Bot) -> None:
    """Publish /start, /menu, /settings and /help (setMyCommands)."""
    await bot.set_my_commands([BotCommand(command=name, description=text) for name, text in texts.COMMANDS.items()])


async def register_webhook(bot: Bot, url: str, secret: str) -> None:
    """Point Telegram at our webhook (setWebhook with the secret token) unless it already is."""
    info = await bot.get_webhook_info()
    if info.url != url:
        await bot.set_webhook(url, secret_token=secret, allowed_updates=["message", "callback_query"])
        log.info("telegram webhook set to %s", url)


async def _until_reachable(bot: Bot) -> None:
    """Remove a webhook left set (Telegram refuses getUpdates under one) and publish the commands, waiting for
    the Bot API to answer (in the demo it lives in the web process, which may still be starting)."""
    delay = 1.0
    while True:
        try:
            await bot.delete_webhook(drop_pending_updates=False)
            await set_commands(bot)
            return
        except TelegramNetworkError as exc:
            log.warning("the Bot API does not answer yet (%s); retrying in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, STARTUP_RETRY_MAX_SECONDS)


async def run_polling(dispatcher: Dispatcher, bot: Bot, *, timeout: int = 30) -> None:
    """Long-poll getUpdates until cancelled."""
    await _until_reachable(bot)
    await dispatcher.start_polling(bot, polling_timeout=timeout, handle_signals=False, close_bot_session=True)


async def keep_webhook(bot: Bot, url: str, secret: str) -> None:
    """Register the webhook and keep it registered (the web app receives the updates)."""
    await set_commands(bot)
    while True:
        try:
            await register_webhook(bot, url, secret)
        except Exception:  # Telegram unreachable for a while: try again at the next look
            log.exception("could not register the telegram webhook")
        await asyncio.sleep(WEBHOOK_CHECK_SECONDS)


def run_bot(settings: Settings | None = None) -> None:
    """Run the bot in the foreground: long polling, or keeping the webhook when TELEGRAM_WEBHOOK_URL is set."""
    settings = settings or get_settings()
    if not settings.BOT_TOKEN:
        raise RuntimeError("BOT_TOKEN is not set")
    bot = build_bot(settings.BOT_TOKEN, settings.TELEGRAM_API_URL)
    if settings.TELEGRAM_WEBHOOK_URL:
        log.info("bot: webhook mode, updates arrive at %s", settings.TELEGRAM_WEBHOOK_URL)
        asyncio.run(keep_webhook(bot, settings.TELEGRAM_WEBHOOK_URL, webhook_secret(settings)))
        return
    log.info("bot: long polling %s", settings.TELEGRAM_API_URL)
    asyncio.run(run_polling(build_dispatcher(settings=settings), bot, timeout=settings.BOT_POLL_TIMEOUT_SECONDS))
