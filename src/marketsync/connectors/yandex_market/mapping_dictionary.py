"""Yandex Market's category dictionary on the wire → our records (pure): the tree flattened parents first (the
root, "Все товары", left out of the paths people read), parameters with their ENUM values inline."""

from __future__ import annotations

from collections.abc import Iterator

from marketsync.connectors.dictionary_records import (
    BOOLEAN,
    ENUM,
    NUMBER,
    TEXT,
    DictionaryValue,
    MarketAttribute,
    MarketCategory,
)
from marketsync.connectors.yandex_market.schemas_dictionary import Category, Parameter

KINDS = {"TEXT": TEXT, "ENUM": ENUM, "BOOLEAN": BOOLEAN, "NUMERIC": NUMBER}


def categories_from_wire(node: Category, parent: MarketCategory | None = None,
                         depth: int = 0) -> Iterator[MarketCategory]:
    """Flatten the tree under `node` (the root at depth 0), parents first."""
    path = node.name if depth <= 1 or parent is None else f"{parent.path} / {node.name}"
    record = MarketCategory(str(node.id), node.name, parent.category_id if parent else None, path,
                            leaf=not node.children)
    yield record
    for child in node.children or []:
        yield from categories_from_wire(child, record, depth + 1)


def parameter_from_wire(parameter: Parameter) -> MarketAttribute:
    """Map one parameter: its default unit's name, ENUM values inline."""
    unit = None
    if parameter.unit is not None:
        unit = next((u.name for u in parameter.unit.units if u.id == parameter.unit.default_unit_id), None)
    values = tuple(DictionaryValue(str(v.id), v.value, v.description or "") for v in parameter.values or [])
    enum = parameter.type == "ENUM"
    return MarketAttribute(
        attribute_id=str(parameter.id), name=parameter.name, required=parameter.required,
        kind=KINDS.get(parameter.type, TEXT), dictionary=enum, custom_allowed=enum and parameter.allow_custom_values,
        unit=unit, max_count=0 if parameter.multivalue else 1, description=(parameter.description or "")[:1000],
        values=values)
