"""Attribute matching, pure: our product's fields (its params, vendor as brand, weight and dimensions) against a
marketplace category's attributes by name, and our values against their dictionaries by text.

Names compare case-, space- and ё-insensitively, with the unit a name carries («Вес товара, г», «Объем (л)») and
punctuation left out, and through a small synonym table (бренд = производитель = торговая марка, ...). Values of a
dictionary attribute match a dictionary text exactly after the same normalization; where none does, the closest
texts are offered as suggestions. The seller's overrides (a param name → an attribute, a value text → a
dictionary value) come first. Numbers are converted between the units both sides name (kg ↔ g, cm ↔ mm, l ↔ ml).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BOOLEAN, NUMBER, ENUM = "boolean", "number", "enum"
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("бренд", "brand", "торговая марка", "марка", "производитель", "vendor", "изготовитель"),
    ("цвет", "цвет товара", "основной цвет", "color", "colour"),
    ("вес", "вес товара", "масса", "weight", "вес товара без упаковки", "вес без упаковки", "масса нетто"),
    ("материал", "материал изделия", "основной материал", "material"),
    ("объем", "объем товара", "емкость", "volume"),
    ("страна производства", "страна", "страна изготовитель", "страна происхождения", "country"),
    ("длина", "length", "глубина", "depth"),
    ("ширина", "width"),
    ("высота", "height"),
    ("модель", "название модели", "model"),
    ("жирность", "массовая доля жира", "fat"),
)
_CANONICAL = {name: group[0] for group in SYNONYMS for name in group}
UNIT_FACTORS = {"г": ("kg", Decimal("0.001")), "кг": ("kg", Decimal(1)), "мм": ("cm", Decimal("0.1")),
                "см": ("cm", Decimal(1)), "м": ("cm", Decimal(100)), "мл": ("l", Decimal("0.001")),
                "л": ("l", Decimal(1))}
_UNIT_SUFFIX = re.compile(r"(,\s*[^,()]{1,12}|\([^()]*\))\s*$")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
TRUE_WORDS, FALSE_WORDS = frozenset({"да", "true", "yes", "1", "есть"}), frozenset({"нет", "false", "no", "0"})
SUGGESTIONS = 3
SPLIT = re.compile(r"\s*[;,/]\s*")


@lru_cache(maxsize=65536)  # dictionary texts repeat for every product of a category (2,500 brands each time)
def normalize(text: str) -> str:
    """Lower-case, ё as е, punctuation as spaces, spaces collapsed."""
    lowered = str(text).casefold().replace("ё", "е")
    return " ".join(re.sub(r"[^\w%]+", " ", lowered).split())


def canonical(name: str) -> str:
    """Return an attribute or param name as compared: normalized, the unit suffix dropped, synonyms joined."""
    bare = normalize(_UNIT_SUFFIX.sub("", str(name)).strip() or str(name))
    return _CANONICAL.get(bare, bare)


def unit_of(name: str, unit: str | None) -> str | None:
    """Return the unit an attribute states (its own field, else the suffix of its name: «Вес, г» → г)."""
    if unit:
        return normalize(unit)
    found = _UNIT_SUFFIX.search(str(name))
    if not found:
        return None
    text = normalize(found.group(1).strip(",() "))
    return text if text in UNIT_FACTORS or text == "%" else None


@dataclass(frozen=True)
class Attribute:
    """What matching needs of a marketplace attribute."""

    attribute_id: str
    name: str
    required: bool = False
    kind: str = "text"
    dictionary: bool = False
    custom_allowed: bool = False
    unit: str | None = None
    max_count: int = 1


@dataclass(frozen=True)
class Choice:
    """A dictionary value: its id (None where the channel takes the text) and text."""

    value_id: str | None
    value: str


@dataclass(frozen=True)
class Field:
    """One of our product's fields: the name, the text, and the unit of a measure (kg, cm)."""

    name: str
    value: str
    unit: str | None = None


@dataclass(frozen=True)
class Matched:
    """An attribute filled: which of our fields filled it and the values to send."""

    attribute_id: str
    attribute_name: str
    source: str
    values: tuple[Choice, ...]


@dataclass(frozen=True)
class Suggestion:
    """A value of ours the attribute's dictionary does not hold, with the closest dictionary texts."""

    attribute_id: str
    attribute_name: str
    source: str
    text: str
    candidates: tuple[Choice, ...]


