"""VK 5.199 JSON shapes of items, prices, albums, photos and communities (market/objects.json)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marketsync.sandbox.vk.state import VkAlbum, VkGroup, VkItem, VkPhoto, VkState

RUB = {"id": 643, "name": "RUB", "title": "Российский рубль"}
# A few market categories as VK names them; any other non-negative id is accepted (VK's tree is huge).
CATEGORIES: dict[int, tuple[str, int, str]] = {
    1: ("Женская одежда", 0, "Гардероб"),
    400: ("Продукты питания", 4, "Продукты"),
    40932: ("Продукты питания", 4, "Продукты"),
}
AVAILABLE, REMOVED, UNAVAILABLE = 0, 1, 2
# VK photo size letters by longest side; an image gets every size smaller than itself plus its original.
SIZES = (("s", 75), ("m", 130), ("x", 604), ("y", 807), ("z", 1080), ("w", 2560))
MARKET_PHOTO_ALBUM = -53


def kopecks(rubles: Decimal) -> int:
    """Return an amount in kopecks, rounded half-up."""
    return int((rubles * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def price_text(amount: int) -> str:
    """Return VK's display text for an amount in kopecks, e.g. `123.45 ₽` or `100 ₽`."""
    rubles, rest = divmod(amount, 100)
    return f"{rubles}.{rest:02d} ₽" if rest else f"{rubles} ₽"


def price_to_wire(price: Decimal, old_price: Decimal | None = None) -> dict[str, Any]:
    """Render market_price: amounts are strings in kopecks."""
    amount = kopecks(price)
    wire: dict[str, Any] = {"amount": str(amount), "currency": dict(RUB), "text": price_text(amount)}
    if old_price is not None and kopecks(old_price) > amount:
        old = kopecks(old_price)
        wire["old_amount"] = str(old)
        wire["old_amount_text"] = price_text(old)
        wire["discount_rate"] = round(100 * (old - amount) / old)
    return wire


def category_to_wire(category_id: int) -> dict[str, Any]:
    """Render market_market_category (with the legacy `section` clients still read)."""
    name, section_id, section_name = CATEGORIES.get(category_id, ("Другое", 10, "Разное"))
    return {"id": category_id, "name": name, "section": {"id": section_id, "name": section_name}}


def photo_url(photo: VkPhoto, base_url: str, size: str | None = None) -> str:
    """Return where the sandbox serves a photo (optionally one of its sizes)."""
    url = f"{base_url}/vk/photo/{photo.owner_id}_{photo.id}.{photo.extension}"
    return f"{url}?size={size}" if size else url


def photo_sizes(photo: VkPhoto) -> list[tuple[str, int, int]]:
    """Return (type, width, height) of every size VK would offer for this photo, smallest first."""
    longest = max(photo.width, photo.height)
    sizes = []
    for letter, side in SIZES:
        if side >= longest:
            sizes.append((letter, photo.width, photo.height))
            break
        scale = side / longest
        sizes.append((letter, max(1, round(photo.width * scale)), max(1, round(photo.height * scale))))
    return sizes


def photo_to_wire(photo: VkPhoto, base_url: str) -> dict[str, Any]:
    """Render photos_photo."""
    return {
        "id": photo.id,
        "album_id": MARKET_PHOTO_ALBUM,
        "owner_id": photo.owner_id,
        "user_id": photo.user_id or 100,
        "date": photo.date,
        "has_tags": False,
        "text": "",
        "width": photo.width,
        "height": photo.height,
        "sizes": [
            {"type": letter, "url": photo_url(photo, base_url, letter), "width": width, "height": height}
            for letter, width, height in photo_sizes(photo)
        ],
    }


def availability(item: VkItem) -> int:
    """Return 1 for an item hidden with deleted=1, 2 for one out of stock, else 0."""
    if item.deleted:
        return REMOVED
    return UNAVAILABLE if item.stock_amount == 0 else AVAILABLE


def item_to_wire(item: VkItem, state: VkState, base_url: str, *, extended: bool) -> dict[str, Any]:
    """Render market_market_item, or market_market_item_full when `extended`."""
    wire: dict[str, Any] = {
        "id": item.id,
        "owner_id": item.owner_id,
        "title": item.title,
        "description": item.description,
        "price": price_to_wire(item.price, item.old_price),
        "category": category_to_wire(item.category_id),
        "availability": availability(item),
        "date": item.date,
    }
    if item.sku is not None:
        wire["sku"] = item.sku
    if item.stock_amount is not None:
        wire["stock_amount"] = item.stock_amount
    if item.url:
        wire["url"] = item.url
    main = state.photo(item.main_photo_id) if item.main_photo_id else None
    if main is not None:
        wire["thumb_photo"] = photo_url(main, base_url, "x")
    if extended:
        photo_ids = [pid for pid in [item.main_photo_id, *item.photo_ids] if pid]
        photos = [state.photo(pid) for pid in dict.fromkeys(photo_ids)]
        wire["albums_ids"] = list(item.album_ids)
        wire["photos"] = [photo_to_wire(photo, base_url) for photo in photos if photo is not None]
        wire["can_comment"] = 1
        wire["can_repost"] = 1
        wire["views_count"] = 0
    return wire


def album_to_wire(album: VkAlbum, count: int, state: VkState, base_url: str) -> dict[str, Any]:
    """Render market_market_album."""
    wire: dict[str, Any] = {
        "id": album.id,
        "owner_id": album.owner_id,
        "title": album.title,
        "count": count,
        "updated_time": album.updated_time,
        "is_main": album.is_main,
        "is_hidden": album.is_hidden,
    }
    photo = state.photo(album.photo_id) if album.photo_id else None
    if photo is not None:
        wire["photo"] = photo_to_wire(photo, base_url)
    return wire


def group_to_wire(group: VkGroup, *, is_admin: bool, fields: list[str]) -> dict[str, Any]:
    """Render groups_group_full; `market` only when asked for in `fields`, as VK does."""
    wire: dict[str, Any] = {
        "id": group.id,
        "name": group.name,
        "screen_name": group.screen_name,
        "is_closed": 0,
        "type": "page",
        "is_admin": int(is_admin),
        "is_member": int(is_admin),
        "is_advertiser": 0,
    }
    if is_admin:
        wire["admin_level"] = 3
    if "market" in fields:
        wire["market"] = {"enabled": int(group.market_enabled)}
        if group.market_enabled:
            wire["market"].update({"type": "basic", "currency": dict(RUB), "currency_text": RUB["title"]})
    if "description" in fields:
        wire["description"] = ""
    return wire
