"""The emulated Ozon's category dictionary (the same for every seller, as Ozon's is) and its four methods:
/v1/description-category/tree, /attribute, /attribute/values (limit 1..2000, `last_value_id` paging with
`has_next`) and /attribute/values/search (limit 1..100, `value` ≥ 2 characters).

A handful of categories for the demo catalog: cookware, pens, milk, soft toys, one disabled type. Every type
has Ozon's brand (85, a dictionary of 2503 values: two pages), type (8229), model name (9048), colour
(10096) and weight (4383); some have their own required attributes. What Ozon answers for ids that do not
exist is not documented: a 400 code 3 with a message naming them, like its gateway's validation [UNCONFIRMED].
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from marketsync.sandbox.dictionary_words import COLOURS, MATERIALS, brands
from marketsync.sandbox.ozon.errors import bad_request
from marketsync.sandbox.ozon.state import OzonSeller, OzonState

VALUES_LIMIT_MAX = 2000
SEARCH_LIMIT_MAX = 100
SEARCH_MIN_CHARS = 2
BRAND, TYPE, MODEL, COLOUR, WEIGHT, MATERIAL, VOLUME, FAT = 85, 8229, 9048, 10096, 4383, 4975, 8050, 9741
# (description_category_id, name, disabled, children) and type nodes (type_id, name, disabled).
TREE: list[Any] = [
    (17027949, "Дом и сад", False, [
        (17028922, "Посуда и кухонные принадлежности", False, [
            ("type", 91565, "Кастрюля", False), ("type", 92499, "Сковорода", False),
            ("type", 970895, "Термос", True)])]),
    (17027492, "Канцелярские товары", False, [
        (17029016, "Ручки и карандаши", False, [("type", 93080, "Ручка шариковая", False)])]),
    (17027487, "Продукты питания", False, [
        (17028650, "Молочные продукты", False, [("type", 97311, "Молоко", False)])]),
    (17027484, "Игрушки", False, [
        (17028973, "Мягкие игрушки", False, [("type", 92851, "Мягкая игрушка", False)])]),
]


@dataclass(frozen=True)
class Attr:
    """One attribute of a type; `dictionary` names its values' list, None for a free value."""

    id: int
    name: str
    type: str
    required: bool
    dictionary: str | None = None
    collection: bool = False
    group: str = "Основные"


COMMON = (Attr(BRAND, "Бренд", "String", True, "brands"), Attr(TYPE, "Тип", "String", True, "types"),
          Attr(MODEL, "Название модели (для объединения в одну карточку)", "String", True),
          Attr(COLOUR, "Цвет товара", "String", False, "colours", collection=True),
          Attr(WEIGHT, "Вес товара, г", "Decimal", False))
OWN = {
    91565: (Attr(MATERIAL, "Материал", "String", True, "materials", collection=True),
            Attr(VOLUME, "Объем, л", "Decimal", True)),
    92499: (Attr(MATERIAL, "Материал", "String", True, "materials", collection=True),),
    97311: (Attr(FAT, "Жирность, %", "Decimal", True), Attr(VOLUME, "Объем, л", "Decimal", False)),
    92851: (Attr(MATERIAL, "Материал", "String", False, "materials", collection=True),),
}
DICTIONARY_IDS = {"brands": 28732849, "types": 1960, "colours": 1495, "materials": 1624}


@cache
def types() -> dict[tuple[int, int], str]:
    """Return (description_category_id, type_id) → type name for every type node."""
    found: dict[tuple[int, int], str] = {}

    def walk(nodes: list[Any], parent: int) -> None:
        for node in nodes:
            if node[0] == "type":
                found[(parent, node[1])] = node[2]
            else:
                walk(node[3], node[0])

    walk(TREE, 0)
    return found


@cache
def dictionary(name: str) -> tuple[tuple[int, str], ...]:
    """Return a dictionary's (id, value) pairs in ascending id order, as Ozon pages them."""
    texts = {"brands": brands(), "types": tuple(sorted(set(types().values()))), "colours": COLOURS,
             "materials": MATERIALS}[name]
    start = {"brands": 5055000, "types": 92000, "colours": 61570, "materials": 62000}[name]
    return tuple((start + index * 7, text) for index, text in enumerate(texts))


