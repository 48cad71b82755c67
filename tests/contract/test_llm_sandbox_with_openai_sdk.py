"""The official OpenAI SDK against the sandbox's fake model: its own parsing is an independent check that the
emulator speaks the chat completion protocol (Bearer auth, the response shape, the error envelope), and our
client reads the same answers."""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest

from marketsync.connectors.errors import ConfigError
from marketsync.connectors.llm.client import LlmClient
from marketsync.sandbox.llm.state import DEMO_KEY, DEMO_MODEL

VERDICT_PROMPT = 'Answer JSON {"verdict": "approve"|"reject", "reasons": [...]}.'


def test_the_sdk_reads_a_verdict_and_a_description(sandbox: Any, sandbox_state: Any) -> None:
    sdk = openai.OpenAI(base_url=f"{sandbox.url}/llm/v1", api_key=DEMO_KEY, max_retries=0)
    answer = sdk.chat.completions.create(model="any-model", response_format={"type": "json_object"}, messages=[
        {"role": "system", "content": VERDICT_PROMPT}, {"role": "user", "content": "Название: Копия часов"}])
    assert answer.model == "any-model" and answer.choices[0].finish_reason == "stop"
    assert json.loads(answer.choices[0].message.content or "")["verdict"] == "reject"
    described = sdk.chat.completions.create(model=DEMO_MODEL, messages=[
        {"role": "system", "content": "Describe."}, {"role": "user", "content": "Название: Чай\nВес: 100 г"}])
    assert described.choices[0].message.content == "Чай. Характеристики: вес — 100 г."
    assert described.usage is not None and described.usage.total_tokens > 0


def test_the_sdk_sees_a_wrong_key_and_a_server_error(sandbox: Any, sandbox_state: Any) -> None:
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{sandbox.url}/llm/v1", api_key="sk-wrong", max_retries=0).chat.completions.create(
            model=DEMO_MODEL, messages=[{"role": "user", "content": "x"}])
    sandbox_state.faults.configure("llm", rate=1.0, kinds=["500"])
    with pytest.raises(openai.InternalServerError):
        openai.OpenAI(base_url=f"{sandbox.url}/llm/v1", api_key=DEMO_KEY, max_retries=0).chat.completions.create(
            model=DEMO_MODEL, messages=[{"role": "user", "content": "x"}])


def test_our_client_reads_the_same_answers(sandbox: Any, sandbox_state: Any, env: dict[str, str]) -> None:
    client = LlmClient(f"{sandbox.url}/llm/v1", DEMO_MODEL, DEMO_KEY, max_attempts=1)
    answer = client.moderate(VERDICT_PROMPT, "Название: Кружка")
    assert (answer.verdict, answer.reasons) == ("approve", [])
    with pytest.raises(ConfigError):
        LlmClient(f"{sandbox.url}/llm/v1", DEMO_MODEL, "sk-wrong", max_attempts=1).describe("x", "y")
    client.close()
