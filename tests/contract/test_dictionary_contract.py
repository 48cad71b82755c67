"""Our category dictionary clients ↔ the sandbox ↔ the published specs, for Ozon, Wildberries and Yandex Market:
every request the dictionary connectors send and every answer they read, paging and refusals included."""

from __future__ import annotations

import json
import os
import re
import uuid
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from marketsync.connectors import connect
from marketsync.connectors.errors import RejectedError
from marketsync.sandbox import contract
from marketsync.sandbox.dictionary_words import BRAND_COUNT
from marketsync.sandbox.ozon.spec import ozon_spec
from marketsync.sandbox.wildberries import spec as wb_spec
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sandbox.yandex_market import spec as ym_spec
from marketsync.sandbox.yandex_market.seed import seed_yandex_market
from ozon_world import ozon_connector, seed_seller

if contract.find_specs_dir() is None:  # pragma: no cover - the specs ship beside the repository
    if os.environ.get("MARKETSYNC_REQUIRE_SERVICES") == "1":
        raise RuntimeError("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)")
    pytest.skip("shared/api-specs not found beside the repository (set SANDBOX_SPECS_DIR)", allow_module_level=True)

Pairs = list[tuple[httpx.Request, httpx.Response]]
WB_PATH = re.compile(r"/wildberries/content(/.*)$")


