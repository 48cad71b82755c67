"""Telegram's webhook, served by the web app at TELEGRAM_WEBHOOK_URL's path: an update is taken only with the
right X-Telegram-Bot-Api-Secret-Token (compared in constant time), answered at once, and handled in the
background (a person's key check and first sync can outlast Telegram's patience, which would resend it)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from marketsync.security import constant_time_equals
from marketsync.settings import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PATH = "/telegram/webhook"


def webhook_path(settings: Settings) -> str:
    """Return the path the web app serves the webhook at (TELEGRAM_WEBHOOK_URL's)."""
    return urlsplit(settings.TELEGRAM_WEBHOOK_URL or "").path or DEFAULT_PATH


def webhook_router(settings: Settings, *, dispatcher: Dispatcher | None = None, bot: Bot | None = None) -> APIRouter:
    """Build the webhook's router; the bot and dispatcher are built on the first update unless given."""
    from marketsync.bot.app import build_bot, build_dispatcher, webhook_secret

    router = APIRouter()
    secret = webhook_secret(settings)
    made: dict[str, Any] = {"dispatcher": dispatcher, "bot": bot}
    running: set[asyncio.Task[Any]] = set()

    @router.post(webhook_path(settings), include_in_schema=False)
    async def receive(request: Request) -> JSONResponse:
        """Take one update from Telegram."""
        if not constant_time_equals(request.headers.get(SECRET_HEADER), secret):
            return JSONResponse({"ok": False, "description": "wrong secret token"}, status_code=401)
        if made["bot"] is None:
            made["bot"] = build_bot(str(settings.BOT_TOKEN), settings.TELEGRAM_API_URL)
        if made["dispatcher"] is None:
            made["dispatcher"] = build_dispatcher(settings=settings)
        try:
            update = Update.model_validate(await request.json(), context={"bot": made["bot"]})
        except ValueError:
            return JSONResponse({"ok": False, "description": "not an update"}, status_code=400)
        task = asyncio.create_task(made["dispatcher"].feed_update(made["bot"], update))
        running.add(task)
        task.add_done_callback(running.discard)
        return JSONResponse({"ok": True})

    return router
