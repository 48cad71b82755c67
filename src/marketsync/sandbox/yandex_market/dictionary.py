"""The emulated Yandex Market's category dictionary (the same for every key): one root with a few categories for
the demo catalog, and the parameters of its leaves with ENUM values inline. Errors as CategoryErrorType names
them: an unknown category is 400 UNKNOWN_CATEGORY, one with children 400 CATEGORY_IS_NOT_LEAF."""

from __future__ import annotations

from functools import cache
from typing import Any

from marketsync.sandbox.dictionary_words import COLOURS, MATERIALS
from marketsync.sandbox.yandex_market.errors import YmError

ROOT = (90401, "Все товары", [
    (90666, "Дом и сад", [(91610, "Посуда", [(91611, "Кастрюли", []), (91612, "Сковороды", [])])]),
    (90829, "Канцелярские товары", [(91189, "Ручки", [])]),
    (91307, "Продукты", [(91308, "Молочные продукты", [(15714122, "Молоко", [])])]),
    (90764, "Детские товары", [(90783, "Мягкие игрушки", [])]),
])
GRAM, KILOGRAM, LITRE, MILLILITRE, PERCENT = 1, 2, 3, 4, 5
UNITS = {GRAM: ("г", "грамм"), KILOGRAM: ("кг", "килограмм"), LITRE: ("л", "литр"), MILLILITRE: ("мл", "миллилитр"),
         PERCENT: ("%", "процент")}
COLOUR, MATERIAL, WEIGHT, VOLUME, FAT, MODEL = 14871214, 15341921, 7351723, 16395390, 37889810, 23674510


def _enum(texts: tuple[str, ...], start: int) -> list[dict[str, Any]]:
    return [{"id": start + i, "value": text} for i, text in enumerate(texts)]


def _parameter(pid: int, name: str, kind: str, *, required: bool = False, units: tuple[int, ...] = (),
               values: list[dict[str, Any]] | None = None, multivalue: bool = False) -> dict[str, Any]:
    rendered: dict[str, Any] = {"id": pid, "name": name, "type": kind, "required": required, "filtering": True,
                                "distinctive": False, "multivalue": multivalue, "allowCustomValues": False}
    if units:
        rendered["unit"] = {"defaultUnitId": units[0], "units": [
            {"id": u, "name": UNITS[u][0], "fullName": UNITS[u][1]} for u in units]}
    if values:
        rendered["values"] = values
    return rendered


def _common() -> list[dict[str, Any]]:
    return [_parameter(COLOUR, "Цвет товара", "ENUM", values=_enum(COLOURS, 12000000), multivalue=True),
            _parameter(WEIGHT, "Вес", "NUMERIC", units=(GRAM, KILOGRAM)),
            _parameter(MODEL, "Модель", "TEXT")]


OWN: dict[int, list[dict[str, Any]]] = {
    91611: [_parameter(MATERIAL, "Материал", "ENUM", required=True, values=_enum(MATERIALS, 13000000)),
            _parameter(VOLUME, "Объем", "NUMERIC", required=True, units=(LITRE, MILLILITRE))],
    91612: [_parameter(MATERIAL, "Материал", "ENUM", required=True, values=_enum(MATERIALS, 13000000))],
    15714122: [_parameter(FAT, "Жирность", "NUMERIC", required=True, units=(PERCENT,))],
}


@cache
def _nodes() -> dict[int, tuple[str, bool]]:
    found: dict[int, tuple[str, bool]] = {}

    def walk(node: Any) -> None:
        found[node[0]] = (node[1], not node[2])
        for child in node[2]:
            walk(child)

    walk(ROOT)
    return found


def _render(node: Any) -> dict[str, Any]:
    rendered: dict[str, Any] = {"id": node[0], "name": node[1]}
    if node[2]:
        rendered["children"] = [_render(child) for child in node[2]]
    return rendered


def categories_tree() -> dict[str, Any]:
    """Return the getCategoriesTree answer."""
    return {"status": "OK", "result": _render(ROOT)}


def category_parameters(category_id: int) -> dict[str, Any]:
    """Return the getCategoryContentParameters answer of a leaf; 400 for an unknown or non-leaf category."""
    node = _nodes().get(category_id)
    if node is None:
        raise YmError(400, "UNKNOWN_CATEGORY", f"Category {category_id} is not found")
    if not node[1]:
        raise YmError(400, "CATEGORY_IS_NOT_LEAF", f"Category {category_id} is not a leaf category")
    return {"status": "OK", "result": {"categoryId": category_id,
                                       "parameters": [*_common(), *OWN.get(category_id, [])]}}
