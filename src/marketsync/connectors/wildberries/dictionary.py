"""Wildberries as a CategoryDictionary: parent categories and subjects, a subject's characteristics and the
directories of Цвет, Пол, Страна производства, Сезон, Ставка НДС and ТНВЭД, all on the content host within
the Content category's 100 requests/min (burst 5)."""

from __future__ import annotations

from collections.abc import Iterator

from marketsync.connectors.dictionary_records import DictionaryValue, MarketAttribute, MarketCategory
from marketsync.connectors.errors import RejectedError
from marketsync.connectors.wildberries.client import SYSTEM, WildberriesClient
from marketsync.connectors.wildberries.mapping_dictionary import (
    characteristic_from_wire,
    directory_of,
    directory_values_from_wire,
    parent_from_wire,
    subject_from_wire,
)


def _subject(category_id: str) -> int:
    if not category_id.isdigit() or int(category_id) <= 0:
        raise RejectedError(f"Wildberries: «{category_id}» is not a subject id", key="refused",
                            params={"system": SYSTEM, "code": "subject", "detail": category_id})
    return int(category_id)


class WildberriesDictionary:
    """The category dictionary of the WB connector (it holds `client`)."""

    client: WildberriesClient

    def iter_categories(self) -> Iterator[list[MarketCategory]]:
        """Yield the parent categories, then the subjects 1000 a page."""
        yield [parent_from_wire(p) for p in self.client.parent_categories().data or []]
        for page in self.client.iter_subjects():
            if page.data:
                yield [subject_from_wire(s) for s in page.data]

    def category_attributes(self, category_id: str) -> list[MarketAttribute]:
        """Return a subject's characteristics, those WB marks as not used left out."""
        answer = self.client.characteristics(_subject(category_id))
        return [a for c in answer.data or [] if (a := characteristic_from_wire(c)) is not None]

    def iter_attribute_values(self, category_id: str, attribute: MarketAttribute) -> Iterator[list[DictionaryValue]]:
        """Yield the directory of a characteristic that has one (one request), nothing for free text."""
        directory = directory_of(attribute.name)
        if directory is None:
            return
        subject = _subject(category_id) if directory == "tnved" else None
        yield directory_values_from_wire(self.client.directory(directory, subject).data or [])

    def search_attribute_values(self, category_id: str, attribute: MarketAttribute, text: str) -> list[DictionaryValue]:
        """Return the directory values containing `text` (WB's directories come whole, so this reads one)."""
        wanted = text.casefold().strip()
        return [v for page in self.iter_attribute_values(category_id, attribute) for v in page
                if wanted and wanted in v.value.casefold()]
