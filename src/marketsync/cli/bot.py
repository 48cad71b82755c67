"""`marketsync bot`: run the Telegram bot alone (distributed mode; `marketsync run` starts it as a child)."""

from __future__ import annotations

import contextlib

import typer


def register(app: typer.Typer) -> None:
    """Add the bot command to the CLI."""

    @app.command("bot")
    def bot() -> None:
        """Run the Telegram bot: long polling of TELEGRAM_API_URL, or keeping the webhook when
        TELEGRAM_WEBHOOK_URL is set (the web app receives the updates then)."""
        from marketsync.bot.app import run_bot
        from marketsync.cli.common import fail
        from marketsync.settings import get_settings

        if not get_settings().BOT_TOKEN:
            fail("BOT_TOKEN is not set: the bot needs its token from @BotFather")
        with contextlib.suppress(KeyboardInterrupt):
            run_bot()
