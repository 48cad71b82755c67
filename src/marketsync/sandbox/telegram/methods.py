"""The Bot API methods of the update side, as Telegram answers them: getUpdates (offset confirms, limit 1..100,
long poll up to `timeout` seconds, 409 while a webhook is set), setWebhook / deleteWebhook / getWebhookInfo (an
HTTPS URL — or a loopback HTTP one, so tests and the demo can receive — and a 1..256 character secret token),
answerCallbackQuery, editMessageText (400 "message is not modified" for identical content, as Telegram), and
setMyCommands / getMyCommands / deleteMyCommands. Plus the Python API tests and the demo use to write and press."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from marketsync.sandbox.telegram.state import TEXT_MAX, TelegramApiError, TelegramState, TgBot, TgMessage
from marketsync.sandbox.telegram.updates import UserMessage, Webhook

UPDATE_METHODS = ("getUpdates", "setWebhook", "deleteWebhook", "getWebhookInfo", "answerCallbackQuery",
                  "editMessageText", "setMyCommands", "getMyCommands", "deleteMyCommands")
SECRET_FORMAT = re.compile(r"[A-Za-z0-9_-]{1,256}")
COMMAND_FORMAT = re.compile(r"[a-z0-9_]{1,32}")
LONG_POLL_MAX_SECONDS = 50  # Telegram holds a getUpdates at most about this long
POLL_STEP_SECONDS = 0.05
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")


def _json(value: Any, name: str) -> Any:
    """Read a parameter that a form sends JSON-serialized (reply_markup, commands, allowed_updates)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise TelegramApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    return value


def _int(value: Any, name: str, default: int | None = None) -> int | None:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TelegramApiError(400, f"Bad Request: field \"{name}\" must be an integer") from None


def _flag(value: Any) -> bool:
    return value in (True, "true", "True", "1", 1)


def message_wire(bot: TgBot, chat: dict[str, Any], message: TgMessage) -> dict[str, Any]:
    """Return the `Message` object of a message the bot sent."""
    wire: dict[str, Any] = {"message_id": message.message_id, "from": bot.user(), "chat": chat,
                            "date": message.date, "text": message.text}
    if message.edit_date is not None:
        wire["edit_date"] = message.edit_date
    if message.reply_markup and "inline_keyboard" in message.reply_markup:
        wire["reply_markup"] = message.reply_markup  # Message.reply_markup is an inline keyboard only
    return wire


def reply_markup_of(params: dict[str, Any]) -> dict[str, Any] | None:
    """Return a method's reply_markup as an object (refusing one that is not)."""
    markup = _json(params.get("reply_markup"), "reply_markup")
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise TelegramApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    return markup


def _find_message(bot: TgBot, chat_id: int, message_id: int) -> TgMessage:
    found = next((m for m in bot.messages if m.chat_id == chat_id and m.message_id == message_id), None)
    if found is None:
        raise TelegramApiError(400, "Bad Request: message to edit not found")
    return found


def _webhook(telegram: TelegramState, bot: TgBot, params: dict[str, Any]) -> bool:
    url = str(params.get("url") or "")
    drop = _flag(params.get("drop_pending_updates"))
    if not url:
        telegram.updates.set_webhook(bot.token, None, drop_pending=drop)
        return True
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not loopback:
        raise TelegramApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.get("secret_token")
    if secret not in (None, "") and not SECRET_FORMAT.fullmatch(str(secret)):
        raise TelegramApiError(400, "Bad Request: secret token contains unallowed characters")
    connections = _int(params.get("max_connections"), "max_connections", 40) or 40
    if not 1 <= connections <= 100:
        raise TelegramApiError(400, "Bad Request: bad max_connections")
    allowed = _json(params.get("allowed_updates"), "allowed_updates")
    telegram.updates.set_webhook(bot.token, Webhook(url, str(secret) if secret else None, connections,
                                                    allowed if isinstance(allowed, list) else None),
                                 drop_pending=drop)
    return True


def _edit(telegram: TelegramState, bot: TgBot, params: dict[str, Any]) -> dict[str, Any]:
    if params.get("inline_message_id"):
        raise TelegramApiError(400, "Bad Request: MESSAGE_ID_INVALID")
    chat_id, message_id = _int(params.get("chat_id"), "chat_id"), _int(params.get("message_id"), "message_id")
    if chat_id is None:
        raise TelegramApiError(400, "Bad Request: chat_id is empty")
    if message_id is None:
        raise TelegramApiError(400, "Bad Request: message identifier is not specified")
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise TelegramApiError(400, "Bad Request: message text is empty")
    if len(text) > TEXT_MAX:
        raise TelegramApiError(400, "Bad Request: MESSAGE_TOO_LONG")
    markup = reply_markup_of(params)
    if markup is not None and "inline_keyboard" not in markup:
        raise TelegramApiError(400, "Bad Request: inline keyboard expected")
    chat = telegram.find_chat(bot.token, chat_id)
    with telegram.lock:
        message = _find_message(bot, chat.id, message_id)
        if message.text == text and (message.reply_markup or None) == markup:
            raise TelegramApiError(400, NOT_MODIFIED)
        message.text, message.reply_markup, message.edit_date = text, markup, int(time.time())
        return message_wire(bot, chat.wire(), message)


