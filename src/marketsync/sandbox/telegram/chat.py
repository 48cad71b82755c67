"""Playing a person in a chat with a sandbox bot: the control endpoints tests and the demo use
(`/_control/telegram/...`: add a bot, write a message, press a button, read the chat) and the page that shows the
chat as Telegram would (`/telegram/chat`: messages, photos, buttons; the demo user types and presses)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Body, HTTPException
from starlette.responses import HTMLResponse

from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.telegram.methods import press, write
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN, TelegramApiError, TelegramState

DEMO_PERSON_CHAT_ID = 700000002  # the demo seller's private chat with the demo bot
DEMO_PERSON_NAME = "Демо-продавец"


def transcript(telegram: TelegramState, token: str, chat_id: int) -> dict[str, Any]:
    """Return a chat as the page shows it: every message of both sides in order, the keyboard under the bot's
    last message with a reply keyboard, and the bot's answers to button presses."""
    with telegram.lock:
        bot = telegram.bot(token)
        if bot is None:
            raise KeyError("unknown Telegram bot token")
        updates = telegram.updates.of(token)
        entries: list[dict[str, Any]] = []
        keyboard: list[list[str]] | None = None
        for message in bot.messages:
            if message.chat_id != chat_id:
                continue
            markup = message.reply_markup or {}
            if "keyboard" in markup:
                keyboard = [[str(b.get("text", b)) if isinstance(b, dict) else str(b) for b in row]
                            for row in markup["keyboard"]]
            elif markup.get("remove_keyboard"):
                keyboard = None
            photo = getattr(message, "photo", None)  # sendPhoto's messages (notifications) carry a photo
            entries.append({"message_id": message.message_id, "side": "bot", "date": message.date,
                            "text": message.text or getattr(message, "caption", None) or "",
                            "photo": photo if isinstance(photo, str) else None,
                            "edited": message.edit_date is not None,
                            "buttons": [[{"text": b.get("text", ""), "data": b.get("callback_data"),
                                          "url": b.get("url")} for b in row]
                                        for row in markup.get("inline_keyboard", [])]})
        entries += [{"message_id": m.message_id, "side": "user", "date": m.date, "text": m.text, "photo": None,
                     "edited": False, "buttons": []} for m in updates.user_messages if m.chat_id == chat_id]
        answers = [{"data": a.data, "text": a.text, "show_alert": a.show_alert}
                   for a in updates.callbacks.values() if a.chat_id == chat_id and a.answered and a.text]
        chat = bot.chats.get(chat_id)
    return {"bot": bot.user(), "chat": chat.wire() if chat else {"id": chat_id, "type": "private"},
            "messages": sorted(entries, key=lambda e: e["message_id"]), "keyboard": keyboard,
            "answers": answers, "pending_updates": len(updates.pending)}


def _refusal(error: TelegramApiError) -> HTTPException:
    return HTTPException(400 if error.code != 401 else 404, error.description)


def telegram_chat_router(sandbox: SandboxState) -> APIRouter:
    """Build the router of the chat page and the Telegram control endpoints."""
    router = APIRouter()
    telegram = sandbox.telegram

    @router.post("/_control/telegram/bots")
    def add_bot(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """Create a bot (`{"token", "username"?}`); return its user."""
        try:
            bot = telegram.add_bot(str(body.get("token", "")), str(body.get("username") or "marketsync_sandbox_bot"))
        except ValueError as error:
            raise HTTPException(400, str(error)) from None
        return bot.user()

    @router.post("/_control/telegram/write")
    def write_message(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """A person writes to the bot: `{"token", "chat_id", "text", "first_name"?, "username"?}`."""
        try:
            update = write(telegram, str(body.get("token", "")), int(body.get("chat_id", 0)), str(body.get("text", "")),
                           first_name=str(body.get("first_name") or "Покупатель"), username=body.get("username"))
        except TelegramApiError as error:
            raise _refusal(error) from None
        return {"update_id": update["update_id"], "message_id": update["message"]["message_id"]}

    @router.post("/_control/telegram/press")
    def press_button(body: dict[str, Any] = Body(...)) -> dict[str, Any]:
        """A person presses an inline button: `{"token", "chat_id", "message_id", "data" | "text"}`."""
        try:
            query_id = press(telegram, str(body.get("token", "")), int(body.get("chat_id", 0)),
                             int(body.get("message_id", 0)), data=body.get("data"), text=body.get("text"))
        except TelegramApiError as error:
            raise _refusal(error) from None
        return {"callback_query_id": query_id}

    @router.get("/_control/telegram/chat")
    def read_chat(token: str = DEMO_BOT_TOKEN, chat_id: int = DEMO_PERSON_CHAT_ID) -> dict[str, Any]:
        """Return the chat: messages of both sides in order, the reply keyboard, answers to presses."""
        try:
            return transcript(telegram, token, chat_id)
        except KeyError as error:
            raise HTTPException(404, str(error.args[0])) from None

    @router.get("/telegram/chat", response_class=HTMLResponse)
    def chat_page() -> HTMLResponse:
        """The chat with the bot, played in the browser (token and chat_id from the query, demo's by default)."""
        page = resources.files("marketsync.sandbox.telegram").joinpath("chat.html").read_text(encoding="utf-8")
        return HTMLResponse(page.replace("__DEMO_TOKEN__", DEMO_BOT_TOKEN)
                            .replace("__DEMO_CHAT__", str(DEMO_PERSON_CHAT_ID))
                            .replace("__DEMO_NAME__", DEMO_PERSON_NAME), media_type="text/html; charset=utf-8")

    return router
