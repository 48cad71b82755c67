"""Yandex Market as a CategoryDictionary: the category tree (50 requests an hour: the caller caches it) and a
leaf category's parameters, whose ENUM values come inline."""

from __future__ import annotations

from collections.abc import Iterator

from marketsync.connectors.dictionary_records import DictionaryValue, MarketAttribute, MarketCategory
from marketsync.connectors.errors import MalformedResponseError, RejectedError
from marketsync.connectors.yandex_market.client import SYSTEM, TITLE, YandexMarketClient
from marketsync.connectors.yandex_market.mapping_dictionary import categories_from_wire, parameter_from_wire


def _category(category_id: str) -> int:
    if not category_id.isdigit() or int(category_id) <= 0:
        raise RejectedError(f"{TITLE}: «{category_id}» is not a market category id", key="refused",
                            params={"system": SYSTEM, "code": "category", "detail": category_id})
    return int(category_id)


class YandexMarketDictionary:
    """The category dictionary of the YM connector (it holds `client`)."""

    client: YandexMarketClient

    def iter_categories(self) -> Iterator[list[MarketCategory]]:
        """Yield the whole tree in one list (one request of the 50 an hour)."""
        answer = self.client.categories_tree()
        if answer.result is None:
            raise MalformedResponseError(f"{TITLE}: getCategoriesTree answered no tree")
        yield list(categories_from_wire(answer.result))

    def category_attributes(self, category_id: str) -> list[MarketAttribute]:
        """Return a leaf category's parameters, ENUM values included."""
        answer = self.client.category_parameters(_category(category_id))
        return [parameter_from_wire(p) for p in (answer.result.parameters if answer.result else None) or []]

    def iter_attribute_values(self, category_id: str, attribute: MarketAttribute) -> Iterator[list[DictionaryValue]]:
        """Yield the ENUM values the parameters answer carried (asking again only when they are not at hand)."""
        if attribute.values:
            yield list(attribute.values)
            return
        for fresh in self.category_attributes(category_id):
            if fresh.attribute_id == attribute.attribute_id:
                yield list(fresh.values)

    def search_attribute_values(self, category_id: str, attribute: MarketAttribute, text: str) -> list[DictionaryValue]:
        """Return the ENUM values containing `text`."""
        wanted = text.casefold().strip()
        return [v for page in self.iter_attribute_values(category_id, attribute) for v in page
                if wanted and wanted in v.value.casefold()]
