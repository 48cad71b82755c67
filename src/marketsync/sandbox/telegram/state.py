"""The emulated Telegram's data: bots by token, the chats that may receive from each bot, and every message each
bot sent (what tests and the demo read back)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from marketsync.sandbox.ratelimit import FixedWindowLimiter
from marketsync.sandbox.telegram.flood import FloodControl
from marketsync.sandbox.telegram.updates import UpdateHub

# The demo bot and the operator chat it alerts (demo mode's BOT_TOKEN and ALERT_TELEGRAM_CHAT_ID).
DEMO_BOT_TOKEN = "7000000001:sandbox-demo-bot-token-AAAAAAAAAAAAAAA"
DEMO_CHAT_ID = 700000001
# Telegram's bot FAQ: no more than 20 messages a minute to one group (CONTRACTS.md §5: not in the spec files).
GROUP_MESSAGES_PER_MINUTE = 20
TEXT_MAX = 4096


class TelegramApiError(Exception):
    """A Bot API refusal: rendered as `{"ok": false, "error_code", "description", "parameters"}`."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """Return the error envelope."""
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class TgChat:
    """A chat a bot may write to: a person who pressed Start, or a group or channel the bot is in."""

    id: int
    type: str = "private"  # private | group | supergroup | channel
    title: str | None = None
    username: str | None = None
    first_name: str | None = None

    def wire(self) -> dict[str, Any]:
        """Return the `Chat` object."""
        extra = {"title": self.title, "username": self.username, "first_name": self.first_name}
        return {"id": self.id, "type": self.type, **{k: v for k, v in extra.items() if v is not None}}


@dataclass
class TgMessage:
    """One message a bot sent."""

    message_id: int
    chat_id: int
    date: int
    text: str
    disable_notification: bool = False
    photo: str | None = None  # sendPhoto: the URL or file_id sent (text is then the caption)
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None  # the keyboard the message carries (inline or reply)
    edit_date: int | None = None


@dataclass
class TgBot:
    """A bot: its token, its own user, the chats it may write to and what it sent."""

    token: str
    id: int
    username: str
    first_name: str
    chats: dict[int, TgChat] = field(default_factory=dict)
    messages: list[TgMessage] = field(default_factory=list)
    next_message_id: int = 1

    def user(self) -> dict[str, Any]:
        """Return the bot's `User` object (getMe)."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


class TelegramState:
    """Bots per token; every call holds the sandbox's lock."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._bots: dict[str, TgBot] = {}
        self.group_limit: int | None = GROUP_MESSAGES_PER_MINUTE
        self.group_windows = FixedWindowLimiter(window_s=60.0)
        self.flood = FloodControl()  # per-chat 429s, armed by tests and the demo
        self.updates = UpdateHub(lock)  # what people write and press, the webhook, commands (updates.py)

    def reset(self) -> None:
        """Forget every bot."""
        with self.lock:
            self._bots.clear()
            self.updates.reset()
            self.group_limit = GROUP_MESSAGES_PER_MINUTE
            self.group_windows.reset()
            self.flood.reset()

    def add_bot(self, token: str, username: str = "marketsync_sandbox_bot", first_name: str = "MarketSync") -> TgBot:
        """Create (or return) the bot of a token "<bot id>:<secret>"."""
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a bot token looks like <bot id>:<secret>")
        with self.lock:
            return self._bots.setdefault(token, TgBot(token, int(bot_id), username, first_name))

    def add_chat(self, token: str, chat_id: int, *, type: str = "private", title: str | None = None,
                 username: str | None = None, first_name: str | None = None) -> TgChat:
        """Let a bot write to a chat (the person pressed Start, or the bot was added to the group)."""
        with self.lock:
            chat = TgChat(chat_id, type, title, username, first_name)
            self._require(token).chats[chat_id] = chat
            return chat

    def revoke(self, token: str) -> None:
        """Forget a bot's token (@BotFather's /revoke): it answers 401 from now on."""
        with self.lock:
            self._bots.pop(token, None)

    def bot(self, token: str) -> TgBot | None:
        """Return the bot of a token, if the token is valid."""
        with self.lock:
            return self._bots.get(token)

    def tokens(self) -> list[str]:
        """Return every valid token."""
        with self.lock:
            return list(self._bots)

    def messages(self, token: str, chat_id: int | None = None) -> list[TgMessage]:
        """Return what a bot sent (to one chat, or to all), oldest first."""
        with self.lock:
            bot = self._bots.get(token)
            sent = list(bot.messages) if bot else []
        return [m for m in sent if chat_id is None or m.chat_id == chat_id]

    def _require(self, token: str) -> TgBot:
        bot = self._bots.get(token)
        if bot is None:
            raise TelegramApiError(401, "Unauthorized")
        return bot

    def find_chat(self, token: str, chat_id: int | str) -> TgChat:
        """Return the chat a `chat_id` names (an id or "@username"), or refuse as Telegram does."""
        with self.lock:
            bot = self._require(token)
            if isinstance(chat_id, str):
                chat = next((c for c in bot.chats.values() if c.username and f"@{c.username}" == chat_id), None)
            else:
                chat = bot.chats.get(chat_id)
            if chat is None:
                raise TelegramApiError(400, "Bad Request: chat not found")
            return chat

    def send_message(self, token: str, chat: TgChat, text: str, *, disable_notification: bool = False,
                     reply_markup: dict[str, Any] | None = None) -> TgMessage:
        """Keep one message a bot sent to a chat; return it (429 past a group's messages a minute)."""
        with self.lock:
            bot = self._require(token)
            if chat.type in ("group", "supergroup"):
                window = self.group_windows.hit(f"{token}:{chat.id}", self.group_limit)
                if not window.allowed:
                    raise TelegramApiError(429, f"Too Many Requests: retry after {window.reset_s}",
                                           retry_after=window.reset_s)
            message = TgMessage(bot.next_message_id, chat.id, int(time.time()), text, disable_notification,
                                reply_markup=reply_markup)
            bot.next_message_id += 1
            bot.messages.append(message)
            return message

    def seed_demo(self) -> dict[str, Any]:
        """Create the demo bot and the operator's chat; return their credentials."""
        with self.lock:
            self.add_bot(DEMO_BOT_TOKEN, "marketsync_demo_bot", "MarketSync")
            self.add_chat(DEMO_BOT_TOKEN, DEMO_CHAT_ID, first_name="Оператор", username="marketsync_operator")
        return {"telegram_bot_token": DEMO_BOT_TOKEN, "telegram_chat_id": DEMO_CHAT_ID}
