"""The emulated WB's media save: POST /content/v3/media/save {nmId, data:[urls]} (02-products.yaml, CONTRACTS.md
§9.2) replaces all media of one of the seller's cards with the files behind the links, in their order.

The emulator fetches nothing from the network: it records the links themselves as the card's photos (the cards
list shows each link as every size of its photo, since no resized copies are made). WB's "if one file does not
meet the requirements, nothing loads even though the answer is 200" is mimicked by the link's path: one whose path
does not end in an image extension (.jpg, .jpeg, .png, .bmp, .gif, .webp) makes the whole save load nothing,
still answering 200, and the card keeps the photos it had. Videos are not emulated (a .mp4 link is such a file).
A link that is no absolute http(s) URL is refused whole with a 400 [text UNCONFIRMED].
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.publishing import process_due
from marketsync.sandbox.wildberries.state import WbSeller, WbState

IMAGES_MAX = 30  # "максимум изображений для одной карточки товара — 30"
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")
SAVED: dict[str, Any] = {"data": {}, "error": False, "errorText": "", "additionalErrors": None}


def is_link(url: str) -> bool:
    """Say whether `url` is an absolute http(s) URL."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def loadable(url: str) -> bool:
    """Say whether the emulated WB would load the file behind the link: its path names an image file."""
    return urlsplit(url).path.lower().endswith(IMAGE_EXTENSIONS)


def save_media(wb: WbState, seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Check a media save and apply it: the card's photos become the links, or stay as they were when one of
    the links is no loadable image (answered 200 all the same, as WB does)."""
    if not isinstance(body, dict):
        raise errors.content(400, "Invalid request format")
    nm_id, links = body.get("nmId"), body.get("data")
    if nm_id is None:
        raise errors.content(422, "Отсутствует параметр nmId")
    if not isinstance(nm_id, int) or isinstance(nm_id, bool) or not isinstance(links, list) \
            or not all(isinstance(link, str) for link in links):
        raise errors.content(400, "Invalid request format")
    process_due(wb, seller)  # a card whose upload has just been processed takes media at once
    card = seller.cards.get(nm_id)
    if card is None or card.trashed:
        raise errors.content(400, f"Карточка товара с артикулом WB {nm_id} не найдена")
    if len(links) > IMAGES_MAX:
        raise errors.content(400, f"Максимум {IMAGES_MAX} изображений для одной карточки товара")
    wrong = [link for link in links if not is_link(link)]
    if wrong:
        raise errors.content(400, f"Некорректная ссылка на медиафайл: {wrong[0][:200]}")
    if all(loadable(link) for link in links):
        card.photo_urls = list(links)
        card.photos = len(links)
        card.updated_at = wb.now()
    return 200, SAVED
