"""Notices: a key and parameters said in the reader's language, falling back to the stored English text."""

from __future__ import annotations

from marketsync.connectors.errors import (
    ConfigError,
    MalformedResponseError,
    OutcomeUnknownError,
    RateLimited,
    described,
)
from marketsync.notices import Notice, load, notice, of_error, say
from marketsync.web.i18n import reset_locale, set_locale


def test_a_connector_error_is_said_in_either_language_and_keeps_its_english_message() -> None:
    error = ConfigError("Evotor rejected the token (HTTP 401, code 1001): bad", key="token_rejected",
                        params={"system": "evotor", "status": 401, "code": 1001, "detail": "bad"})
    said = of_error(error)
    assert said.say("ru") == "Эвотор отклонил токен (код 1001): bad"
    assert said.say("en") == "Evotor rejected the token (code 1001): bad"
    assert said.english == error.message and said.remedy("ru") == "Вставьте новый токен на странице подключений."


def test_the_http_clients_errors_name_their_system_and_keep_the_detail() -> None:
    lost = of_error(OutcomeUnknownError("vk: HTTP 502", code=502))  # as marketsync.http words it
    assert lost.key == "no_answer" and lost.say("ru") == "VK не дал нормального ответа (HTTP 502)"
    assert lost.say("en") == "VK gave no proper answer (HTTP 502)"
    odd = of_error(MalformedResponseError("VK execute: the answer does not hold one result per call"))
    assert odd.say("ru") == odd.english, "no system named: the English message rather than a broken sentence"


def test_a_nested_cause_is_said_in_the_same_language() -> None:
    cause = described(RateLimited("vk: HTTP 429", params={"system": "vk"}))
    said = notice("unreachable", system="vk", cause=cause)
    assert said.say("ru") == "VK недоступен: VK просит снизить частоту запросов"
    assert said.english == "VK is not reachable: VK asks to slow down"


def test_what_the_catalog_cannot_say_shows_the_stored_text() -> None:
    assert Notice("a_key_from_a_newer_version", {}, "as stored").say("ru") == "as stored"
    assert Notice("wait_and_retry", {"system": "vk"}, "VK asks to wait").say("ru") == "VK asks to wait"  # no seconds
    assert of_error(ConfigError("Ozon rejected the key")).say("ru") == "Ozon rejected the key"  # an error without a key
    assert load("plain text") is None and load(None) is None
    token = set_locale("ru")
    try:
        assert say(None, "stored English") == "stored English"
        assert say(notice("already_running").dump(), "ignored") == "другая синхронизация этого кабинета ещё идёт"
    finally:
        reset_locale(token)
