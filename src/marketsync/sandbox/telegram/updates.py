"""The emulated Telegram's update side: what people write to a bot and which buttons they press, queued as
`Update` objects per bot until getUpdates confirms them (offset) or a webhook accepts them; the webhook itself
(its URL and secret token, delivered by a thread with Telegram's header); the bot's commands; and every answer to a
callback query. Tests and the demo page inject messages and presses through `UpdateHub`."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_RETRY_SECONDS = 0.5


@dataclass
class Webhook:
    """A bot's webhook (setWebhook): where updates go, and the secret echoed in a header with each."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    allowed_updates: list[str] | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class UserMessage:
    """One message a person wrote to a bot (kept for the chat page and tests)."""

    message_id: int
    chat_id: int
    date: int
    text: str
    sender: dict[str, Any]


@dataclass
class CallbackAnswer:
    """What the bot answered to one button press (answerCallbackQuery)."""

    callback_query_id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False


@dataclass
class BotUpdates:
    """One bot's pending updates, webhook, commands, the people's messages and the callback queries."""

    pending: list[dict[str, Any]] = field(default_factory=list)
    webhook: Webhook | None = None
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    user_messages: list[UserMessage] = field(default_factory=list)
    callbacks: dict[str, CallbackAnswer] = field(default_factory=dict)
    delivered: int = 0  # updates a webhook accepted
    webhook_thread: threading.Thread | None = None


class UpdateHub:
    """Update queues per bot token; every call holds the sandbox's lock."""

    def __init__(self, lock: threading.RLock) -> None:
        self.lock = lock
        self._bots: dict[str, BotUpdates] = {}
        self._callback_ids = itertools.count(4_200_000_000_001)
        # Update ids only grow, across resets too: a getUpdates still waiting from before a reset confirms by
        # offset, and must not confirm (delete) updates made after it.
        self._update_ids = itertools.count(100_000_001)

    def reset(self) -> None:
        """Forget every queue, webhook and command (the webhook threads stop on their next look)."""
        with self.lock:
            for updates in self._bots.values():
                updates.webhook = None
            self._bots.clear()

    def of(self, token: str) -> BotUpdates:
        """Return (creating) the update state of a bot token."""
        with self.lock:
            return self._bots.setdefault(token, BotUpdates())

    def _push(self, token: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            updates = self.of(token)
            update = {"update_id": next(self._update_ids), kind: body}
            updates.pending.append(update)
            return update

    def add_user_message(self, token: str, message: UserMessage, chat: dict[str, Any]) -> dict[str, Any]:
        """Queue a `message` update for what a person wrote; return the update."""
        body: dict[str, Any] = {"message_id": message.message_id, "from": message.sender, "chat": chat,
                                "date": message.date, "text": message.text}
        if message.text.startswith("/"):
            command = message.text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        with self.lock:
            self.of(token).user_messages.append(message)
            return self._push(token, "message", body)

    def add_press(self, token: str, *, sender: dict[str, Any], message: dict[str, Any], data: str) -> str:
        """Queue a `callback_query` update for a press of an inline button; return the query's id."""
        query_id = str(next(self._callback_ids))
        body = {"id": query_id, "from": sender, "message": message, "chat_instance": f"-{message['chat']['id']}",
                "data": data}
        with self.lock:
            self.of(token).callbacks[query_id] = CallbackAnswer(query_id, message["chat"]["id"],
                                                                message["message_id"], data)
            self._push(token, "callback_query", body)
        return query_id

    def take(self, token: str, *, offset: int | None, limit: int) -> list[dict[str, Any]]:
        """getUpdates: confirm every update below `offset`, then return up to `limit` of the rest (a negative
        offset counts from the end of the queue)."""
        with self.lock:
            updates = self.of(token)
            if offset is not None and offset > 0:
                updates.pending = [u for u in updates.pending if u["update_id"] >= offset]
            elif offset is not None and offset < 0:
                updates.pending = updates.pending[offset:]
            return [dict(u) for u in updates.pending[:limit]]

    def set_webhook(self, token: str, webhook: Webhook | None, *, drop_pending: bool,
                    deliver: Callable[[str], None] | None = None) -> None:
        """Set (or remove, with None) the webhook; start its delivery thread when one is set."""
        with self.lock:
            updates = self.of(token)
            updates.webhook = webhook
            if drop_pending:
                updates.pending.clear()
            running = updates.webhook_thread is not None and updates.webhook_thread.is_alive()
            if webhook is not None and not running:
                updates.webhook_thread = threading.Thread(target=deliver or self.deliver_forever, args=(token,),
                                                          daemon=True, name=f"tg-webhook-{token.split(':')[0]}")
                updates.webhook_thread.start()

    def answer(self, token: str, query_id: str, *, text: str | None, show_alert: bool) -> bool:
        """Record the bot's answer to a callback query; False when the id is unknown or already answered."""
        with self.lock:
            found = self.of(token).callbacks.get(query_id)
            if found is None or found.answered:
                return False
            found.answered, found.text, found.show_alert = True, text, show_alert
            return True

    def deliver_forever(self, token: str) -> None:
        """POST each pending update to the webhook in order, as Telegram does, until the webhook goes away; a
        non-2xx answer or a failed connection is retried (the update stays first in the queue)."""
        with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS) as client:
            while True:
                with self.lock:
                    updates = self._bots.get(token)
                    webhook = updates.webhook if updates else None
                    if updates is None or webhook is None:
                        return
                    update = updates.pending[0] if updates.pending else None
                if update is None:
                    time.sleep(0.05)
                    continue
                headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
                error: str | None = None
                try:
                    answer = client.post(webhook.url, json=update, headers=headers)
                    if not answer.is_success:
                        error = f"Wrong response from the webhook: {answer.status_code} {answer.reason_phrase}"
                except httpx.HTTPError as exc:
                    error = f"Connection failed: {type(exc).__name__}"
                with self.lock:
                    if error is None:
                        if updates.pending and updates.pending[0]["update_id"] == update["update_id"]:
                            updates.pending.pop(0)
                        updates.delivered += 1
                        continue
                    webhook.last_error_date, webhook.last_error_message = int(time.time()), error
                time.sleep(WEBHOOK_RETRY_SECONDS)
