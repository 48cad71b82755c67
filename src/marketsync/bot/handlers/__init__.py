"""The bot's handlers, one router per part of the dialogue; `routers()` in the order they must match."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    """Return the routers: /start first, the menu, then the key (any other text of a person without a cabinet)."""
    from marketsync.bot.handlers import menu, start

    first, last = start.build_routers()
    return [first, menu.build_router(), last]
