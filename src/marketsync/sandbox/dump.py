"""Readable dumps of the emulators' state for /_control/state and for tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketsync.sandbox.evotor.wire import group_to_wire, product_to_wire, store_to_wire
from marketsync.sandbox.ozon.seed import dump_ozon
from marketsync.sandbox.vk.render import availability, kopecks
from marketsync.sandbox.wildberries.dump import dump_wildberries
from marketsync.sandbox.yandex_market.state import dump_yandex_market

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState


def dump_state(sandbox: SandboxState, service: str, token: str | None = None) -> dict[str, Any]:
    """Return one emulator's objects for `token`, or a per-token summary when no token is given."""
    if service == "evotor":
        return _dump_evotor(sandbox, token)
    if service == "vk":
        return _dump_vk(sandbox, token)
    if service == "yandex_market":
        return dump_yandex_market(sandbox.yandex_market, token)
    if service == "wildberries":
        return dump_wildberries(sandbox.wildberries, token)
    if service == "ozon":
        return dump_ozon(sandbox.ozon, token)
    if service == "telegram":
        return _dump_telegram(sandbox, token)
    if service == "casdoor":  # every organization's users (the token is not used: Casdoor's are applications)
        with sandbox.lock:
            users = list(sandbox.casdoor.users.values())
            return {"users": users, "count": len(users), "refuse_balance": sandbox.casdoor.refuse_balance}
    raise ValueError(f"unknown service {service!r}; expected evotor, vk, ozon, wildberries, yandex_market, "
                     "telegram or casdoor")


def _dump_evotor(sandbox: SandboxState, token: str | None) -> dict[str, Any]:
    evotor = sandbox.evotor
    with sandbox.lock:
        if token is None:
            tokens = [t for t, _ in evotor.tokens().items() if evotor.user_id_for(t)]
            return {"tokens": {t: _evotor_counts(sandbox, t) for t in tokens}}
        user_id = evotor.user_id_for(token)
        if user_id is None:
            raise KeyError("unknown or revoked Evotor token")
        stores = []
        for store in evotor.stores(token):
            entry: dict[str, Any] = {**store_to_wire(store), "unpaid": store.unpaid}
            groups = evotor.groups(token, store.id, require_paid=False)
            products = evotor.products(token, store.id, require_paid=False)
            entry["groups_count"] = len(groups)
            entry["products_count"] = len(products)
            entry["groups"] = [group_to_wire(group) for group in groups]
            entry["products"] = [product_to_wire(product) for product in products]
            stores.append(entry)
        return {"user_id": user_id, "stores": stores}


def _evotor_counts(sandbox: SandboxState, token: str) -> dict[str, Any]:
    dump = _dump_evotor(sandbox, token)
    return {
        "user_id": dump["user_id"],
        "stores": len(dump["stores"]),
        "products": sum(store["products_count"] for store in dump["stores"]),
    }


def _dump_vk(sandbox: SandboxState, token: str | None) -> dict[str, Any]:
    vk = sandbox.vk
    with sandbox.lock:
        if token is None:
            summary = {}
            for known in vk.tokens():
                user = vk.user_for(known)
                if user is not None:
                    summary[known] = {
                        "user_id": user.id,
                        "groups": {str(gid): len(vk.items(gid)) for gid in sorted(user.admin_of)},
                    }
            return {"tokens": summary}
        user = vk.user_for(token)
        if user is None:
            raise KeyError("unknown or revoked VK token")
        groups = []
        for group_id in sorted(user.admin_of):
            group = vk.group(group_id)
            if group is None:
                continue
            items = vk.items(group_id)
            groups.append(
                {
                    "id": group.id,
                    "name": group.name,
                    "market_enabled": group.market_enabled,
                    "items_count": len(items),
                    "visible_items_count": sum(not item.deleted for item in items),
                    "albums_count": len(group.albums),
                    "photos_count": len(vk.photos(group_id)),
                    "items": [
                        {
                            "id": item.id,
                            "title": item.title,
                            "price": str(kopecks(item.price)),
                            "sku": item.sku,
                            "stock_amount": item.stock_amount,
                            "deleted": item.deleted,
                            "availability": availability(item),
                            "category_id": item.category_id,
                            "main_photo_id": item.main_photo_id,
                            "album_ids": list(item.album_ids),
                        }
                        for item in items
                    ],
                    "albums": [
                        {"id": album.id, "title": album.title, "is_main": album.is_main}
                        for album in group.albums.values()
                    ],
                }
            )
        return {"user_id": user.id, "groups": groups}


def _dump_telegram(sandbox: SandboxState, token: str | None) -> dict[str, Any]:
    telegram = sandbox.telegram
    with sandbox.lock:
        if token is None:
            return {"tokens": {known: {"chats": len(bot.chats), "messages": len(bot.messages)}
                               for known in telegram.tokens() if (bot := telegram.bot(known)) is not None}}
        bot = telegram.bot(token)
        if bot is None:
            raise KeyError("unknown or revoked Telegram bot token")
        return {"bot": bot.user(), "chats": [chat.wire() for chat in bot.chats.values()],
                "messages": [{"message_id": m.message_id, "chat_id": m.chat_id, "date": m.date, "text": m.text}
                             for m in bot.messages]}