def _commands(telegram: TelegramState, bot: TgBot, method: str, params: dict[str, Any]) -> Any:
    scope = _json(params.get("scope"), "scope") or {"type": "default"}
    key = (json.dumps(scope, sort_keys=True), str(params.get("language_code") or ""))
    updates = telegram.updates.of(bot.token)
    if method == "getMyCommands":
        with telegram.lock:
            return list(updates.commands.get(key, []))
    if method == "deleteMyCommands":
        with telegram.lock:
            updates.commands.pop(key, None)
        return True
    commands = _json(params.get("commands"), "commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise TelegramApiError(400, "Bad Request: can't parse commands JSON object")
    for entry in commands:
        if not isinstance(entry, dict) or not COMMAND_FORMAT.fullmatch(str(entry.get("command", ""))):
            raise TelegramApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(entry.get("description", ""))) <= 256:
            raise TelegramApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    with telegram.lock:
        updates.commands[key] = [{"command": str(c["command"]), "description": str(c["description"])}
                                 for c in commands]
    return True


def call_update_method(telegram: TelegramState, bot: TgBot, method: str, params: dict[str, Any]) -> Any:
    """Run one update-side method (an immediate getUpdates: the long poll waits in `wait_for_updates`)."""
    updates = telegram.updates
    if method == "getUpdates":
        if updates.of(bot.token).webhook is not None:
            raise TelegramApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                        "deleteWebhook to delete the webhook first")
        limit = _int(params.get("limit"), "limit", 100) or 100
        return updates.take(bot.token, offset=_int(params.get("offset"), "offset"), limit=max(1, min(limit, 100)))
    if method == "setWebhook":
        return _webhook(telegram, bot, params)
    if method == "deleteWebhook":
        updates.set_webhook(bot.token, None, drop_pending=_flag(params.get("drop_pending_updates")))
        return True
    if method == "getWebhookInfo":
        with telegram.lock:
            state = updates.of(bot.token)
            hook = state.webhook
            info: dict[str, Any] = {"url": hook.url if hook else "", "has_custom_certificate": False,
                                    "pending_update_count": len(state.pending)}
            if hook is not None:
                info["max_connections"] = hook.max_connections
                if hook.last_error_date is not None:
                    info["last_error_date"], info["last_error_message"] = (hook.last_error_date,
                                                                           hook.last_error_message)
            return info
    if method == "answerCallbackQuery":
        text = params.get("text")
        if not updates.answer(bot.token, str(params.get("callback_query_id") or ""),
                              text=str(text) if text else None, show_alert=_flag(params.get("show_alert"))):
            raise TelegramApiError(400, "Bad Request: query is too old and response timeout expired or query ID "
                                        "is invalid")
        return True
    if method == "editMessageText":
        return _edit(telegram, bot, params)
    return _commands(telegram, bot, method, params)


async def wait_for_updates(params: dict[str, Any], payload: dict[str, Any], again: Callable[[], dict[str, Any]],
                           gone: Callable[[], Awaitable[bool]]) -> dict[str, Any]:
    """Hold an empty getUpdates answer up to its `timeout` seconds, answering as soon as an update comes; stop
    when the client has gone (its offset must not confirm updates it will never read)."""
    try:
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_MAX_SECONDS)
    except (TypeError, ValueError):
        timeout = 0.0
    deadline = time.monotonic() + timeout
    while payload.get("ok") and not payload.get("result") and time.monotonic() < deadline:
        await asyncio.sleep(POLL_STEP_SECONDS)
        if await gone():
            return payload
        payload = again()
    return payload


# The Python API of tests and the demo: a person writes, a person presses a button.

def person_wire(chat_id: int, first_name: str, username: str | None = None) -> dict[str, Any]:
    """Return the `User` object of a person (their id is their private chat's id)."""
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "ru"}
    if username:
        user["username"] = username
    return user


def write(telegram: TelegramState, token: str, chat_id: int, text: str, *, first_name: str = "Покупатель",
          username: str | None = None) -> dict[str, Any]:
    """A person writes `text` to the bot in their private chat (opening it: the bot may answer); return the
    queued update."""
    if not text or len(text) > TEXT_MAX:
        raise TelegramApiError(400, "Bad Request: message text is empty or too long")
    with telegram.lock:
        bot = telegram.bot(token)
        if bot is None:
            raise TelegramApiError(401, "Unauthorized")
        chat = bot.chats.get(chat_id) or telegram.add_chat(token, chat_id, first_name=first_name,
                                                           username=username)
        message = UserMessage(bot.next_message_id, chat_id, int(time.time()), text,
                              person_wire(chat_id, chat.first_name or first_name, chat.username or username))
        bot.next_message_id += 1
        return telegram.updates.add_user_message(token, message, chat.wire())


def press(telegram: TelegramState, token: str, chat_id: int, message_id: int, *, data: str | None = None,
          text: str | None = None) -> str:
    """A person presses an inline button (by its callback data or its text) under a bot's message; return the
    callback query's id. A button that is not there is refused, as a person cannot press it."""
    with telegram.lock:
        bot = telegram.bot(token)
        if bot is None:
            raise TelegramApiError(401, "Unauthorized")
        message = next((m for m in bot.messages if m.chat_id == chat_id and m.message_id == message_id), None)
        if message is None:
            raise TelegramApiError(400, "Bad Request: message not found")
        buttons = [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]
        button = next((b for b in buttons if "callback_data" in b
                       and (b["callback_data"] == data or (data is None and b.get("text") == text))), None)
        if button is None:
            raise TelegramApiError(400, f"Bad Request: no button {data or text!r} under message {message_id}")
        chat = bot.chats[chat_id]
        return telegram.updates.add_press(token, sender=person_wire(chat_id, chat.first_name or "Покупатель",
                                                                    chat.username),
                                          message=message_wire(bot, chat.wire(), message),
                                          data=str(button["callback_data"]))
