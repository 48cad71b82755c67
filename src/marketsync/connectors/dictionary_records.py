"""Frozen records of a marketplace's category dictionary as they cross the connector boundary: categories,
their attributes and the attributes' dictionary values, in one shape for Ozon, Wildberries and Yandex Market."""

from __future__ import annotations

from dataclasses import dataclass

# What an attribute's values are, whatever each marketplace calls it (Ozon `type`, WB `charcType`, YM `type`).
TEXT, NUMBER, BOOLEAN, ENUM = "text", "number", "boolean", "enum"


@dataclass(frozen=True, slots=True)
class MarketCategory:
    """One node of a marketplace's category tree.

    `category_id` is what a card names: Ozon "DESCRIPTION_CATEGORY_ID:TYPE_ID" for a type node (a category node
    alone is its description_category_id), WB the subject id (a parent category is "parent:<id>"), YM the market
    category id. `leaf`: cards can be made here; `disabled`: the marketplace refuses new cards here.
    """

    category_id: str
    name: str
    parent_id: str | None = None
    path: str = ""
    leaf: bool = False
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class DictionaryValue:
    """One value of an attribute's dictionary; `value_id` None where the marketplace takes the text itself (WB's
    directories name a colour by its text)."""

    value_id: str | None
    value: str
    info: str = ""


@dataclass(frozen=True, slots=True)
class MarketAttribute:
    """One attribute (Ozon), characteristic (WB) or parameter (YM) of a category.

    `dictionary`: values must come from the attribute's dictionary (fetched with `iter_attribute_values`), unless
    `custom_allowed`. `max_count` 0 means unlimited, 1 a single value. `values` holds the dictionary when the
    marketplace sends it with the attribute (YM's ENUM values), else it is empty.
    """

    attribute_id: str
    name: str
    required: bool = False
    kind: str = TEXT
    dictionary: bool = False
    custom_allowed: bool = False
    unit: str | None = None
    max_count: int = 1
    description: str = ""
    values: tuple[DictionaryValue, ...] = ()
