"""Telegram Bot API wire models (openapi.json 8.1: the `{ok, result}` envelope, Error, User, Chat, Message)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ResponseParameters(_Wire):
    """Why a request failed: `retry_after` seconds of flood control, or the supergroup a group became."""

    retry_after: int | None = None
    migrate_to_chat_id: int | None = None


class ErrorBody(_Wire):
    """The error envelope `{"ok": false, "error_code", "description", "parameters"}`."""

    ok: bool = False
    error_code: int
    description: str = ""
    parameters: ResponseParameters | None = None


class BotUser(_Wire):
    """A `User` (getMe answers the bot itself)."""

    id: int
    is_bot: bool
    first_name: str
    username: str | None = None


class Chat(_Wire):
    """A `Chat`: private, group, supergroup or channel."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None


class PhotoSize(_Wire):
    """One size of a photo (`PhotoSize`)."""

    file_id: str
    file_unique_id: str
    width: int
    height: int


class SentMessage(_Wire):
    """The `Message` sendMessage and sendPhoto answer with."""

    message_id: int
    date: int  # Unix time, seconds
    chat: Chat
    text: str | None = None
    caption: str | None = None
    photo: list[PhotoSize] | None = None
