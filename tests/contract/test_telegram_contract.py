"""Our Telegram client ↔ the Telegram emulator ↔ openapi.json: the requests it sends and the answers it reads
match the spec, and Telegram's errors reach the caller as the ConnectorError tree says (flood control as
RateLimited with the body's retry_after, waited out; a wrong token or chat as ConfigError)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from marketsync.connectors.errors import ConfigError, OutcomeUnknownError, RateLimited, RejectedError
from marketsync.connectors.telegram.client import TelegramClient
from marketsync.http import time_budget
from marketsync.sandbox import contract
from marketsync.sandbox.telegram.spec import validate_telegram_answer, validate_telegram_request

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

TOKEN = "4242424:contract-bot-token-DDDDDDDDDDDDDDDDD"
CHAT = 424201


@pytest.fixture
def bot(env, sandbox, sandbox_state, monkeypatch: pytest.MonkeyPatch) -> Iterator[TelegramClient]:  # type: ignore[no-untyped-def]
    """A client of a sandbox bot whose operator chat pressed Start; the emulator checks itself against the spec."""
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    sandbox_state.telegram.add_bot(TOKEN)
    sandbox_state.telegram.add_chat(TOKEN, CHAT)
    client = TelegramClient(TOKEN, base_url=f"{sandbox.url}/telegram")
    yield client
    client.close()


def test_every_call_matches_the_bot_api_spec(bot: TelegramClient, sandbox_state, captured) -> None:  # type: ignore[no-untyped-def]
    assert bot.get_me().id == 4242424
    sent = bot.send_message(str(CHAT), "Ozon: остатки не синхронизировались 9 ч", disable_notification=True)
    assert sent.chat.id == CHAT and sent.text == "Ozon: остатки не синхронизировались 9 ч"
    assert [m.text for m in sandbox_state.telegram.messages(TOKEN, CHAT)] == [sent.text]

    methods = []
    for request, response in captured:
        method = urlsplit(str(request.url)).path.rsplit("/", 1)[-1]
        methods.append(method)
        assert request.method == "POST" and request.headers["content-type"] == "application/json"
        validate_telegram_request(method, json.loads(request.content))
        validate_telegram_answer(method, response.json())
    assert methods == ["getMe", "sendMessage"]
    assert json.loads(captured[1][0].content)["chat_id"] == CHAT  # an integer on the wire, as the spec types it


def test_flood_control_is_waited_out_as_the_body_asks(bot: TelegramClient, sandbox_state, captured) -> None:  # type: ignore[no-untyped-def]
    sandbox_state.faults.configure("telegram", rate=1.0, kinds=["429"], retry_after=1, max_faults=1)
    bot.send_message(CHAT, "после паузы")
    assert [r.status_code for _, r in captured] == [429, 200]
    assert len(sandbox_state.telegram.messages(TOKEN)) == 1


def test_flood_control_longer_than_the_budget_is_raised_with_its_wait(bot: TelegramClient, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    sandbox_state.faults.configure("telegram", rate=1.0, kinds=["429"], retry_after=30)
    with pytest.raises(RateLimited) as raised, time_budget(2):
        bot.send_message(CHAT, "x")
    assert raised.value.retry_after == 30
    assert sandbox_state.telegram.messages(TOKEN) == []


def test_a_lost_answer_is_not_repeated(bot: TelegramClient, sandbox_state, captured) -> None:  # type: ignore[no-untyped-def]
    sandbox_state.faults.configure("telegram", rate=1.0, kinds=["lost_write"], max_faults=1)
    with pytest.raises(OutcomeUnknownError):
        bot.send_message(CHAT, "x")
    assert len(captured) == 1 and len(sandbox_state.telegram.messages(TOKEN)) == 1


def test_setup_mistakes_are_config_errors_and_a_bad_message_is_rejected(bot: TelegramClient, sandbox,  # type: ignore[no-untyped-def]
                                                                       sandbox_state) -> None:
    with pytest.raises(ConfigError, match="chat not found"):
        bot.send_message(999, "x")
    with pytest.raises(RejectedError):
        bot.send_message(CHAT, "")
    sandbox_state.telegram.revoke(TOKEN)
    with pytest.raises(ConfigError, match="401"):
        bot.get_me()
    with pytest.raises(ConfigError, match="not a Telegram bot token"):
        TelegramClient("../../evil", base_url=f"{sandbox.url}/telegram")
