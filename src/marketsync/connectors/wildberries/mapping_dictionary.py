"""Wildberries' category dictionary on the wire → our records (pure).

Parents and subjects share no id space we can trust to be apart, so a parent category is "parent:<id>" and a
subject (where cards are made) is its plain id. Characteristic values are free text except those WB gives their
own directory for (Цвет, Пол, Страна производства, Сезон, Ставка НДС, ТНВЭД-код: the charcs description), whose
values are sent by their text, so they carry no value id.
"""

from __future__ import annotations

from typing import Any

from marketsync.connectors.dictionary_records import NUMBER, TEXT, DictionaryValue, MarketAttribute, MarketCategory
from marketsync.connectors.wildberries.schemas_dictionary import Characteristic, ParentCategory, Subject

PARENT_PREFIX = "parent:"
NOT_USED, STRINGS, NUMBER_TYPE = 0, 1, 4  # charcType
# Characteristic name (lower case, ё as е) → the directory that holds its values.
DIRECTORY_OF = {"цвет": "colors", "пол": "kinds", "страна производства": "countries", "сезон": "seasons",
                "ставка ндс": "vat", "тнвэд": "tnved", "тн вэд": "tnved"}


def directory_of(name: str) -> str | None:
    """Return the directory (colors, kinds, ...) a characteristic takes its values from, if any."""
    key = " ".join(name.casefold().replace("ё", "е").split())
    return DIRECTORY_OF.get(key) or ("tnved" if key.startswith(("тнвэд", "тн вэд")) else None)


def parent_from_wire(parent: ParentCategory) -> MarketCategory:
    """Map a parent category (no cards are made in it)."""
    return MarketCategory(f"{PARENT_PREFIX}{parent.id}", parent.name, None, parent.name, leaf=False)


def subject_from_wire(subject: Subject) -> MarketCategory:
    """Map a subject, a leaf under its parent."""
    return MarketCategory(str(subject.subjectID), subject.subjectName, f"{PARENT_PREFIX}{subject.parentID}",
                          f"{subject.parentName} / {subject.subjectName}", leaf=True)


def characteristic_from_wire(charc: Characteristic) -> MarketAttribute | None:
    """Map a characteristic; None for one WB marks as not used (charcType 0)."""
    if charc.charcType == NOT_USED:
        return None
    directory = directory_of(charc.name)
    number = charc.charcType == NUMBER_TYPE
    return MarketAttribute(
        attribute_id=str(charc.charcID), name=charc.name, required=charc.required,
        kind="enum" if directory else NUMBER if number else TEXT, dictionary=directory is not None,
        custom_allowed=False, unit=charc.unitName or None, max_count=1 if number else charc.maxCount)


def directory_values_from_wire(rows: list[Any]) -> list[DictionaryValue]:
    """Map a directory's rows: strings, {name, parentName|fullName} or {tnved, isKiz}; sent by text, no id."""
    values = []
    for row in rows:
        if isinstance(row, str):
            values.append(DictionaryValue(None, row))
        elif isinstance(row, dict):
            text = row.get("name") or row.get("tnved")
            if text:
                values.append(DictionaryValue(None, str(text), str(row.get("parentName") or row.get("fullName") or "")))
    return values