def _node(node: Any) -> dict[str, Any]:
    if node[0] == "type":
        return {"type_id": node[1], "type_name": node[2], "disabled": node[3], "children": []}
    return {"description_category_id": node[0], "category_name": node[1], "disabled": node[2],
            "children": [_node(child) for child in node[3]]}


def _type_of(body: dict[str, Any]) -> tuple[int, int]:
    key = (int(body["description_category_id"]), int(body["type_id"]))
    if key not in types():
        raise bad_request(f"description_category_id {key[0]} has no type_id {key[1]}")
    return key


def _attribute(key: tuple[int, int], attribute_id: int) -> Attr:
    found = next((a for a in (*COMMON, *OWN.get(key[1], ())) if a.id == attribute_id), None)
    if found is None:
        raise bad_request(f"attribute_id {attribute_id} is not an attribute of type_id {key[1]}")
    if found.dictionary is None:
        raise bad_request(f"attribute_id {attribute_id} has no dictionary")
    return found


def _value(pair: tuple[int, str]) -> dict[str, Any]:
    return {"id": pair[0], "value": pair[1], "info": "", "picture": ""}


def tree(_ozon: OzonState, _seller: OzonSeller, _body: dict[str, Any]) -> dict[str, Any]:
    """The whole tree of categories and types."""
    return {"result": [_node(node) for node in TREE]}


def attributes(_ozon: OzonState, _seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """The attributes of one (category, type) pair."""
    key = _type_of(body)
    rendered = [{"id": a.id, "attribute_complex_id": 0, "name": a.name, "description": "", "type": a.type,
                 "is_collection": a.collection, "is_required": a.required, "is_aspect": False,
                 "max_value_count": 30 if a.collection else 0, "group_name": a.group, "group_id": 1,
                 "dictionary_id": DICTIONARY_IDS[a.dictionary] if a.dictionary else 0, "category_dependent": False,
                 "complex_is_collection": False} for a in (*COMMON, *OWN.get(key[1], ()))]
    return {"result": rendered}


def attribute_values(_ozon: OzonState, _seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """One page of a dictionary after last_value_id (the type attribute lists the pair's own type only)."""
    key = _type_of(body)
    attribute = _attribute(key, int(body["attribute_id"]))
    limit = int(body["limit"])
    if not 0 < limit <= VALUES_LIMIT_MAX:
        raise bad_request(f"limit must be between 1 and {VALUES_LIMIT_MAX}")
    values = dictionary(attribute.dictionary or "")
    if attribute.id == TYPE:
        values = tuple(v for v in values if v[1] == types()[key])
    after = int(body.get("last_value_id") or 0)
    rest = [v for v in values if v[0] > after]
    return {"result": [_value(v) for v in rest[:limit]], "has_next": len(rest) > limit}


def search_values(_ozon: OzonState, _seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """Up to `limit` dictionary values containing `value`."""
    key = _type_of(body)
    attribute = _attribute(key, int(body["attribute_id"]))
    limit, text = int(body["limit"]), str(body["value"]).strip().casefold()
    if not 0 < limit <= SEARCH_LIMIT_MAX:
        raise bad_request(f"limit must be between 1 and {SEARCH_LIMIT_MAX}")
    if len(text) < SEARCH_MIN_CHARS:
        raise bad_request(f"value must be at least {SEARCH_MIN_CHARS} characters long")
    found = [v for v in dictionary(attribute.dictionary or "") if text in v[1].casefold()]
    return {"result": [_value(v) for v in found[:limit]]}


DICTIONARY_OPERATIONS = {
    "/v1/description-category/tree": (tree, False),
    "/v1/description-category/attribute": (attributes, False),
    "/v1/description-category/attribute/values": (attribute_values, False),
    "/v1/description-category/attribute/values/search": (search_values, False),
}
