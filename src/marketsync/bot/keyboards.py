"""The bot's keyboards: the main menu (a reply keyboard) and the notification switches (inline, one button per
type and one for all; the callback data names the type as the settings do)."""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from marketsync.bot import texts
from marketsync.notifications.onboarding import Switches

SWITCH_PREFIX = "ns:"  # callback data: ns:<type> or ns:all


def main_menu() -> ReplyKeyboardMarkup:
    """Return the main menu keyboard."""
    return ReplyKeyboardMarkup(keyboard=[
        [KeyboardButton(text=texts.MENU_NOTIFICATIONS), KeyboardButton(text=texts.MENU_ORDERS)],
        [KeyboardButton(text=texts.MENU_STOCKS), KeyboardButton(text=texts.MENU_CABINET)],
        [KeyboardButton(text=texts.MENU_HELP)],
    ], resize_keyboard=True, is_persistent=True)


def no_menu() -> ReplyKeyboardRemove:
    """Hide the menu (a person without a working key has none)."""
    return ReplyKeyboardRemove()


def switches(state: Switches) -> InlineKeyboardMarkup:
    """Return the switches: all first, then one per type, each showing its state."""
    rows = [[InlineKeyboardButton(text=f"{texts.mark(state.enabled)} {texts.ALL_TITLE}",
                                  callback_data=f"{SWITCH_PREFIX}all")]]
    rows += [[InlineKeyboardButton(text=f"{texts.mark(on)} {texts.TYPE_TITLES[kind]}",
                                   callback_data=f"{SWITCH_PREFIX}{kind}")] for kind, on in state.types.items()]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def cabinet_link(url: str) -> InlineKeyboardMarkup | None:
    """Return a button opening the web cabinet (Telegram accepts only public https links on buttons)."""
    if not url.startswith("https://"):
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Открыть кабинет", url=url)]])