def test_ozon_dictionary_calls_match_the_spec_and_page_by_last_value_id(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    connector = ozon_connector(seed_seller(sandbox_state, offers=1))
    categories = [c for page in connector.iter_categories() for c in page]
    pan = next(c for c in categories if c.name == "Кастрюля")
    assert pan.category_id == "17028922:91565" and pan.leaf and not pan.disabled
    assert pan.path == "Дом и сад / Посуда и кухонные принадлежности / Кастрюля"
    assert next(c for c in categories if c.name == "Термос").disabled
    attributes = {a.name: a for a in connector.category_attributes(pan.category_id)}
    brand = attributes["Бренд"]
    assert brand.required and brand.dictionary and attributes["Объем, л"].kind == "number"
    pages = list(connector.iter_attribute_values(pan.category_id, brand))
    assert [len(p) for p in pages] == [2000, BRAND_COUNT - 2000]  # two pages: has_next, then last_value_id
    assert len({v.value_id for p in pages for v in p}) == BRAND_COUNT
    found = connector.search_attribute_values(pan.category_id, brand, "Простокваш")
    assert [v.value for v in found] == ["Простоквашино"]
    with pytest.raises(RejectedError):
        connector.category_attributes("17028922:1")  # a type the category does not have: 400

    spec, seen = ozon_spec(), []
    for request, response in captured:
        path = urlsplit(str(request.url)).path.split("/ozon", 1)[1]
        assert spec.request_errors(path, json.loads(request.content)) == [], path
        assert spec.response_errors(path, response.json(), response.status_code) == [], path
        seen.append((path, response.status_code))
    values = [json.loads(r.content) for r, _ in captured if r.url.path.endswith("/attribute/values")]
    assert [v["last_value_id"] for v in values] == [0, pages[0][-1].value_id and int(pages[0][-1].value_id)]
    assert all(v["limit"] == 2000 for v in values)
    assert ("/v1/description-category/attribute", 400) in seen


def test_wildberries_dictionary_calls_match_the_spec_and_page_by_offset(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    seller = seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}")
    connector = connect("wildberries", {"token": seller["token"]}, connection_key=f"dict-{uuid.uuid4().hex}")
    try:
        categories = [c for page in connector.iter_categories() for c in page]
        subjects = [c for c in categories if c.leaf]
        pans = next(c for c in subjects if c.name == "Кастрюли")
        attributes = {a.name: a for a in connector.category_attributes(pans.category_id)}
        colours = [v for page in connector.iter_attribute_values(pans.category_id, attributes["Цвет"]) for v in page]
        with pytest.raises(RejectedError):
            connector.category_attributes("424242")
    finally:
        connector.close()
    assert len(subjects) > 1000 and pans.parent_id == "parent:858" and pans.path == "Посуда и инвентарь / Кастрюли"
    assert attributes["Объем (л)"].required and attributes["Объем (л)"].kind == "number"
    assert attributes["Цвет"].dictionary and "Устаревшая" not in attributes  # charcType 0 is left out
    assert "белый" in [v.value for v in colours] and all(v.value_id is None for v in colours)

    offsets = []
    for request, response in captured:
        found = WB_PATH.search(urlsplit(str(request.url)).path)
        assert found is not None and request.headers["authorization"] == seller["token"]
        path = re.sub(r"^/content/v2/object/charcs/\d+$", "/content/v2/object/charcs/{subjectId}", found.group(1))
        if response.status_code < 400:
            wb_spec.validate_query(path, "GET", dict(request.url.params))
        wb_spec.validate_response(path, "GET", response.status_code, response.json())
        if path == "/content/v2/object/all":
            assert int(request.url.params["limit"]) == 1000
            offsets.append(int(request.url.params["offset"]))
    assert offsets == [0, 1000]


def test_yandex_market_dictionary_calls_match_the_spec(env, sandbox_state, captured, monkeypatch):
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(sandbox_state.yandex_market, token, offers=[], business_id=11, campaign_id=22,
                       warehouse_id=33)
    connector = connect("yandex_market", {"token": token, "business_id": 11, "campaign_id": 22},
                        connection_key=f"dict-{uuid.uuid4().hex}")
    categories = [c for page in connector.iter_categories() for c in page]
    pans = next(c for c in categories if c.name == "Кастрюли")
    assert pans.leaf and pans.path == "Дом и сад / Посуда / Кастрюли"
    assert not next(c for c in categories if c.name == "Посуда").leaf
    attributes = {a.name: a for a in connector.category_attributes(pans.category_id)}
    assert attributes["Материал"].required and attributes["Материал"].values
    assert attributes["Объем"].unit == "л" and attributes["Цвет товара"].max_count == 0
    for wrong, code in (("91610", "CATEGORY_IS_NOT_LEAF"), ("777", "UNKNOWN_CATEGORY")):
        with pytest.raises(RejectedError) as refused:
            connector.category_attributes(wrong)
        assert refused.value.errors[0].code == code  # type: ignore[attr-defined]

    for request, response in captured:
        path = urlsplit(str(request.url)).path.removeprefix("/yandex_market")
        template = re.sub(r"^/v2/category/\d+/parameters$", "/v2/category/{categoryId}/parameters", path)
        assert request.method == "POST" and request.headers["Api-Key"] == token
        for name, _ in parse_qsl(urlsplit(str(request.url)).query):
            assert name in ym_spec.load_spec().parameters("POST", template)
        validator = ym_spec.load_spec().request_validator("POST", template)
        if validator is not None and request.content:
            assert ym_spec.first_error(validator, json.loads(request.content)) is None
        ym_spec.check_response("POST", template, response.status_code, response.json())


def test_yandex_markets_hourly_tree_limit_answers_420_in_the_envelope(env, sandbox_state, captured, monkeypatch):
    from marketsync.connectors.errors import RateLimited
    from marketsync.sandbox.yandex_market.limits import Limit

    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")
    token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(sandbox_state.yandex_market, token, offers=[], business_id=12, campaign_id=23,
                       warehouse_id=34)
    sandbox_state.yandex_market.limits["getCategoriesTree"] = Limit(1, 3600)
    connector = connect("yandex_market", {"token": token, "business_id": 12, "campaign_id": 23},
                        connection_key=f"dict-{uuid.uuid4().hex}")
    assert list(connector.iter_categories())
    with pytest.raises(RateLimited):  # the wait YM names (an hour) is beyond what we wait in a request
        list(connector.iter_categories())

    _request, response = captured[-1]
    assert response.status_code == 420 and response.json()["status"] == "ERROR"
    assert response.headers["X-RateLimit-Resource-Limit"] == "1"
    ym_spec.check_response("POST", "/v2/categories/tree", 420, response.json())


def test_our_own_budget_keeps_the_tree_at_50_requests_an_hour():
    from marketsync.connectors.yandex_market.connector import METHOD_BUDGETS

    assert METHOD_BUDGETS["/v2/categories/tree"].window == (50, 3_600_000)
    assert METHOD_BUDGETS["/v2/category/91611/parameters"].per_minute == 100
