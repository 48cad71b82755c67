"""The queue page /hub/moderation: products with their verdict and why, the filter by verdict, approve and reject
one or many (checkboxes), editing a product (checked again at once), the model's description accepted, the rules
saved; signed-in sellers only, their own products only, CSRF on every form."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.db import session_scope
from marketsync.moderation import service
from moderation_builders import hub_product, use_fake_model


def _judge(engine: Engine, account: int) -> dict[str, service.Verdict]:
    with session_scope(engine) as session:
        return {v.sku: v for v in service.judge(session, account_id=account)}


def _skus(html: str) -> list[str]:
    return re.findall(r'<tr data-sku="([^"]+)"', html)


@pytest.fixture
def catalog(sqlite_engine: Engine, seller: int) -> dict[str, int]:
    """Three products judged by the rules: one without a description, two good ones (no picture rules)."""
    with session_scope(sqlite_engine) as session:
        service.save_settings(session, account_id=seller, forbidden_words=[], price_min=None, price_max=None,
                              enabled_rules=["empty_description"], channels=["ozon", "wb", "ym"])
    ids = {"EMPTY": hub_product(sqlite_engine, seller, sku="EMPTY", description=""),
           "MUG": hub_product(sqlite_engine, seller, sku="MUG"),
           "CUP": hub_product(sqlite_engine, seller, sku="CUP", name="Чашка")}
    _judge(sqlite_engine, seller)
    return ids


def test_the_queue_shows_verdicts_with_reasons_and_filters(client: TestClient, catalog: dict[str, int]) -> None:
    client.get("/lang/en?next=/hub/moderation")
    page = client.get("/hub/moderation")
    assert page.status_code == 200
    assert _skus(page.text) == ["CUP", "EMPTY", "MUG"]
    assert "The description is empty" in page.text
    assert _skus(client.get("/hub/moderation?verdict=reject").text) == ["EMPTY"]
    assert _skus(client.get("/hub/moderation?verdict=approve").text) == ["CUP", "MUG"]
    assert _skus(client.get("/hub/moderation?verdict=pending").text) == []


def test_approve_reject_and_bulk(client: TestClient, sqlite_engine: Engine, seller: int,
                                 catalog: dict[str, int]) -> None:
    assert submit(client, f"/hub/moderation/{catalog['EMPTY']}/approve").status_code == 303
    verdicts = _judge(sqlite_engine, seller)
    assert (verdicts["EMPTY"].verdict, verdicts["EMPTY"].source) == ("approve", "manual")
    assert verdicts["EMPTY"].judged_by == "seller@example.ru"
    answer = submit(client, "/hub/moderation/decide",
                    {"action": "reject", "product_ids": [str(catalog["MUG"]), str(catalog["CUP"])]})
    assert answer.status_code == 303
    verdicts = _judge(sqlite_engine, seller)
    assert [verdicts[s].verdict for s in ("CUP", "EMPTY", "MUG")] == ["reject", "approve", "reject"]
    assert verdicts["MUG"].reasons[0]["key"] == "manual_reject"
    with session_scope(sqlite_engine) as session:
        allowed = service.publishable(session, account_id=seller, product_ids=list(catalog.values()))
    assert {sku for sku, pid in catalog.items() if allowed[pid].allows()} == {"EMPTY"}
    # A form without the CSRF token is refused.
    assert client.post(f"/hub/moderation/{catalog['MUG']}/approve").status_code == 403


def test_an_edited_product_is_checked_again(client: TestClient, sqlite_engine: Engine, seller: int,
                                            catalog: dict[str, int]) -> None:
    answer = submit(client, f"/hub/moderation/{catalog['EMPTY']}/edit",
                    {"name": "Кружка с крышкой", "description": "Кружка с силиконовой крышкой."})
    assert answer.status_code == 303
    empty = _judge(sqlite_engine, seller)["EMPTY"]
    assert (empty.name, empty.description, empty.verdict) == ("Кружка с крышкой", "Кружка с силиконовой крышкой.",
                                                              "approve")


def test_the_models_description_is_accepted_on_the_page(client: TestClient, sqlite_engine: Engine, seller: int,
                                                         sandbox: Any, sandbox_state: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_model(monkeypatch, sandbox.url)
    with session_scope(sqlite_engine) as session:
        service.save_settings(session, account_id=seller, forbidden_words=[], price_min=None, price_max=None,
                              enabled_rules=["empty_description"], channels=["ozon"])
    product = hub_product(sqlite_engine, seller, sku="EMPTY", description="", params={"Цвет": "белый"})
    submit(client, "/hub/moderation/check")
    page = client.get("/hub/moderation?verdict=reject")
    assert "Кружка керамическая 350 мл. Характеристики: бренд — Домашний уют; цвет — белый." in page.text
    assert submit(client, f"/hub/moderation/{product}/accept-description").status_code == 303
    assert _skus(client.get("/hub/moderation?verdict=approve").text) == ["EMPTY"]


def test_the_rules_are_saved_from_the_page(client: TestClient, sqlite_engine: Engine, seller: int,
                                           catalog: dict[str, int]) -> None:
    answer = submit(client, "/hub/moderation/settings", {
        "forbidden_words": "чашка\nреплика, копия", "price_min": "100", "price_max": "",
        "rules": ["forbidden_words", "price_range"], "channels": ["wb"]})
    assert answer.status_code == 303
    submit(client, "/hub/moderation/check")
    verdicts = _judge(sqlite_engine, seller)
    assert [r["key"] for r in verdicts["CUP"].reasons] == ["forbidden_word_name"]
    assert verdicts["EMPTY"].verdict == "approve"  # the description rule is off now


def test_another_sellers_products_are_out_of_reach(client: TestClient, sqlite_engine: Engine,
                                                   make_seller: Callable[..., tuple[int, int]],
                                                   catalog: dict[str, int]) -> None:
    make_seller("other@example.ru")
    client.cookies.clear()
    sign_in(client, "other@example.ru")
    assert _skus(client.get("/hub/moderation").text) == []
    assert submit(client, f"/hub/moderation/{catalog['MUG']}/reject").status_code == 404
    assert submit(client, f"/hub/moderation/{catalog['MUG']}/edit", {"name": "x"}).status_code == 404
    client.cookies.clear()
    assert client.get("/hub/moderation").status_code in (302, 303, 401)
