"""Ozon as a CategoryDictionary: the description-category tree, a type's attributes and their dictionaries.

Ozon states no per-method limit for these methods, only the 50 requests/s per Client-Id the connector's
HttpClient already keeps. Dictionaries such as brands run far beyond one 2000-value page.
"""

from __future__ import annotations

from collections.abc import Iterator

from marketsync.connectors.dictionary_records import DictionaryValue, MarketAttribute, MarketCategory
from marketsync.connectors.errors import RejectedError
from marketsync.connectors.ozon.client import SEARCH_MIN_CHARS, SYSTEM, OzonClient
from marketsync.connectors.ozon.mapping_dictionary import (
    attribute_from_wire,
    categories_from_wire,
    parse_leaf_id,
    value_from_wire,
)


def _pair(category_id: str) -> tuple[int, int]:
    pair = parse_leaf_id(category_id)
    if pair is None:
        raise RejectedError(f"Ozon: «{category_id}» is not DESCRIPTION_CATEGORY_ID:TYPE_ID", key="refused",
                            params={"system": SYSTEM, "code": "category", "detail": category_id})
    return pair


class OzonDictionary:
    """The category dictionary of the Ozon connector (it holds `client`)."""

    client: OzonClient

    def iter_categories(self) -> Iterator[list[MarketCategory]]:
        """Yield the whole tree in one list (Ozon answers it in one request)."""
        yield list(categories_from_wire(self.client.description_category_tree().result))

    def category_attributes(self, category_id: str) -> list[MarketAttribute]:
        """Return the attributes of one type ("DESCRIPTION_CATEGORY_ID:TYPE_ID")."""
        description_category_id, type_id = _pair(category_id)
        answer = self.client.category_attributes(description_category_id, type_id)
        return [attribute_from_wire(a) for a in answer.result]

    def iter_attribute_values(self, category_id: str, attribute: MarketAttribute) -> Iterator[list[DictionaryValue]]:
        """Yield an attribute's dictionary 2000 values a page (last_value_id paging)."""
        description_category_id, type_id = _pair(category_id)
        for page in self.client.iter_attribute_values(description_category_id, type_id, int(attribute.attribute_id)):
            yield [value_from_wire(v) for v in page.result]

    def search_attribute_values(self, category_id: str, attribute: MarketAttribute, text: str) -> list[DictionaryValue]:
        """Return up to 100 dictionary values matching `text` (nothing for fewer than 2 characters)."""
        if len(text.strip()) < SEARCH_MIN_CHARS:
            return []
        description_category_id, type_id = _pair(category_id)
        answer = self.client.search_attribute_values(description_category_id, type_id,
                                                     int(attribute.attribute_id), text)
        return [value_from_wire(v) for v in answer.result]
