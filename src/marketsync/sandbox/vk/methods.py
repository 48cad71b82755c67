"""What each emulated VK method does: access checks, limits and effects on VkState (no HTTP here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marketsync.sandbox.vk import errors as e
from marketsync.sandbox.vk.errors import VkApiError, param_error
from marketsync.sandbox.vk.params import coerce_params
from marketsync.sandbox.vk.render import album_to_wire, group_to_wire, item_to_wire, photo_to_wire
from marketsync.sandbox.vk.state import VkAlbum, VkGroup, VkItem, VkState, VkUser

KOPECK = Decimal("0.01")
WRITE_METHODS = frozenset(
    {
        "market.add",
        "market.edit",
        "market.delete",
        "market.addAlbum",
        "market.deleteAlbum",
        "market.addToAlbum",
        "market.saveProductPhoto",
    }
)
DIMENSIONS = ("dimension_width", "dimension_height", "dimension_length", "weight")


@dataclass(frozen=True)
class CallContext:
    """Who is calling and where the sandbox is reachable (for photo and upload URLs)."""

    state: VkState
    user: VkUser
    base_url: str


def call_method(ctx: CallContext, method: str, raw: dict[str, Any]) -> Any:
    """Validate the parameters of one API call and run it; raise VkApiError on refusal."""
    handler = HANDLERS.get(method)
    if handler is None:
        raise VkApiError(e.UNKNOWN_METHOD)
    params = coerce_params(method, raw)
    with ctx.state.lock:
        return handler(ctx, params)


def _admin_group(ctx: CallContext, group_id: int) -> VkGroup:
    group = ctx.state.group(group_id)
    if group is None or group_id not in ctx.user.admin_of:
        raise VkApiError(e.ACCESS_DENIED, "you are not an administrator of this community")
    if not group.market_enabled:
        raise VkApiError(e.MARKET_NOT_ENABLED)
    return group


def _market_group(ctx: CallContext, owner_id: int) -> VkGroup:
    if owner_id >= 0:
        raise param_error("owner_id should be negative: a community id with a minus sign")
    return _admin_group(ctx, -owner_id)


def _check_photo(ctx: CallContext, group: VkGroup, photo_id: int, name: str) -> int:
    photo = ctx.state.photo(photo_id)
    if photo is None or photo.owner_id != -group.id:
        raise param_error(f"{name} {photo_id} is not a market photo of this community")
    return photo_id


def _item(group: VkGroup, item_id: int) -> VkItem:
    item = group.items.get(item_id)
    if item is None:
        raise VkApiError(e.ITEM_NOT_FOUND)
    return item


def _apply_item_fields(ctx: CallContext, group: VkGroup, item: VkItem, p: dict[str, Any]) -> None:
    if "name" in p:
        item.title = p["name"]
    for key in ("description", "category_id", "sku", "stock_amount", "url", "deleted"):
        if key in p:
            setattr(item, key, p[key])
    if "price" in p:
        item.price = p["price"].quantize(KOPECK)
    if "old_price" in p:
        item.old_price = p["old_price"].quantize(KOPECK)
    if "main_photo_id" in p:
        item.main_photo_id = _check_photo(ctx, group, p["main_photo_id"], "main_photo_id")
    if "photo_ids" in p:
        item.photo_ids = [_check_photo(ctx, group, pid, "photo_ids") for pid in p["photo_ids"]]
    item.dimensions.update({key: p[key] for key in DIMENSIONS if key in p})


def market_get(ctx: CallContext, p: dict[str, Any]) -> dict[str, Any]:
    """market.get: a page of items, newest first; hidden ones only with with_disabled=1."""
    group = _market_group(ctx, p["owner_id"])
    items = ctx.state.items(group.id, with_disabled=p.get("with_disabled", False))
    if p["album_id"]:
        items = [item for item in items if p["album_id"] in item.album_ids]
    offset = p.get("offset", 0)
    chunk = items[offset : offset + p["count"]]
    extended = p.get("extended", False)
    return {
        "count": len(items),
        "items": [item_to_wire(item, ctx.state, ctx.base_url, extended=extended) for item in chunk],
    }


def market_get_albums(ctx: CallContext, p: dict[str, Any]) -> dict[str, Any]:
    """market.getAlbums: a page of collections with their item counts."""
    group = _market_group(ctx, p["owner_id"])
    albums = ctx.state.albums(group.id)
    offset = p.get("offset", 0)
    visible = [item for item in group.items.values() if not item.deleted]
    return {
        "count": len(albums),
        "items": [
            album_to_wire(album, sum(album.id in item.album_ids for item in visible), ctx.state, ctx.base_url)
            for album in albums[offset : offset + p["count"]]
        ],
    }


def market_add(ctx: CallContext, p: dict[str, Any]) -> dict[str, int]:
    """market.add: create an item; 1405 once the community holds `item_limit` items."""
    group = _market_group(ctx, p["owner_id"])
    if len(group.items) >= ctx.state.item_limit:
        raise VkApiError(e.TOO_MANY_ITEMS)
    item = VkItem(
        id=0,
        owner_id=-group.id,
        title=p["name"],
        description=p["description"],
        category_id=p["category_id"],
        price=Decimal("0.00"),
        date=ctx.state.now(),
    )
    _apply_item_fields(ctx, group, item, p)
    item.id = ctx.state.new_item_id()
    group.items[item.id] = item
    return {"market_item_id": item.id}


def market_edit(ctx: CallContext, p: dict[str, Any]) -> int:
    """market.edit: change the given fields; deleted=1 hides the item, deleted=0 shows it again."""
    group = _market_group(ctx, p["owner_id"])
    _apply_item_fields(ctx, group, _item(group, p["item_id"]), p)
    return 1


def market_delete(ctx: CallContext, p: dict[str, Any]) -> int:
    """market.delete: remove an item for good."""
    group = _market_group(ctx, p["owner_id"])
    del group.items[_item(group, p["item_id"]).id]
    return 1


def market_add_album(ctx: CallContext, p: dict[str, Any]) -> dict[str, int]:
    """market.addAlbum: create a collection; 1407 beyond `album_limit`."""
    group = _market_group(ctx, p["owner_id"])
    if len(group.albums) >= ctx.state.album_limit:
        raise VkApiError(e.TOO_MANY_ALBUMS)
    if p.get("main_album") and p.get("is_hidden"):
        raise VkApiError(e.MAIN_ALBUM_HIDDEN)
    photo_id = _check_photo(ctx, group, p["photo_id"], "photo_id") if "photo_id" in p else None
    if p.get("main_album"):
        for album in group.albums.values():
            album.is_main = False
    album = VkAlbum(
        id=group.next_album_id,
        owner_id=-group.id,
        title=p["title"],
        updated_time=ctx.state.now(),
        is_main=p.get("main_album", False),
        is_hidden=p.get("is_hidden", False),
        photo_id=photo_id,
    )
    group.next_album_id += 1
    group.albums[album.id] = album
    return {"market_album_id": album.id, "albums_count": len(group.albums)}


def market_delete_album(ctx: CallContext, p: dict[str, Any]) -> int:
    """market.deleteAlbum: remove a collection; its items stay in the market, out of that collection."""
    group = _market_group(ctx, p["owner_id"])
    album = group.albums.pop(p["album_id"], None)
    if album is None:
        raise VkApiError(e.ALBUM_NOT_FOUND)
    for item in group.items.values():
        if album.id in item.album_ids:
            item.album_ids.remove(album.id)
    return 1


def market_add_to_album(ctx: CallContext, p: dict[str, Any]) -> int:
    """market.addToAlbum: put items into collections; an item already there is left as is."""
    group = _market_group(ctx, p["owner_id"])
    albums = []
    for album_id in p["album_ids"]:
        if album_id not in group.albums:
            raise VkApiError(e.ALBUM_NOT_FOUND)
        albums.append(group.albums[album_id])
    items = [_item(group, item_id) for item_id in p["item_ids"]]
    for album in albums:
        members = sum(album.id in item.album_ids for item in group.items.values())
        new = [item for item in items if album.id not in item.album_ids]
        if members + len(new) > ctx.state.album_item_limit:
            raise VkApiError(e.TOO_MANY_ITEMS_IN_ALBUM)
        for item in new:
            item.album_ids.append(album.id)
        album.updated_time = ctx.state.now()
    return 1


def get_upload_server(ctx: CallContext, p: dict[str, Any]) -> dict[str, str]:
    """market.getProductPhotoUploadServer: a URL on the sandbox's upload server for this community."""
    group = _admin_group(ctx, p["group_id"])
    key = ctx.state.open_upload_slot(ctx.user.id, group.id)
    return {"upload_url": f"{ctx.base_url}/vk/upload/{key}"}


