"""sendPhoto: our client ↔ the Telegram emulator ↔ openapi.json (multipart/form-data only, as the spec declares
it; a photo by URL or by a file_id the bot was given; caption up to 1024), and the emulator's per-chat flood
control reaching the caller as RateLimited with the body's retry_after."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from marketsync.connectors.errors import RateLimited, RejectedError
from marketsync.connectors.telegram.client import TelegramClient
from marketsync.sandbox import contract
from marketsync.sandbox.telegram.spec import typed_params, validate_telegram_answer, validate_telegram_request

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

TOKEN = "4343434:photo-contract-bot-token-EEEEEEEEEEEEE"
CHAT, OTHER = 434301, 434302
PHOTO = "https://basket-01.wbbasket.ru/vol1/part101/101/images/big/1.webp"


@pytest.fixture
def bot(env, sandbox, sandbox_state, monkeypatch: pytest.MonkeyPatch) -> Iterator[TelegramClient]:  # type: ignore[no-untyped-def]
    """A one-attempt client of a sandbox bot with two chats; the emulator checks itself against the spec."""
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    sandbox_state.telegram.add_bot(TOKEN)
    for chat in (CHAT, OTHER):
        sandbox_state.telegram.add_chat(TOKEN, chat)
    client = TelegramClient(TOKEN, base_url=f"{sandbox.url}/telegram", max_attempts=1, one_chat=False)
    yield client
    client.close()


def test_send_photo_is_multipart_and_both_sides_match_the_spec(bot: TelegramClient, sandbox_state,  # type: ignore[no-untyped-def]
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pairs: list[tuple[httpx.Request, httpx.Response]] = []
    original = httpx.Client.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        response = original(self, request, **kwargs)  # type: ignore[arg-type]
        response.read()
        pairs.append((request, response))
        return response

    monkeypatch.setattr(httpx.Client, "send", send)
    sent = bot.send_photo(CHAT, PHOTO, caption="🛒 Новый заказ\nРубашка льняная")
    assert sent.caption == "🛒 Новый заказ\nРубашка льняная" and sent.photo and sent.photo[-1].width == 800
    again = bot.send_photo(CHAT, sent.photo[0].file_id)  # a file_id the bot was given is sent again
    assert again.message_id == sent.message_id + 1
    request, response = pairs[0]
    assert request.headers["content-type"].startswith("multipart/form-data")
    validate_telegram_request("sendPhoto", typed_params("sendPhoto", {"chat_id": str(CHAT), "photo": PHOTO}))
    validate_telegram_answer("sendPhoto", response.json())
    kept = sandbox_state.telegram.messages(TOKEN, CHAT)
    assert [(m.photo, m.caption) for m in kept] == [(PHOTO, sent.caption), (sent.photo[0].file_id, "")]


def test_a_wrong_photo_and_a_long_caption_are_refused(bot: TelegramClient) -> None:
    with pytest.raises(RejectedError, match="wrong file identifier"):
        bot.send_photo(CHAT, "AgACnot-a-file-this-bot-was-ever-given")
    with pytest.raises(RejectedError, match="1024"):
        bot.send_photo(CHAT, PHOTO, caption="я" * 1025)


def test_flood_control_refuses_only_that_chat_until_the_wait_ran_out(bot: TelegramClient, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    sandbox_state.telegram.flood.arm(TOKEN, CHAT, retry_after=30, after=1)
    bot.send_message(CHAT, "первое")
    with pytest.raises(RateLimited) as refused:
        bot.send_photo(CHAT, PHOTO)
    assert refused.value.retry_after == 30
    bot.send_message(OTHER, "другой чат пишется")
    with pytest.raises(RateLimited):
        bot.send_message(CHAT, "слишком рано")
    assert sandbox_state.telegram.flood.stats(TOKEN, CHAT) == {"refused": 2, "early": 1}
    assert [m.text for m in sandbox_state.telegram.messages(TOKEN)] == ["первое", "другой чат пишется"]
