"""The Telegram emulator's update side over real HTTP, checked against openapi.json: getUpdates confirms by offset,
honours limit and holds an empty answer for its timeout; a webhook makes it refuse with 409; edits, callback
answers and commands refuse what Telegram refuses; the control API and the chat page play the person."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.telegram.methods import press, write

TOKEN = "7400000001:updates-test-bot-token-AAAAAAAAAAAAA"
CHAT = 884000001


@pytest.fixture
def api(sandbox: ServerThread, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Call a Bot API method of the test bot; every request and answer is checked against the spec."""
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    sandbox_state.telegram.add_bot(TOKEN)
    with httpx.Client(base_url=f"{sandbox.url}/telegram/bot{TOKEN}", timeout=30) as client:
        def call(method: str, **params: Any) -> tuple[int, dict[str, Any]]:
            answer = client.post(f"/{method}", json=params)
            return answer.status_code, answer.json()

        yield call


def test_get_updates_confirms_by_offset_and_honours_limit(api: Any, sandbox_state: Any) -> None:
    ids = [write(sandbox_state.telegram, TOKEN, CHAT, f"сообщение {n}")["update_id"] for n in range(3)]
    status, first = api("getUpdates", limit=2)
    assert status == 200 and [u["update_id"] for u in first["result"]] == ids[:2]
    assert first["result"][0]["message"]["text"] == "сообщение 0"
    _, again = api("getUpdates")
    assert [u["update_id"] for u in again["result"]] == ids  # nothing confirmed yet
    _, rest = api("getUpdates", offset=ids[1] + 1)
    assert [u["update_id"] for u in rest["result"]] == ids[2:]
    _, empty = api("getUpdates", offset=ids[2] + 1)
    assert empty == {"ok": True, "result": []}


def test_an_empty_get_updates_waits_for_its_timeout_or_the_first_update(api: Any, sandbox_state: Any) -> None:
    started = time.monotonic()
    assert api("getUpdates", timeout=1)[1]["result"] == []
    assert 0.9 <= time.monotonic() - started < 5
    import threading

    threading.Timer(0.3, lambda: write(sandbox_state.telegram, TOKEN, CHAT, "/start")).start()
    started = time.monotonic()
    _, answer = api("getUpdates", timeout=10)
    assert time.monotonic() - started < 3
    message = answer["result"][0]["message"]
    assert message["text"] == "/start" and message["entities"] == [{"type": "bot_command", "offset": 0,
                                                                    "length": 6}]


def test_a_webhook_makes_get_updates_refuse_until_it_is_deleted(api: Any) -> None:
    assert api("setWebhook", url="http://example.com/hook")[0] == 400  # Telegram wants HTTPS
    assert api("setWebhook", url="https://example.com/hook", secret_token="не секрет")[0] == 400
    assert api("setWebhook", url="https://example.com/hook", secret_token="s3cret_token-1") == (200, {
        "ok": True, "result": True})
    status, refused = api("getUpdates")
    assert status == 409 and "webhook is active" in refused["description"]
    assert api("getWebhookInfo")[1]["result"]["url"] == "https://example.com/hook"
    assert api("deleteWebhook", drop_pending_updates=True)[1]["result"] is True
    assert api("getUpdates")[0] == 200


def test_edits_callback_answers_and_commands_are_refused_as_telegram_refuses_them(api: Any,
                                                                                  sandbox_state: Any) -> None:
    write(sandbox_state.telegram, TOKEN, CHAT, "/start")
    keyboard = {"inline_keyboard": [[{"text": "✅ Выкупы", "callback_data": "ns:order_buyouts"}]]}
    _, sent = api("sendMessage", chat_id=CHAT, text="Настройки", reply_markup=keyboard)
    message_id = sent["result"]["message_id"]
    assert sent["result"]["reply_markup"] == keyboard
    status, same = api("editMessageText", chat_id=CHAT, message_id=message_id, text="Настройки",
                       reply_markup=keyboard)
    assert status == 400 and "message is not modified" in same["description"]
    assert api("editMessageText", chat_id=CHAT, message_id=999, text="x")[1]["description"] == \
        "Bad Request: message to edit not found"
    _, edited = api("editMessageText", chat_id=CHAT, message_id=message_id, text="Настройки (изменено)",
                    reply_markup=keyboard)
    assert edited["result"]["text"] == "Настройки (изменено)" and "edit_date" in edited["result"]

    with pytest.raises(Exception, match="no button"):
        press(sandbox_state.telegram, TOKEN, CHAT, message_id, data="ns:nothing")
    query = press(sandbox_state.telegram, TOKEN, CHAT, message_id, data="ns:order_buyouts")
    _, updates = api("getUpdates")
    callback = updates["result"][-1]["callback_query"]
    assert callback["id"] == query and callback["data"] == "ns:order_buyouts"
    assert callback["message"]["message_id"] == message_id
    assert api("answerCallbackQuery", callback_query_id=query, text="Выкупы: выключено")[1]["result"] is True
    assert api("answerCallbackQuery", callback_query_id=query)[0] == 400  # answered already
    assert api("answerCallbackQuery", callback_query_id="123")[0] == 400

    assert api("setMyCommands", commands=[{"command": "Start!", "description": "x"}])[0] == 400
    assert api("setMyCommands", commands=[{"command": "start", "description": "Начать"}])[1]["result"] is True
    assert api("getMyCommands")[1]["result"] == [{"command": "start", "description": "Начать"}]


def test_the_control_api_and_the_chat_page_play_the_person(sandbox: ServerThread, sandbox_state: Any) -> None:
    control = f"{sandbox.url}/_control/telegram"
    assert httpx.post(f"{control}/bots", json={"token": TOKEN}).status_code == 200
    wrote = httpx.post(f"{control}/write", json={"token": TOKEN, "chat_id": CHAT, "text": "Привет",
                                                 "first_name": "Ольга"}).json()
    keyboard = {"inline_keyboard": [[{"text": "Заказы", "callback_data": "orders"}]]}
    sent = sandbox_state.telegram.send_message(TOKEN, sandbox_state.telegram.find_chat(TOKEN, CHAT), "Меню",
                                               reply_markup=keyboard)
    pressed = httpx.post(f"{control}/press", json={"token": TOKEN, "chat_id": CHAT,
                                                   "message_id": sent.message_id, "data": "orders"})
    assert pressed.status_code == 200 and pressed.json()["callback_query_id"]
    assert httpx.post(f"{control}/press", json={"token": TOKEN, "chat_id": CHAT, "message_id": sent.message_id,
                                                "data": "nothing"}).status_code == 400
    chat = httpx.get(f"{control}/chat", params={"token": TOKEN, "chat_id": CHAT}).json()
    assert [(m["side"], m["text"]) for m in chat["messages"]] == [("user", "Привет"), ("bot", "Меню")]
    assert chat["messages"][0]["message_id"] == wrote["message_id"]
    assert chat["messages"][1]["buttons"] == [[{"text": "Заказы", "data": "orders", "url": None}]]
    assert chat["pending_updates"] == 2
    page = httpx.get(f"{sandbox.url}/telegram/chat", params={"token": TOKEN, "chat_id": CHAT})
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Чат с ботом" in page.text and "Отправить" in page.text
    assert json.dumps(chat, ensure_ascii=False)