def save_product_photo(ctx: CallContext, p: dict[str, Any]) -> dict[str, Any]:
    """market.saveProductPhoto: turn an upload server answer into a photo; saving twice returns the same."""
    try:
        answer = json.loads(p["upload_response"])
        upload = ctx.state.pending_upload(str(answer["photo"]), str(answer["hash"]))
    except (ValueError, TypeError, KeyError):
        upload = None
    if upload is None:
        raise param_error("upload_response is invalid")
    group = _admin_group(ctx, upload.group_id)
    photo = ctx.state.photo(upload.photo_id) if upload.photo_id else None
    if photo is None:
        photo = ctx.state.add_photo(
            group.id, upload.data, upload.content_type, upload.width, upload.height, ctx.user.id
        )
        upload.photo_id = photo.id
    return {"photo_id": photo.id, "photo": photo_to_wire(photo, ctx.base_url)}


def groups_get_by_id(ctx: CallContext, p: dict[str, Any]) -> dict[str, Any]:
    """groups.getById: communities by id or screen name (5.199 shape: groups + profiles)."""
    ids = p.get("group_ids") or ([p["group_id"]] if "group_id" in p else [])
    if not ids:
        raise param_error("group_ids is undefined")
    groups = []
    for id_or_name in ids:
        group = ctx.state.find_group(id_or_name)
        if group is None:
            raise param_error("group_ids is invalid")
        groups.append(group)
    fields = p.get("fields", [])
    return {
        "groups": [group_to_wire(g, is_admin=g.id in ctx.user.admin_of, fields=fields) for g in groups],
        "profiles": [],
    }


HANDLERS: dict[str, Callable[[CallContext, dict[str, Any]], Any]] = {
    "groups.getById": groups_get_by_id,
    "market.get": market_get,
    "market.getAlbums": market_get_albums,
    "market.add": market_add,
    "market.edit": market_edit,
    "market.delete": market_delete,
    "market.addAlbum": market_add_album,
    "market.deleteAlbum": market_delete_album,
    "market.addToAlbum": market_add_to_album,
    "market.getProductPhotoUploadServer": get_upload_server,
    "market.saveProductPhoto": save_product_photo,
}
