"""The content host's card list: filters, sort by updatedAt and the (updatedAt, nmID) cursor, as documented for
POST /content/v2/get/cards/list. Cards in the trash are never listed; `withPhoto` defaults to 0 (only cards
without photos), as the spec says, so a client that wants all must send -1."""

from __future__ import annotations

from typing import Any

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.state import WbCard, WbSeller
from marketsync.sandbox.wildberries.wire import card_to_wire, content_time, parse_content_time

CARDS_MAX = 100


def _matches(card: WbCard, found: dict[str, Any]) -> bool:
    with_photo = found.get("withPhoto", 0)
    if (with_photo == 0 and card.photos) or (with_photo == 1 and not card.photos):
        return False
    text = str(found.get("textSearch") or "")
    if text and text not in (card.vendor_code, str(card.nm_id)) and all(
            text not in size.skus for size in card.sizes):
        return False
    if found.get("imtID") and card.imt_id != found["imtID"]:
        return False
    if found.get("brands") and card.brand not in found["brands"]:
        return False
    return not (found.get("objectIDs") and card.subject_id not in found["objectIDs"])


def list_cards(seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Answer one page of the card list for `body` (its `settings`)."""
    settings = body.get("settings") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(settings or {}, dict):
        raise errors.content(400, "Invalid request format")
    settings = settings or {}
    cursor, found = settings.get("cursor") or {}, settings.get("filter") or {}
    ascending = bool((settings.get("sort") or {}).get("ascending", False))
    limit = cursor.get("limit", CARDS_MAX)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= CARDS_MAX:
        raise errors.content(400, f"Invalid limit: at most {CARDS_MAX} cards per request")
    if found.get("withPhoto", 0) not in (-1, 0, 1):
        raise errors.content(400, "Invalid withPhoto value")
    cards = sorted((c for c in seller.cards.values() if not c.trashed and _matches(c, found)),
                   key=lambda c: (c.updated_at, c.nm_id), reverse=not ascending)
    if cursor.get("updatedAt") is not None or cursor.get("nmID") is not None:
        try:
            mark = (parse_content_time(str(cursor["updatedAt"])), int(cursor["nmID"]))
        except (KeyError, TypeError, ValueError):
            raise errors.content(400, "Invalid cursor: updatedAt and nmID go together") from None
        cards = [c for c in cards if ((c.updated_at, c.nm_id) > mark if ascending else (c.updated_at, c.nm_id) < mark)]
    page = cards[:limit]
    last = page[-1] if page else None
    answer_cursor: dict[str, Any] = {"total": len(page)}
    if last is not None:
        answer_cursor = {"updatedAt": content_time(last.updated_at), "nmID": last.nm_id, "total": len(page)}
    elif cursor.get("updatedAt") is not None:
        answer_cursor = {"updatedAt": cursor["updatedAt"], "nmID": cursor.get("nmID"), "total": 0}
    return 200, {"cards": [card_to_wire(c) for c in page], "cursor": answer_cursor}
