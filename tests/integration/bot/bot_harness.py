"""The bot as a person meets it: aiogram's long polling run in its own thread and event loop against the Telegram
emulator over real HTTP, and a person who writes, presses buttons and reads what the bot sent."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from aiogram import Bot, Dispatcher

from marketsync.bot.app import run_polling
from marketsync.sandbox.telegram.methods import press, write
from marketsync.sandbox.telegram.state import TelegramState, TgMessage

WAIT_SECONDS = 20.0


def wait_for(what: Callable[[], Any], *, timeout: float = WAIT_SECONDS, message: str = "") -> Any:
    """Return what `what()` returns once it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting: {message or what}")
        time.sleep(0.05)


class PollingBot:
    """The dispatcher long-polling the emulator in a thread; `stop()` ends the polling cleanly."""

    def __init__(self, dispatcher: Dispatcher, bot: Bot) -> None:
        self.dispatcher, self.bot = dispatcher, bot
        self.loop: asyncio.AbstractEventLoop | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True, name="bot-polling")

    def _run(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            await run_polling(self.dispatcher, self.bot, timeout=1)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported by stop()
            self.error = exc

    def __enter__(self) -> PollingBot:
        self.thread.start()
        wait_for(lambda: self.loop is not None, message="the bot's event loop")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.loop is not None and self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.dispatcher.stop_polling(), self.loop).result(10)
        self.thread.join(15)
        assert not self.thread.is_alive(), "the bot did not stop"


class Person:
    """A Telegram user in their private chat with the bot."""

    def __init__(self, telegram: TelegramState, token: str, chat_id: int, name: str) -> None:
        self.telegram, self.token, self.chat_id, self.name = telegram, token, chat_id, name

    def received(self) -> list[TgMessage]:
        """Every message the bot sent this person, oldest first."""
        return self.telegram.messages(self.token, self.chat_id)

    def write(self, text: str) -> None:
        """Write to the bot."""
        write(self.telegram, self.token, self.chat_id, text, first_name=self.name)

    def say_and_wait(self, text: str, expect: str, *, timeout: float = WAIT_SECONDS) -> TgMessage:
        """Write, then wait for a new message of the bot containing `expect`; return it."""
        before = len(self.received())
        self.write(text)
        return self.wait_text(expect, after=before, timeout=timeout)

    def wait_text(self, expect: str, *, after: int = 0, timeout: float = WAIT_SECONDS) -> TgMessage:
        """Wait for a message (the `after`-th or later) containing `expect`."""
        return wait_for(lambda: next((m for m in self.received()[after:] if expect in m.text), None),
                        timeout=timeout, message=f"a message with {expect!r}; got {[m.text for m in self.received()]}")

    def press(self, message: TgMessage, data: str) -> str:
        """Press an inline button under a message."""
        return press(self.telegram, self.token, self.chat_id, message.message_id, data=data)

    def has_menu(self) -> bool:
        """Whether any message gave this person the main menu keyboard."""
        return any("keyboard" in (m.reply_markup or {}) for m in self.received())
