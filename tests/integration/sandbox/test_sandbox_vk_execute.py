"""VK execute: the VKScript subset our client sends, per-call failures, the 25-call cap, rate and stats."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.vkscript import ApiCall, VkScriptError, parse


def _add(owner_id: int, name: str, **extra: Any) -> str:
    args = {
        "owner_id": owner_id,
        "name": name,
        "description": "Описание товара для ВК",
        "category_id": 1,
        "price": 99.9,
        **extra,
    }
    body = ", ".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in args.items())
    return f"API.market.add({{{body}}})"


def test_parser_reads_unquoted_keys_strings_numbers_booleans_and_arrays() -> None:
    program = parse(
        'return [API.market.add({owner_id: -7, "name": "Сыр \\"Ламбер\\"", price: 123.45, deleted: false,'
        " photo_ids: [1, 2,], url: 'https://x.ru/a?b=1'}), API.market.get({owner_id:-7})];"
    )
    assert program.returns_list
    assert program.calls == (
        ApiCall(
            "market.add",
            {
                "owner_id": -7,
                "name": 'Сыр "Ламбер"',
                "price": 123.45,
                "deleted": False,
                "photo_ids": [1, 2],
                "url": "https://x.ru/a?b=1",
            },
        ),
        ApiCall("market.get", {"owner_id": -7}),
    )
    single = parse("return API.market.get({owner_id: -1, count: 200})")
    assert not single.returns_list and single.calls[0].args == {"owner_id": -1, "count": 200}


@pytest.mark.parametrize(
    "code",
    [
        "",
        "return;",
        "var a = 1; return a;",
        "return API.market.get({owner_id: -1}",
        "return [API.x()]",
        "return API.market.get({owner_id: foo});",
        "return API.market.get({owner_id: -1}); return 1;",
    ],
)
def test_parser_refuses_code_outside_the_subset(code: str) -> None:
    with pytest.raises(VkScriptError):
        parse(code)


def test_mixed_batch_returns_false_slots_and_execute_errors_in_order(
    vk: Any, add_item: Callable[..., int]
) -> None:
    existing = add_item()
    code = (
        "return ["
        + ", ".join(
            [
                _add(vk.owner_id, "Сыр Гауда 45%"),
                _add(vk.owner_id, "Чай"),
                f"API.market.edit({{owner_id: {vk.owner_id}, item_id: {existing}, price: 150}})",
                f"API.market.edit({{owner_id: {vk.owner_id}, item_id: 1, price: 150}})",
                _add(vk.owner_id, "Кефир Простоквашино 1%", sku="K-1"),
            ]
        )
        + "];"
    )
    answer = vk.call("execute", code=code)
    results = answer["response"]
    assert results[1] is False and results[2] == 1 and results[3] is False
    assert isinstance(results[0]["market_item_id"], int) and isinstance(results[4]["market_item_id"], int)
    assert [(e["method"], e["error_code"]) for e in answer["execute_errors"]] == [
        ("market.add", 100),
        ("market.edit", 1403),
    ]
    assert "name" in answer["execute_errors"][0]["error_msg"]
    listed = vk.call("market.get", owner_id=vk.owner_id)["response"]
    assert listed["count"] == 3
    assert {item["title"]: item["price"]["amount"] for item in listed["items"]}[
        "Сыр Российский 45%"
    ] == "15000"


def test_successful_batch_has_no_execute_errors(vk: Any) -> None:
    answer = vk.call("execute", code=f"return [{_add(vk.owner_id, 'Молоко 3,2% 930 мл')}];")
    assert "execute_errors" not in answer
    single = vk.call("execute", code=f"return API.market.get({{owner_id: {vk.owner_id}, count: 10}});")
    assert single["response"]["count"] == 1


def test_more_than_25_calls_is_runtime_error_13_and_nothing_is_written(vk: Any) -> None:
    code = "return [" + ", ".join(_add(vk.owner_id, f"Товар {n:02d}") for n in range(26)) + "];"
    answer = vk.call("execute", code=code)
    assert answer["error"]["error_code"] == 13
    assert vk.call("market.get", owner_id=vk.owner_id)["response"]["count"] == 0


def test_unparsable_code_is_error_12(vk: Any) -> None:
    assert vk.call("execute", code="return API.market.add(")["error"]["error_code"] == 12


def test_execute_counts_as_one_request_for_the_rate_limit_and_stats(vk: Any, state: SandboxState) -> None:
    state.vk.rate_limit = 2
    code = "return [" + ", ".join(_add(vk.owner_id, f"Товар {n:02d}") for n in range(25)) + "];"
    first, second = vk.call("execute", code=code), vk.call("execute", code=code.replace("Товар", "Вещь"))
    assert "response" in first and "response" in second
    assert vk.call("market.get", owner_id=vk.owner_id)["error"]["error_code"] == 6
    stats = state.stats.snapshot()["vk"]
    assert stats["requests"] == 3
    assert stats["by_method"] == {"execute": 2, "market.add": 50, "market.get": 1}
    assert stats["writes"] == 50
