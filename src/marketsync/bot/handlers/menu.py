"""The main menu: notifications (inline switches, toggled at once), orders, critical stocks, the web cabinet and
help; /menu, /settings and /help. Nobody without a cabinet (a valid WB key) gets past `ASK_KEY`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, LinkPreviewOptions, Message

from marketsync.accounts.telegram import cabinet_link
from marketsync.bot import keyboards, texts
from marketsync.bot.work import in_session
from marketsync.notifications.onboarding import Person, person, switches, toggle
from marketsync.orders.digest import critical_stocks, orders_digest

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine



async def _member(message: Message, engine: Engine) -> Person | None:
    """Return the person with their cabinet, or ask for the key and return None."""
    user = message.from_user
    if user is None:
        return None
    found = await in_session(engine, lambda s: person(s, telegram_id=user.id))
    if found.account_id is None:
        await message.answer(texts.ASK_KEY, reply_markup=keyboards.no_menu())
        return None
    return found


async def menu(message: Message, engine: Engine) -> None:
    """Show the main menu."""
    if await _member(message, engine):
        await message.answer(texts.MENU, reply_markup=keyboards.main_menu())


async def help_(message: Message) -> None:
    """Explain what the bot does and its commands (to anyone)."""
    await message.answer(texts.HELP)


async def settings(message: Message, engine: Engine) -> None:
    """Show the notification switches."""
    found = await _member(message, engine)
    if found is None or found.account_id is None:
        return
    account_id, user_id = found.account_id, found.user_id
    state = await in_session(engine, lambda s: switches(s, account_id=account_id, user_id=user_id))
    await message.answer(texts.switches_text(state), reply_markup=keyboards.switches(state))


async def switch(query: CallbackQuery, engine: Engine) -> None:
    """Toggle one switch at once and edit the settings message to show the new state."""
    kind = (query.data or "").removeprefix(keyboards.SWITCH_PREFIX)
    found = await in_session(engine, lambda s: person(s, telegram_id=query.from_user.id))
    if found.account_id is None:
        await query.answer(texts.ASK_KEY, show_alert=True)
        return
    account_id, user_id = found.account_id, found.user_id
    try:
        state = await in_session(engine, lambda s: toggle(s, account_id=account_id, user_id=user_id, kind=kind))
    except ValueError:
        await query.answer(texts.UNKNOWN_TYPE)
        return
    if query.message is not None and hasattr(query.message, "edit_text"):
        await query.message.edit_text(texts.switches_text(state), reply_markup=keyboards.switches(state))
    await query.answer(texts.toggled(kind, state))


async def orders(message: Message, engine: Engine) -> None:
    """Show today's orders and the latest ones."""
    found = await _member(message, engine)
    if found is None or found.account_id is None:
        return
    account_id = found.account_id
    digest = await in_session(engine, lambda s: orders_digest(s, account_id=account_id))
    await message.answer(texts.orders_text(digest))


async def stocks(message: Message, engine: Engine, critical_threshold: int) -> None:
    """List the sizes whose stock is critical."""
    found = await _member(message, engine)
    if found is None or found.account_id is None:
        return
    account_id = found.account_id
    lines = await in_session(engine, lambda s: critical_stocks(s, account_id=account_id))
    await message.answer(texts.stocks_text(lines, critical_threshold))


async def cabinet(message: Message, engine: Engine, base_url: str) -> None:
    """Give a one-time link signing the person into the web cabinet (no preview: a preview is no sign-in)."""
    who = message.from_user
    if who is None or not await _member(message, engine):
        return
    link = await in_session(engine, lambda s: cabinet_link(s, who.id, base_url)) or base_url
    await message.answer(texts.CABINET.format(url=link), reply_markup=keyboards.cabinet_link(link),
                         link_preview_options=LinkPreviewOptions(is_disabled=True))


def build_router() -> Router:
    """Return the menu's router (a new one per dispatcher: aiogram attaches a router to one only)."""
    router = Router(name="menu")
    router.message.register(menu, Command("menu"))
    router.message.register(help_, Command("help"))
    router.message.register(help_, F.text == texts.MENU_HELP)
    router.message.register(settings, Command("settings"))
    router.message.register(settings, F.text == texts.MENU_NOTIFICATIONS)
    router.callback_query.register(switch, F.data.startswith(keyboards.SWITCH_PREFIX))
    router.message.register(orders, F.text == texts.MENU_ORDERS)
    router.message.register(stocks, F.text == texts.MENU_STOCKS)
    router.message.register(cabinet, F.text == texts.MENU_CABINET)
    return router
