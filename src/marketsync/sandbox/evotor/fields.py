"""Evotor product fields: which a client may write, their types, and the defaults of a new product."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from marketsync.sandbox.evotor.errors import invalid, missing, unexpected

TAXES = ("NO_VAT", "VAT_0", "VAT_10", "VAT_18", "VAT_10_110", "VAT_18_118", "VAT_20", "VAT_20_120")
TYPES = ("NORMAL", "SERVICE", "ALCOHOL_MARKED", "ALCOHOL_NOT_MARKED", "TOBACCO_MARKED", "SHOES_MARKED")
STRING_FIELDS = ("name", "code", "article_number", "measure_name", "description")
MONEY_FIELDS = ("price", "cost_price")
# Optional fields that may be cleared by sending null in a PATCH (Evotor omits absent fields on output).
OPTIONAL_FIELDS = ("code", "article_number", "parent_id")
WRITABLE = (
    *STRING_FIELDS,
    *MONEY_FIELDS,
    "quantity",
    "barcodes",
    "tax",
    "type",
    "allow_to_sell",
    "parent_id",
)
# Server-owned fields: accepted from the Python API (demo data sets them), never from HTTP bodies.
SERVER_FIELDS = ("created_at", "updated_at")
DEFAULTS: dict[str, Any] = {
    "price": Decimal("0.00"),
    "cost_price": Decimal("0.00"),
    "quantity": Decimal("0"),
    "measure_name": "шт",
    "tax": "NO_VAT",
    "type": "NORMAL",
    "allow_to_sell": True,
    "description": "",
    "barcodes": [],
}
KOPECK = Decimal("0.01")


def parse_product_fields(
    body: Mapping[str, Any], *, partial: bool, server_fields: bool = False
) -> dict[str, Any]:
    """Check and normalise product fields; raise EvotorError(400) naming the first bad one."""
    allowed = (*WRITABLE, *SERVER_FIELDS) if server_fields else WRITABLE
    clean: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("id", "store_id", "user_id", *SERVER_FIELDS) and not server_fields:
            continue  # read-only fields echoed back by clients are ignored, as the cloud does
        if key not in allowed:
            raise unexpected(key)
        clean[key] = _parse_one(key, value, partial)
    if not partial:
        if "name" not in clean:
            raise missing("name")
        clean = {**DEFAULTS, **clean}
    return clean


def _parse_one(key: str, value: Any, partial: bool) -> Any:
    if value is None:
        if partial and key in OPTIONAL_FIELDS:
            return None
        raise invalid(key, value)
    if key in STRING_FIELDS or key == "parent_id":
        if not isinstance(value, str) or (key == "name" and not value.strip()):
            raise invalid(key, value)
        return value
    if key in MONEY_FIELDS:
        return money(value, key)
    if key == "quantity":
        return _number(value, key)
    if key == "barcodes":
        if not isinstance(value, list) or not all(isinstance(code, str) and code for code in value):
            raise invalid(key, value)
        return list(value)
    if (key == "tax" and value not in TAXES) or (key == "type" and value not in TYPES):
        raise invalid(key, value)
    if key == "allow_to_sell" and not isinstance(value, bool):
        raise invalid(key, value)
    if key in SERVER_FIELDS and not isinstance(value, datetime):
        raise invalid(key, str(value))
    return value


def _number(value: Any, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise invalid(key, value)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise invalid(key, value) from None
    if not number.is_finite():
        raise invalid(key, str(value))
    return number


def money(value: Any, key: str = "price") -> Decimal:
    """Return a non-negative amount in rubles rounded half-up to kopecks."""
    number = _number(value, key)
    if number < 0:
        raise invalid(key, value)
    return number.quantize(KOPECK, rounding=ROUND_HALF_UP)
