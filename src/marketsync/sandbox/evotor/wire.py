"""Evotor v2 JSON shapes: snake_case objects as in the SDK fixtures, dates, numbers and cursor paging."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from marketsync.sandbox.evotor.errors import SYNTAX_ERROR, EvotorError
from marketsync.sandbox.evotor.state import EvotorGroup, EvotorProduct, EvotorStore

T = TypeVar("T")
CURSOR_PREFIX = "evo:"


def format_time(moment: datetime) -> str:
    """Format like the cloud: `2018-08-29T15:08:56.664+0000` (UTC, milliseconds)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def number(value: Decimal) -> int | float:
    """Return a JSON number: whole values as integers (`43`), others with their kopecks (`123.45`)."""
    return int(value) if value == value.to_integral_value() else float(value)


def store_to_wire(store: EvotorStore) -> dict[str, Any]:
    """Render a store."""
    return {
        "id": store.id,
        "name": store.name,
        "address": store.address,
        "created_at": format_time(store.created_at),
        "updated_at": format_time(store.updated_at),
    }


def group_to_wire(group: EvotorGroup) -> dict[str, Any]:
    """Render a product group; `parent_id` is omitted for a top-level group."""
    wire: dict[str, Any] = {"id": group.id, "name": group.name}
    if group.parent_id:
        wire["parent_id"] = group.parent_id
    wire["store_id"] = group.store_id
    wire["created_at"] = format_time(group.created_at)
    wire["updated_at"] = format_time(group.updated_at)
    return wire


def product_to_wire(product: EvotorProduct) -> dict[str, Any]:
    """Render a product; absent optional fields are left out, never null."""
    wire: dict[str, Any] = {"id": product.id, "name": product.name}
    for key in ("code", "article_number"):
        if getattr(product, key):
            wire[key] = getattr(product, key)
    wire.update(
        {
            "barcodes": list(product.barcodes),
            "price": number(product.price),
            "cost_price": number(product.cost_price),
            "quantity": number(product.quantity),
            "measure_name": product.measure_name,
            "tax": product.tax,
            "type": product.type,
            "allow_to_sell": product.allow_to_sell,
            "description": product.description,
        }
    )
    if product.parent_id:
        wire["parent_id"] = product.parent_id
    wire["store_id"] = product.store_id
    wire["user_id"] = product.user_id
    wire["created_at"] = format_time(product.created_at)
    wire["updated_at"] = format_time(product.updated_at)
    return wire


def encode_cursor(position: int) -> str:
    """Return an opaque cursor pointing just after `position`."""
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Return the position inside a cursor; a forged or garbled one is a 400."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        position = int(text[len(CURSOR_PREFIX) :])
        if position < 0:
            raise ValueError(text)
        return position
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise EvotorError(400, SYNTAX_ERROR, "incorrect", "cursor", cursor) from None


def page(
    items: Sequence[T], cursor: str | None, page_size: int, key: Callable[[T], int] | None = None
) -> tuple[Sequence[T], dict[str, str]]:
    """Cut one page out of `items`; return it with the `paging` object (`{}` on the last page).

    With `key` (a stable, increasing sequence number) the cursor remembers the last key seen, so deleting
    an object between two page requests neither skips nor repeats another; without it, an offset.
    """
    after = decode_cursor(cursor) if cursor else None
    if key is None:
        start = after or 0
    else:
        start = next(
            (index for index, item in enumerate(items) if after is None or key(item) > after), len(items)
        )
    chunk = items[start : start + page_size]
    if start + len(chunk) >= len(items):
        return chunk, {}
    position = key(chunk[-1]) if key else start + len(chunk)
    return chunk, {"next_cursor": encode_cursor(position)}
