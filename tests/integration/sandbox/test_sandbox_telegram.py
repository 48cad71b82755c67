"""The Telegram Bot API emulator: getMe and sendMessage as the Bot API answers them, messages kept per bot,
Telegram's errors and flood control, faults, and every answer checked against openapi.json in strict mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.contract import find_specs_dir
from marketsync.sandbox.state import SandboxState

TOKEN = "1234567:test-bot-token-AAAAAAAAAAAAAAAAAAAA"
OTHER = "7654321:other-bot-token-BBBBBBBBBBBBBBBBBBB"
CHAT = 555001


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Check every request and answer of the emulator against the spec (a violation answers 500)."""
    if find_specs_dir() is None:
        pytest.skip("api-specs folder not found (set SANDBOX_SPECS_DIR)")
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    yield


@pytest.fixture
def bot(state: SandboxState) -> str:
    """A bot whose operator chat pressed Start, and another bot with a chat of its own."""
    state.telegram.add_bot(TOKEN, "shop_alerts_bot", "Магазин")
    state.telegram.add_chat(TOKEN, CHAT, first_name="Оператор")
    state.telegram.add_bot(OTHER)
    state.telegram.add_chat(OTHER, 555002)
    return TOKEN


def test_get_me_answers_the_bot_behind_the_token(client: TestClient, bot: str, strict: None) -> None:
    answer = client.post(f"/telegram/bot{bot}/getMe")
    assert answer.status_code == 200
    assert answer.json()["ok"] is True
    result = answer.json()["result"]
    assert (result["id"], result["is_bot"], result["username"]) == (1234567, True, "shop_alerts_bot")


def test_sent_messages_are_kept_per_bot(client: TestClient, state: SandboxState, bot: str, strict: None) -> None:
    answer = client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "Остатки устарели"})
    form = client.post(f"/telegram/bot{bot}/sendmessage", data={"chat_id": str(CHAT), "text": "Second",
                                                                "disable_notification": "true"})
    assert answer.status_code == 200 and form.status_code == 200, (answer.text, form.text)
    result = answer.json()["result"]
    assert result["chat"]["id"] == CHAT and result["text"] == "Остатки устарели"
    assert form.json()["result"]["message_id"] == result["message_id"] + 1
    assert [m.text for m in state.telegram.messages(bot, CHAT)] == ["Остатки устарели", "Second"]
    assert state.telegram.messages(bot)[1].disable_notification is True
    assert state.telegram.messages(OTHER) == []


@pytest.mark.parametrize(("token", "path", "body", "status", "description"), [
    ("1234567:wrong-token-CCCCCCCCCCCCCCCCCCCCCC", "sendMessage", {"chat_id": CHAT, "text": "x"}, 401,
     "Unauthorized"),
    ("not-a-token", "sendMessage", {"chat_id": CHAT, "text": "x"}, 404, "Not Found"),
    (TOKEN, "sendNothing", {}, 404, "Not Found"),
    (TOKEN, "sendMessage", {"chat_id": 999, "text": "x"}, 400, "Bad Request: chat not found"),
    (TOKEN, "sendMessage", {"chat_id": OTHER.split(":")[0], "text": "x"}, 400, "Bad Request: chat not found"),
    (TOKEN, "sendMessage", {"text": "x"}, 400, "Bad Request: chat_id is empty"),
    (TOKEN, "sendMessage", {"chat_id": CHAT, "text": ""}, 400, "Bad Request: message text is empty"),
    (TOKEN, "sendMessage", {"chat_id": CHAT, "text": "я" * 4097}, 400, "Bad Request: message is too long"),
])
def test_refusals_come_in_telegrams_error_envelope(client: TestClient, bot: str, token: str, path: str,
                                                   body: dict[str, object], status: int, description: str) -> None:
    answer = client.post(f"/telegram/bot{token}/{path}", json=body)
    assert answer.status_code == status
    assert answer.json() == {"ok": False, "error_code": status, "description": description}


def test_a_request_the_spec_refuses_is_a_contract_violation(client: TestClient, bot: str, strict: None) -> None:
    answer = client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "x",
                                                                  "disable_notification": "maybe"})
    assert answer.status_code == 500
    assert "disable_notification" in answer.json()["sandbox_contract_violation"]


def test_a_group_gets_twenty_messages_a_minute_then_flood_control(client: TestClient, state: SandboxState,
                                                                   bot: str) -> None:
    state.telegram.add_chat(bot, -100200, type="supergroup", title="Склад")
    codes = [client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": -100200, "text": f"n{i}"}).status_code
             for i in range(21)]
    assert codes == [200] * 20 + [429]
    flood = client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": -100200, "text": "again"}).json()
    assert flood["error_code"] == 429 and 0 < flood["parameters"]["retry_after"] <= 60
    assert len(state.telegram.messages(bot, -100200)) == 20


def test_injected_flood_control_puts_the_wait_in_the_body_only(client: TestClient, state: SandboxState,
                                                               bot: str) -> None:
    state.faults.configure("telegram", rate=1.0, kinds=["429"], retry_after=7, max_faults=1)
    flood = client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "x"})
    assert flood.status_code == 429 and "retry-after" not in flood.headers
    assert flood.json() == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                            "parameters": {"retry_after": 7}}
    assert client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "x"}).status_code == 200
    assert len(state.telegram.messages(bot)) == 1


def test_a_lost_answer_still_delivers_the_message(client: TestClient, state: SandboxState, bot: str) -> None:
    state.faults.configure("telegram", rate=1.0, kinds=["lost_write"], max_faults=1)
    assert client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "x"}).status_code == 502
    assert [m.text for m in state.telegram.messages(bot)] == ["x"]


def test_control_dumps_a_bots_messages_and_revoking_its_token_answers_401(client: TestClient, state: SandboxState,
                                                                          bot: str) -> None:
    client.post(f"/telegram/bot{bot}/sendMessage", json={"chat_id": CHAT, "text": "Привет"})
    dump = client.get("/_control/state", params={"service": "telegram", "token": bot}).json()
    assert [(m["chat_id"], m["text"]) for m in dump["messages"]] == [(CHAT, "Привет")]
    state.telegram.revoke(bot)
    assert client.post(f"/telegram/bot{bot}/getMe").status_code == 401
