"""Ozon's category dictionary on the wire → our records (pure).

The tree's category nodes hold further categories; the lowest ones hold type nodes, and a product is made in
a (description_category_id, type_id) pair, so a type node is our leaf, "DESCRIPTION_CATEGORY_ID:TYPE_ID". A
disabled node disables everything under it.
"""

from __future__ import annotations

from collections.abc import Iterator

from marketsync.connectors.dictionary_records import (
    BOOLEAN,
    NUMBER,
    TEXT,
    DictionaryValue,
    MarketAttribute,
    MarketCategory,
)
from marketsync.connectors.ozon.schemas_dictionary import Attribute, AttributeValue, TreeNode

KINDS = {"Boolean": BOOLEAN, "Integer": NUMBER, "Decimal": NUMBER}
PATH_SEPARATOR = " / "


def leaf_id(category_id: int, type_id: int) -> str:
    """Return the id of a type node as the CLI and mappings write it."""
    return f"{category_id}:{type_id}"


def parse_leaf_id(value: str) -> tuple[int, int] | None:
    """Split "DESCRIPTION_CATEGORY_ID:TYPE_ID" into its two positive ids; None when it is not one."""
    left, sep, right = value.strip().partition(":")
    if not sep or not left.isdigit() or not right.isdigit() or int(left) <= 0 or int(right) <= 0:
        return None
    return int(left), int(right)


def categories_from_wire(nodes: list[TreeNode], parent: MarketCategory | None = None,
                         category_id: int = 0) -> Iterator[MarketCategory]:
    """Flatten the tree, parents first; a type node's id joins its category's."""
    for node in nodes:
        disabled = node.disabled or (parent is not None and parent.disabled)
        prefix = f"{parent.path}{PATH_SEPARATOR}" if parent is not None else ""
        if node.type_id:
            name = node.type_name
            record = MarketCategory(leaf_id(category_id, node.type_id), name,
                                    parent.category_id if parent else None, prefix + name, True, disabled)
            yield record
            continue
        name = node.category_name
        record = MarketCategory(str(node.description_category_id), name, parent.category_id if parent else None,
                                prefix + name, False, disabled)
        yield record
        yield from categories_from_wire(node.children, record, node.description_category_id)


def attribute_from_wire(attribute: Attribute) -> MarketAttribute:
    """Map one Ozon attribute; a dictionary attribute takes values of the dictionary only."""
    dictionary = attribute.dictionary_id != 0
    max_count = attribute.max_value_count if attribute.is_collection else 1
    return MarketAttribute(
        attribute_id=str(attribute.id), name=attribute.name, required=attribute.is_required,
        kind=KINDS.get(attribute.type, TEXT) if not dictionary else "enum", dictionary=dictionary,
        custom_allowed=False, unit=None, max_count=max_count, description=attribute.description[:1000])


def value_from_wire(value: AttributeValue) -> DictionaryValue:
    """Map one dictionary value."""
    return DictionaryValue(str(value.id), value.value, value.info)
