"""/start and the WB API key: register the person, ask for the key, check it against WB, put the person in the
cabinet (new or shared), run the initial sync, and open the menu only when it has finished."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiogram import F, Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from marketsync.bot import keyboards, texts
from marketsync.bot.work import in_session
from marketsync.notifications.onboarding import KeyOutcome, KeyVerdict, enter_key, start_person

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
InitialSync = Callable[..., Any]  # (engine, *, account_id, silent=True) -> outcome with .ok and .error


async def sync_then_open_menu(message: Message, engine: Engine, initial_sync: InitialSync, *, account_id: int,
                              started: str) -> bool:
    """Say the sync started, run it (silent: it notifies nothing), then open the menu or say why not."""
    await message.answer(started, reply_markup=keyboards.no_menu())
    try:
        outcome = await asyncio.to_thread(initial_sync, engine, account_id=account_id, silent=True)
        ok = bool(getattr(outcome, "ok", False))
        said_in = getattr(outcome, "error_in", None)  # the sync's own words, in Russian where it has them
        error = said_in("ru") if callable(said_in) else getattr(outcome, "error", None)
    except Exception as exc:  # the person must hear about it; the log keeps the details
        log.exception("initial sync of cabinet %s failed", account_id)
        ok, error = False, f"{type(exc).__name__}"
    if not ok:
        await message.answer(texts.SYNC_FAILED.format(error=error or "неизвестная ошибка"))
        return False
    await message.answer(texts.SYNC_DONE, reply_markup=keyboards.main_menu())
    return True


async def start(message: Message, engine: Engine, initial_sync: InitialSync) -> None:
    """Register the person; ask for the key, or (with a cabinet) sync and open the menu."""
    user = message.from_user
    if user is None:
        return
    person = await in_session(engine, lambda s: start_person(s, telegram_id=user.id, name=user.full_name))
    if person.account_id is None:
        await message.answer(texts.welcome(user.first_name), reply_markup=keyboards.no_menu())
        return
    await sync_then_open_menu(message, engine, initial_sync, account_id=person.account_id,
                              started=texts.sync_started(KeyOutcome(verdict=KeyVerdict.ALREADY)))


async def key(message: Message, engine: Engine, initial_sync: InitialSync) -> None:
    """Take any other text of a person without a cabinet as their WB API key."""
    user, text = message.from_user, message.text or ""
    if user is None:
        return
    person = await in_session(engine, lambda s: start_person(s, telegram_id=user.id, name=user.full_name))
    if person.account_id is not None:
        await message.answer(texts.MENU, reply_markup=keyboards.main_menu())
        return
    await message.answer(texts.CHECKING)
    outcome = await in_session(engine, lambda s: enter_key(s, telegram_id=user.id, name=user.full_name, key=text))
    if not outcome.ok or outcome.account_id is None:
        await message.answer(texts.key_refused(outcome), reply_markup=keyboards.no_menu())
        return
    await sync_then_open_menu(message, engine, initial_sync, account_id=outcome.account_id,
                              started=texts.sync_started(outcome))


def build_routers() -> tuple[Router, Router]:
    """Return the /start router and the key router (matched last: any other text of a person)."""
    first, last = Router(name="start"), Router(name="key")
    first.message.register(start, CommandStart())
    last.message.register(key, F.text & ~F.text.startswith("/"))
    return first, last
