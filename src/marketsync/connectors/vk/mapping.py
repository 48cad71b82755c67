"""Catalog records ↔ VK market payloads: EvoSync's text, price and stock rules (pure)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from marketsync.connectors.records import ItemPayload, RemoteAlbum, RemoteItem, SourceProduct
from marketsync.connectors.vk.schemas import MarketAlbum, MarketItem

NAME_MIN, NAME_MAX = 4, 100
DESCRIPTION_MIN = 10
SKU_MAX = 50
STOCK_MIN, STOCK_MAX = -1, 999_999  # market.add/edit `stock_amount`: -1..999999 (methods.json)
# market_market_item_availability (objects.json) names 0 available, 1 removed, 2 unavailable, not what sets
# them. We read them as deleted=1 → removed (hidden from buyers) and stock_amount 0 → unavailable (shown, out of
# stock), as the sandbox renders them; the live mapping is [UNCONFIRMED] (dev.vk.com's market.add page only
# types stock_amount as an integer). Only "removed" counts as hidden, or every sold-out item would look hidden.
REMOVED = 1
KOPECK = Decimal("0.01")


def vk_name(name: str, group_name: str | None) -> str:
    """Cut to VK's 100 characters; a name under 4 characters gets the group name after a dash."""
    name = " ".join(name.split())
    if len(name) < NAME_MIN and group_name:
        name = f"{name} - {group_name}" if name else group_name
    if len(name) < NAME_MIN:
        name = name.ljust(NAME_MIN, ".")
    return name[:NAME_MAX].rstrip() if len(name) > NAME_MAX else name


def vk_description(product: SourceProduct, group_name: str | None) -> str:
    """Description, else the name; " (цена за 1 <measure>)" when measured; the group name if still short."""
    text = (product.description or product.name).strip()
    if product.measure:
        text = f"{text} (цена за 1 {product.measure})"
    if len(text) < DESCRIPTION_MIN and group_name:
        text = f"{text} {group_name}".strip()
    if len(text) < DESCRIPTION_MIN:
        text = text.ljust(DESCRIPTION_MIN, ".")
    return text


def vk_sku(product: SourceProduct) -> str:
    """The source's code, else its id, within VK's 50 characters."""
    return (product.code or product.external_id)[:SKU_MAX]


def item_payload(product: SourceProduct, *, group_name: str | None, price: Decimal, category_id: int,
                 stock_amount: int) -> ItemPayload:
    """Build the VK item we want for a product sold at `price` (already multiplied and rounded); stock within
    0..999999 (0 shows the item out of stock, it does not hide it)."""
    return ItemPayload(
        name=vk_name(product.name, group_name),
        description=vk_description(product, group_name),
        price=price.quantize(KOPECK),
        sku=vk_sku(product),
        stock_amount=max(min(stock_amount, STOCK_MAX), STOCK_MIN),
        category_id=category_id,
        hidden=not product.allow_to_sell,
    )


def item_to_wire(payload: ItemPayload, owner_id: int, *, photo_id: str | None = None,
                 item_id: str | None = None) -> dict[str, Any]:
    """Return market.add (or market.edit with item_id) parameters for a payload."""
    params: dict[str, Any] = {"owner_id": owner_id}
    if item_id is not None:
        params["item_id"] = int(item_id)
    params.update(
        name=payload.name, description=payload.description, category_id=payload.category_id,
        price=float(payload.price), sku=payload.sku, stock_amount=payload.stock_amount,
    )
    if item_id is not None:
        params["deleted"] = payload.hidden  # boolean in the schema; VKScript literal true/false
    if photo_id:
        params["main_photo_id"] = int(photo_id)
    return params


def item_from_wire(wire: MarketItem) -> RemoteItem:
    """Map a market item; VK's price amount is in kopecks."""
    return RemoteItem(
        external_id=str(wire.id),
        name=wire.title,
        description=wire.description,
        price=(Decimal(wire.price.amount) / 100).quantize(KOPECK),
        sku=wire.sku or None,
        stock_amount=wire.stock_amount,
        hidden=wire.availability == REMOVED,  # out of stock (2) is still shown to buyers
        album_ids=tuple(str(a) for a in wire.albums_ids),
        photo_url=wire.thumb_photo,
    )


def photo_url_from_wire(sizes: list[dict[str, Any]]) -> str | None:
    """Pick the URL market.get shows as thumb_photo (size "x", else the largest offered)."""
    by_type = {str(s.get("type")): s.get("url") for s in sizes if isinstance(s, dict) and s.get("url")}
    url = by_type.get("x") or (next(reversed(by_type.values())) if by_type else None)
    return str(url) if url else None


def album_from_wire(wire: MarketAlbum) -> RemoteAlbum:
    """Map a market album."""
    return RemoteAlbum(external_id=str(wire.id), title=wire.title, item_count=wire.count)


def execute_code(calls: list[tuple[str, dict[str, Any]]]) -> str:
    """Render VKScript `return [API.m({...}), …];` with literal arguments (JSON is valid VKScript)."""
    parts = [f"API.{method}({json.dumps(params, ensure_ascii=False)})" for method, params in calls]
    return "return [" + ", ".join(parts) + "];"


def item_url(group_id: int | str, item_id: str) -> str:
    """Return the address of a community's market item as buyers open it in VK."""
    return f"https://vk.com/market-{group_id}?w=product-{group_id}_{item_id}"
