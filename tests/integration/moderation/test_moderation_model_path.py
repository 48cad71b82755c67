"""The language model path against the sandbox's fake OpenAI-compatible endpoint over real HTTP: a rejection with
the model's own reasons; a broken answer, a 500, a timeout or a wrong key fall back to the rules' verdict with the
failure recorded; a description written for a product without one, accepted by a person; and without
MODERATION_LLM_URL the rules run alone and the model hears nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.moderation import service
from marketsync.moderation.queue_service import accept_description
from marketsync.sandbox.llm.state import DEMO_MODEL
from moderation_builders import hub_product, use_fake_model

RULES_ONLY_TEXT = ["empty_description", "price_range", "forbidden_words", "title_length"]


@pytest.fixture
def account(sqlite_engine: Engine) -> int:
    """A cabinet whose rules look at the text and price only (no pictures to fetch)."""
    with session_scope(sqlite_engine) as session:
        account_id = primary_account_id(session, create_user(session, email="seller@example.ru",
                                                             password="password123").id)
        service.save_settings(session, account_id=account_id, forbidden_words=[], price_min=None, price_max=None,
                              enabled_rules=RULES_ONLY_TEXT, channels=["ozon", "wb", "ym"])
        return account_id


def _judge(engine: Engine, account: int) -> dict[str, service.Verdict]:
    with session_scope(engine) as session:
        return {v.sku: v for v in service.judge(session, account_id=account)}


def test_the_model_rejects_with_its_own_reasons(sqlite_engine: Engine, account: int, sandbox: Any,
                                                sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_model(monkeypatch, sandbox.url)
    hub_product(sqlite_engine, account, sku="FAKE", name="Сумка, реплика известного бренда")
    hub_product(sqlite_engine, account, sku="MUG")
    verdicts = _judge(sqlite_engine, account)
    fake = verdicts["FAKE"]
    assert (fake.verdict, fake.source, fake.judged_by) == ("reject", "model", f"model {DEMO_MODEL}")
    assert [r["params"]["text"] for r in fake.reasons] == [
        "Текст содержит недопустимое слово «реплика»: товар похож на подделку или запрещён"]
    assert (verdicts["MUG"].verdict, verdicts["MUG"].source) == ("approve", "model")
    requests = sandbox_state.llm.snapshot()["requests"]
    assert len(requests) == 2 and requests[0]["model"] == DEMO_MODEL
    assert requests[0]["response_format"] == {"type": "json_object"}
    assert "Название: Сумка, реплика известного бренда" in requests[0]["messages"][1]["content"]
    with session_scope(sqlite_engine) as session:
        assert not service.publishable(session, account_id=account, product_ids=[fake.product_id])[
            fake.product_id].allows("ozon")


@pytest.mark.parametrize("kind", ["invalid_json", "500", "timeout"])
def test_a_broken_model_falls_back_to_the_rules(sqlite_engine: Engine, account: int, sandbox: Any,
                                                sandbox_state: Any, monkeypatch: pytest.MonkeyPatch,
                                                kind: str) -> None:
    use_fake_model(monkeypatch, sandbox.url, timeout=0.5)
    monkeypatch.setenv("HTTP_BACKOFF_INITIAL_SECONDS", "0.05")
    sandbox_state.faults.configure("llm", rate=1.0, kinds=[kind], timeout_s=2.0)
    hub_product(sqlite_engine, account, sku="FAKE", name="Сумка, реплика известного бренда")
    started = time.monotonic()
    fake = _judge(sqlite_engine, account)["FAKE"]
    assert time.monotonic() - started < 10
    # The model never said no: the rules let it through, and why the model said nothing is kept.
    assert (fake.verdict, fake.source, fake.judged_by) == ("approve", "rule", "rules")
    assert fake.model_error
    assert ("not JSON" if kind == "invalid_json" else "llm: ") in fake.model_error
    with session_scope(sqlite_engine) as session:
        assert service.publishable(session, account_id=account, product_ids=[fake.product_id])[
            fake.product_id].allows()


def test_a_wrong_key_falls_back_to_the_rules(sqlite_engine: Engine, account: int, sandbox: Any,
                                             sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_model(monkeypatch, sandbox.url, key="sk-wrong")
    hub_product(sqlite_engine, account, sku="MUG", description="")
    mug = _judge(sqlite_engine, account)["MUG"]
    assert (mug.verdict, mug.source) == ("reject", "rule")  # the empty description
    assert mug.model_error and "401" in mug.model_error and mug.suggested_description is None
    assert sandbox_state.llm.snapshot()["count"] == 0  # refused at the door


def test_without_a_model_the_rules_run_alone(sqlite_engine: Engine, account: int, sandbox: Any,
                                             sandbox_state: Any) -> None:
    hub_product(sqlite_engine, account, sku="FAKE", name="Сумка, реплика известного бренда")
    hub_product(sqlite_engine, account, sku="EMPTY", description=None)
    verdicts = _judge(sqlite_engine, account)
    assert (verdicts["FAKE"].verdict, verdicts["FAKE"].source) == ("approve", "rule")
    assert verdicts["EMPTY"].verdict == "reject" and verdicts["EMPTY"].suggested_description is None
    assert sandbox_state.llm.snapshot()["count"] == 0


def test_the_model_writes_a_description_a_person_accepts(sqlite_engine: Engine, account: int, sandbox: Any,
                                                          sandbox_state: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_model(monkeypatch, sandbox.url)
    hub_product(sqlite_engine, account, sku="EMPTY", description="",
                params={"Материал": "керамика", "Объём": "350 мл"})
    empty = _judge(sqlite_engine, account)["EMPTY"]
    assert empty.verdict == "reject" and [r["key"] for r in empty.reasons] == ["empty_description"]
    assert empty.suggested_description == ("Кружка керамическая 350 мл. Характеристики: бренд — Домашний уют; "
                                           "материал — керамика; объём — 350 мл.")
    with session_scope(sqlite_engine) as session:
        accepted = accept_description(session, account_id=account, product_id=empty.product_id)
    assert accepted.description == empty.suggested_description
    assert (accepted.verdict, accepted.source) == ("approve", "model") and accepted.suggested_description is None


def test_demo_mode_asks_the_sandboxs_fake_model() -> None:
    from marketsync.cli.demo import demo_environment
    from marketsync.sandbox.llm.state import DEMO_KEY

    values = demo_environment("127.0.0.1", 8000)
    assert values["MODERATION_LLM_URL"] == "http://127.0.0.1:8000/sandbox/llm/v1"
    assert (values["MODERATION_LLM_MODEL"], values["MODERATION_LLM_KEY"]) == (DEMO_MODEL, DEMO_KEY)
