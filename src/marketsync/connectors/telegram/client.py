"""Telegram Bot API client: `{TELEGRAM_API_URL}/bot<token>/<method>`, the `{ok, result}` envelope, Telegram's errors.

The token in the path is the only auth (it is redacted from the call log like any credential). Errors come as
`{"ok": false, "error_code", "description", "parameters": {"retry_after"}}` and map to the ConnectorError tree:
429 (flood control) → RateLimited with `parameters.retry_after`; 401 (a wrong or revoked token), 404 (no such
bot or method), 403 (the bot was blocked or removed from the chat) and 400 "chat not found" → ConfigError, as
they need a person to fix the setup; any other 400 → RejectedError (this message was refused); 5xx → the
outcome is unknown. Telegram has no idempotency key, so a sendMessage whose answer was lost is not repeated
here: the caller decides.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import (
    ConfigError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimited,
    RejectedError,
)
from marketsync.connectors.telegram.schemas import BotUser, ErrorBody, SentMessage
from marketsync.http import Budget, HttpClient, HttpConfig, Recorder, parse_json
from marketsync.security import sha256_hex
from marketsync.settings import get_settings

SYSTEM = "telegram"
TEXT_MAX = 4096  # sendMessage: text of 1..4096 characters after entities parsing (openapi.json)
CAPTION_MAX = 1024  # sendPhoto: caption of 0..1024 characters
# The limits are not in the spec files (CONTRACTS.md §5 marks them [UNCONFIRMED]); Telegram's bot FAQ, as quoted in
# issues of php-telegram-bot/core, flathunters/flathunter and eternnoir/pyTelegramBotAPI: about 30 messages a
# second per bot, about one a second in one chat (short bursts tolerated) and no more than 20 a minute in a group.
# This client writes to one alert chat, so sendMessage gets the per-chat budget.
BOT_PER_SECOND = 30
CHAT_BUDGET = Budget(per_second=1, per_minute=20)
# "<bot id>:<secret>"; anything else would not even reach a bot (and must not be put into a URL path).
TOKEN_FORMAT = re.compile(r"\d+:[A-Za-z0-9_-]+")
ModelT = TypeVar("ModelT", bound=BaseModel)


def raise_for_error(code: int, description: str, retry_after: int | None = None) -> None:
    """Map one Bot API error to our tree."""
    text = f"Telegram error {code}: {description}"
    if code == 429:
        raise RateLimited(text, retry_after=retry_after, code=code)
    if code in (401, 403, 404) or (code == 400 and "chat not found" in description.lower()):
        raise ConfigError(text, code=code)
    if code >= 500:
        raise OutcomeUnknownError(text, code=code)
    raise RejectedError(text, code=code)


def _error_body(response: httpx.Response) -> ErrorBody | None:
    try:
        return ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return None


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError that a Bot API answer stands for (nothing for `ok: true`)."""
    body = parse_json(response, SYSTEM)
    if isinstance(body, dict) and body.get("ok") is True:
        return
    error = _error_body(response)
    if error is None:
        raise MalformedResponseError(f"Telegram answered HTTP {response.status_code} without its envelope")
    raise_for_error(error.error_code, error.description, error.parameters.retry_after if error.parameters else None)


class _TelegramHttp(HttpClient):
    """http.py reads a 429's wait from the Retry-After header; Telegram says it only in the body
    (`parameters.retry_after`), so a 429 with Telegram's envelope is classified from the body first."""

    def _raise_for_status(self, response: httpx.Response, idempotent: bool) -> None:
        if response.status_code == 429 and (error := _error_body(response)) is not None:
            raise_for_error(429, error.description, error.parameters.retry_after if error.parameters else None)
        super()._raise_for_status(response, idempotent)


def wire_chat_id(chat_id: str | int) -> str | int:
    """Return a chat id as the Bot API takes it: an integer, or "@username" of a public channel or group."""
    text = str(chat_id).strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else text


class TelegramClient:
    """Calls the Bot API as one bot."""

    def __init__(self, token: str, *, base_url: str | None = None, recorder: Recorder | None = None,
                 max_attempts: int | None = None, timeout: float | None = None, one_chat: bool = True) -> None:
        """`one_chat`: every message goes to one chat, so sendMessage gets that chat's budget; a sender writing
        to many chats (notification delivery) paces each chat itself and keeps only the bot-wide budget."""
        if not TOKEN_FORMAT.fullmatch(token or ""):
            raise ConfigError("the bot token is not a Telegram bot token (<bot id>:<secret>)")
        self._prefix = f"/bot{token}"
        self.http = _TelegramHttp(HttpConfig(
            system=SYSTEM,
            base_url=base_url or get_settings().TELEGRAM_API_URL,
            credential=token,
            rate_per_second=BOT_PER_SECOND,
            breaker_key=f"{SYSTEM}:{sha256_hex(token)[:16]}",
            method_budgets={f"{self._prefix}/sendMessage": CHAT_BUDGET} if one_chat else {},
            recorder=recorder,
            max_attempts=max_attempts,
            timeout=timeout,
        ))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.http.close()

    def _call(self, method: str, payload: dict[str, Any], model: type[ModelT], *, write: bool,
              multipart: bool = False) -> ModelT:
        if multipart:  # a method the spec takes only as multipart/form-data (sendPhoto): every field a form part
            fields = {k: (None, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in payload.items()}
            response = self.http.request("POST", f"{self._prefix}/{method}", files=fields, idempotent=not write,
                                         classify=classify)
        else:
            response = self.http.request("POST", f"{self._prefix}/{method}", json=payload, idempotent=not write,
                                         classify=classify)
        try:
            return model.model_validate(parse_json(response, SYSTEM)["result"])
        except (KeyError, TypeError, ValidationError) as exc:
            raise MalformedResponseError(f"Telegram {method}: unexpected answer") from exc

    def get_me(self) -> BotUser:
        """getMe: the bot behind the token (checks the token)."""
        return self._call("getMe", {}, BotUser, write=False)

    def send_message(self, chat_id: str | int, text: str, *, disable_notification: bool = False) -> SentMessage:
        """sendMessage: plain text (1..4096 characters, no parse mode, so nothing needs escaping) to one chat."""
        if not 0 < len(text) <= TEXT_MAX:
            raise RejectedError(f"a Telegram message holds 1..{TEXT_MAX} characters, this one {len(text)}")
        payload: dict[str, Any] = {"chat_id": wire_chat_id(chat_id), "text": text}
        if disable_notification:
            payload["disable_notification"] = True
        return self._call("sendMessage", payload, SentMessage, write=True)

    def send_photo(self, chat_id: str | int, photo: str, *, caption: str = "",
                   disable_notification: bool = False) -> SentMessage:
        """sendPhoto: a photo by HTTP URL or file_id with a plain caption (0..1024 characters), multipart as the
        spec declares it."""
        if len(caption) > CAPTION_MAX:
            raise RejectedError(f"a Telegram photo caption holds up to {CAPTION_MAX} characters, "
                                f"this one {len(caption)}")
        payload: dict[str, Any] = {"chat_id": wire_chat_id(chat_id), "photo": photo}
        if caption:
            payload["caption"] = caption
        if disable_notification:
            payload["disable_notification"] = True
        return self._call("sendPhoto", payload, SentMessage, write=True, multipart=True)
