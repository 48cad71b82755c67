"""sendPhoto in the Telegram emulator: a photo by HTTP URL (not downloaded; Telegram would fetch it) or by a
file_id this bot was given before, with a caption of up to 1024 characters; the message keeps both, and the
answer carries the `photo` sizes with a new file_id as Telegram's does."""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

from marketsync.sandbox.telegram.state import TelegramApiError, TelegramState, TgBot, TgChat, TgMessage

CAPTION_MAX = 1024
FILE_ID = re.compile(r"AgAC[A-Za-z0-9_-]{20,}")
SIZES = ((90, 90), (320, 320), (800, 800))  # the thumbnails Telegram makes of a square photo


def _file_id(photo: str, width: int) -> str:
    digest = hashlib.sha256(f"{photo}:{width}".encode()).hexdigest()[:32]
    return f"AgAC{digest}"


def photo_sizes(photo: str) -> list[dict[str, Any]]:
    """Return the `PhotoSize` list of a photo (stable file ids derived from where it came from)."""
    return [{"file_id": _file_id(photo, w), "file_unique_id": _file_id(photo, w)[4:20], "width": w, "height": h}
            for w, h in SIZES]


def send_photo(telegram: TelegramState, bot: TgBot, chat: TgChat, params: dict[str, Any]) -> dict[str, Any]:
    """Keep one photo message a bot sent to a chat; return the `Message` (or refuse as Telegram does)."""
    photo = params.get("photo")
    if not isinstance(photo, str) or not photo.strip():
        raise TelegramApiError(400, "Bad Request: there is no photo in the request")
    photo = photo.strip()
    if not re.match(r"https?://[^\s/]+", photo) and not (FILE_ID.fullmatch(photo) and _issued(bot, photo)):
        raise TelegramApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
    caption = params.get("caption") or ""
    if not isinstance(caption, str):
        raise TelegramApiError(400, "Bad Request: caption must be a string")
    if len(caption) > CAPTION_MAX:
        raise TelegramApiError(400, "Bad Request: message caption is too long")
    quiet = params.get("disable_notification") in (True, "true", "True", "1")
    with telegram.lock:
        message = TgMessage(bot.next_message_id, chat.id, int(time.time()), caption, quiet, photo=photo,
                            caption=caption)
        bot.next_message_id += 1
        bot.messages.append(message)
    answer: dict[str, Any] = {"message_id": message.message_id, "from": bot.user(), "chat": chat.wire(),
                              "date": message.date, "photo": photo_sizes(photo)}
    if caption:
        answer["caption"] = caption
    return answer


def _issued(bot: TgBot, file_id: str) -> bool:
    """Whether this bot was given the file id in an earlier answer."""
    return any(m.photo is not None and any(s["file_id"] == file_id for s in photo_sizes(m.photo))
               for m in bot.messages)
