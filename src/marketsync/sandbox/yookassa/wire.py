"""Checks of the request bodies YooKassa accepts (as its documentation states them), raising its 400s."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from marketsync.sandbox.yookassa.state import YooKassaError

AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,2})?")
CONFIRMATIONS = ("embedded", "redirect", "external", "qr", "mobile_application")
METADATA_KEYS, METADATA_KEY_LEN, METADATA_VALUE_LEN = 16, 32, 512


def _bad(parameter: str, description: str) -> YooKassaError:
    return YooKassaError(400, "invalid_request", description, parameter)


def amount_of(body: Any, parameter: str = "amount") -> Decimal:
    """Return a checked `{value, currency}` amount: a positive value with at most two decimals, in RUB."""
    amount = body.get(parameter) if isinstance(body, dict) else None
    if not isinstance(amount, dict):
        raise _bad(parameter, f"Missing required parameter {parameter}")
    value = amount.get("value")
    text = str(value) if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
    if not AMOUNT.fullmatch(text):
        raise _bad(f"{parameter}.value", "Invalid amount value")
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise _bad(f"{parameter}.value", "Invalid amount value") from None
    if parsed <= 0:
        raise _bad(f"{parameter}.value", "Amount must be greater than zero")
    if amount.get("currency") != "RUB":
        raise _bad(f"{parameter}.currency", "Unsupported currency")
    return parsed


def check_payment(body: Any) -> Decimal:
    """Check a POST /payments body; return its amount."""
    if not isinstance(body, dict):
        raise _bad("body", "Request body must be a JSON object")
    amount = amount_of(body)
    confirmation = body.get("confirmation")
    if not isinstance(confirmation, dict) or confirmation.get("type") not in CONFIRMATIONS:
        raise _bad("confirmation.type", "Invalid confirmation type")
    if confirmation["type"] == "redirect" and not confirmation.get("return_url"):
        raise _bad("confirmation.return_url", "Missing required parameter confirmation.return_url")
    if "capture" in body and not isinstance(body["capture"], bool):
        raise _bad("capture", "Invalid parameter value capture")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 128):
        raise _bad("description", "Description must be a string of at most 128 characters")
    metadata = body.get("metadata")
    if metadata is not None and (not isinstance(metadata, dict) or len(metadata) > METADATA_KEYS or any(
            len(str(k)) > METADATA_KEY_LEN or not isinstance(v, str) or len(v) > METADATA_VALUE_LEN
            for k, v in metadata.items())):
        raise _bad("metadata", "Invalid metadata: up to 16 keys of 32 characters, string values of 512")
    receipt = body.get("receipt")
    if receipt is not None:
        _check_receipt(receipt)
    return amount


def _check_receipt(receipt: Any) -> None:
    if not isinstance(receipt, dict):
        raise _bad("receipt", "Invalid receipt")
    customer = receipt.get("customer") or {}
    if not (receipt.get("email") or receipt.get("phone") or customer.get("email") or customer.get("phone")):
        raise _bad("receipt.customer", "Receipt needs the customer's email or phone")
    items = receipt.get("items")
    if not isinstance(items, list) or not items:
        raise _bad("receipt.items", "Receipt needs at least one item")
    for n, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("description") or "vat_code" not in item:
            raise _bad(f"receipt.items[{n}]", "Receipt item needs description, quantity, amount and vat_code")
        amount_of(item, "amount")