@dataclass
class Result:
    """Matched attributes, required attributes left unfilled (by name), and suggestions."""

    matched: list[Matched] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def convert(value: str, from_unit: str | None, to_unit: str | None) -> str | None:
    """Return the first number of `value` in `to_unit` (from `from_unit`); None when there is no number."""
    found = _NUMBER.search(value)
    if not found:
        return None
    try:
        number = Decimal(found.group(0).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None
    source, target = UNIT_FACTORS.get(from_unit or ""), UNIT_FACTORS.get(to_unit or "")
    if source and target and source[0] == target[0]:
        number = number * source[1] / target[1]
    text = format(number.normalize(), "f")
    return text


def _closest(text: str, choices: Sequence[Choice]) -> tuple[Choice, ...]:
    by_text = {normalize(c.value): c for c in choices}
    wanted = normalize(text)
    close = difflib.get_close_matches(wanted, list(by_text), n=SUGGESTIONS, cutoff=0.6)
    inside = [key for key in by_text if wanted and (wanted in key or key in wanted) and key not in close]
    return tuple(by_text[key] for key in [*close, *inside][:SUGGESTIONS])


def _values(attribute: Attribute, found: Field, choices: Sequence[Choice],
            value_overrides: Mapping[tuple[str, str], str]) -> tuple[list[Choice], list[Suggestion]]:
    """Turn one field's text into the attribute's values, or into suggestions where the dictionary lacks them."""
    if attribute.kind == NUMBER:
        number = convert(found.value, found.unit, unit_of(attribute.name, attribute.unit))
        return ([Choice(None, number)] if number is not None else []), []
    if attribute.kind == BOOLEAN:
        word = normalize(found.value)
        flag = "true" if word in TRUE_WORDS else "false" if word in FALSE_WORDS else None
        return ([Choice(None, flag)] if flag else []), []
    if not attribute.dictionary:
        return [Choice(None, found.value.strip())], []
    parts = [p for p in SPLIT.split(found.value.strip()) if p] if attribute.max_count != 1 else [found.value.strip()]
    by_text = {normalize(c.value): c for c in choices}
    by_id = {c.value_id: c for c in choices if c.value_id is not None}
    values: list[Choice] = []
    suggestions: list[Suggestion] = []
    for part in parts:
        override = value_overrides.get((attribute.attribute_id, normalize(part)))
        hit = (by_id.get(override) or by_text.get(normalize(override)) or Choice(override, part)) \
            if override is not None else by_text.get(normalize(part))
        if hit is not None:
            values.append(hit)
        elif attribute.custom_allowed:
            values.append(Choice(None, part))
        else:
            suggestions.append(Suggestion(attribute.attribute_id, attribute.name, found.name, part,
                                          _closest(part, choices)))
    if attribute.max_count > 0:
        values = values[:attribute.max_count]
    return values, suggestions


def match(attributes: Sequence[Attribute], fields: Sequence[Field], choices: Mapping[str, Sequence[Choice]], *,
          attribute_overrides: Mapping[str, str] = {},
          value_overrides: Mapping[tuple[str, str], str] = {},
          implied: frozenset[str] = frozenset()) -> Result:
    """Match our fields to the attributes; `choices` holds each dictionary attribute's values by attribute id,
    `attribute_overrides` normalized param name → attribute id, `value_overrides` (attribute id, normalized text)
    → value id or text; `implied` attributes are filled by the channel itself (Ozon's type from type_id)."""
    result = Result()
    by_override: dict[str, Field] = {}
    by_name: dict[str, Field] = {}
    for item in fields:
        if not str(item.value).strip():
            continue
        target = attribute_overrides.get(normalize(item.name))
        if target is not None:
            by_override.setdefault(target, item)
        else:
            by_name.setdefault(canonical(item.name), item)
    for attribute in attributes:
        if attribute.attribute_id in implied:
            continue
        found = by_override.get(attribute.attribute_id) or by_name.get(canonical(attribute.name))
        values: list[Choice] = []
        if found is not None:
            values, suggestions = _values(attribute, found, choices.get(attribute.attribute_id, ()), value_overrides)
            result.suggestions += suggestions
        if values:
            result.matched.append(Matched(attribute.attribute_id, attribute.name, found.name if found else "",
                                          tuple(values)))
        elif attribute.required:
            result.missing_required.append(attribute.name)
    return result
