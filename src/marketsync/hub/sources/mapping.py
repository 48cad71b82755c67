"""A CSV/XLSX column mapping ({"column": "field"}) checked against the file's header, and one row of cells turned
into a RawOffer through it. Several columns may feed one repeated field (two picture columns, say)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from marketsync.hub.offer_rows import RawOffer
from marketsync.hub.sources import SourceRefusedError

# Our fields (the issue fixes these names); `param:<name>` adds a parameter.
FIELDS = ("sku", "name", "description", "vendor", "vendor_code", "barcode", "price", "stock", "category", "picture",
          "weight", "length", "width", "height")
REQUIRED = ("sku", "name", "price")
_LIST_SPLIT = re.compile(r"[\s,;|]+")
_ATTRS = {"sku": "offer_id", "name": "name", "description": "description", "vendor": "vendor",
          "vendor_code": "vendor_code", "price": "price", "stock": "stock", "category": "category",
          "weight": "weight", "length": "length", "width": "width", "height": "height"}


def check_mapping(mapping: Any) -> dict[str, str]:
    """Return the mapping when its fields are ours and it names the required ones; raise SourceRefusedError."""
    if not isinstance(mapping, dict) or not mapping:
        raise SourceRefusedError('the column mapping must be a JSON object {"column": "field", ...}')
    for column, field in mapping.items():
        if not isinstance(column, str) or not isinstance(field, str):
            raise SourceRefusedError("the column mapping must map column names to field names (text)")
        if field not in FIELDS and not (field.startswith("param:") and field[6:].strip()):
            raise SourceRefusedError(f"unknown field {field!r} for column {column!r}: one of {', '.join(FIELDS)} "
                                     "or param:<name>")
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise SourceRefusedError(f"the column mapping names no column for {', '.join(missing)}")
    return dict(mapping)


def _key(column: Any) -> str:
    return " ".join(str(column or "").split()).casefold()


def column_plan(header: Sequence[Any], mapping: dict[str, str]) -> list[tuple[int, str]]:
    """Return (cell index, field) for every mapped column; refuse the file when a mapped column is missing."""
    positions: dict[str, int] = {}
    for index, column in enumerate(header):
        positions.setdefault(_key(column), index)
    plan, absent = [], []
    for column, field in mapping.items():
        if _key(column) in positions:
            plan.append((positions[_key(column)], field))
        else:
            absent.append(column)
    if absent:
        raise SourceRefusedError(f"the file has no column {', '.join(repr(c) for c in absent)} "
                                 "(the header is its first row)")
    return plan


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e7:
        return str(int(value))  # a barcode or an article typed as a number in a spreadsheet
    if isinstance(value, str):
        return value.strip()
    return value


def offer_from_cells(cells: Sequence[Any], plan: list[tuple[int, str]]) -> RawOffer:
    """Return the RawOffer one row of cells describes."""
    raw = RawOffer()
    for index, field in plan:
        value = _cell(cells[index]) if index < len(cells) else None
        if value is None or value == "":
            continue
        if field == "barcode":
            raw.barcodes.extend(part for part in _LIST_SPLIT.split(str(value)) if part)
        elif field == "picture":
            raw.pictures.extend(part for part in re.split(r"[\s,;|]+(?=https?://)|\s+", str(value)) if part)
        elif field.startswith("param:"):
            raw.params[field[6:].strip()] = str(value)
        elif field in ("sku", "vendor_code") and not isinstance(value, str):
            setattr(raw, _ATTRS[field], str(int(value)) if isinstance(value, float) and value.is_integer()
                    else str(value))
        else:
            setattr(raw, _ATTRS[field], value if field in ("price", "stock", "weight", "length", "width",
                                                           "height") else str(value))
    return raw
