"""A hub product as the card one marketplace receives (pure): its mapped category, resolved attributes, the
channel's price, brand, pictures and dimensions; and the hash that says whether the card changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue
from marketsync.dictionaries.matching import Matched
from marketsync.hub.models import HubProduct

# What each marketplace cannot take without: checked before anything is sent, named to the seller.
NEEDS_DIMENSIONS = {"ozon": True, "wb": True, "ym": True}
DIMENSION_NAMES = (("weight_kg", "вес"), ("length_cm", "длина"), ("width_cm", "ширина"), ("height_cm", "высота"))


def build_draft(product: HubProduct, *, category: str, matched: Iterable[Matched], price: Decimal,
                remote_id: str | None = None, pictures_accepted: str | None = None) -> CardDraft:
    """Return the whole card of a product for a channel whose category `category` it is mapped to;
    `pictures_accepted` is the hash of the pictures the channel last accepted with it (None: none known)."""
    attributes = tuple(CardAttribute(item.attribute_id, item.attribute_name,
                                     tuple(CardValue(choice.value, choice.value_id) for choice in item.values))
                       for item in matched)
    return CardDraft(
        sku=product.sku, name=product.name, category=category, price=price,
        description=product.description or None, brand=product.vendor or None, vendor_code=product.vendor_code,
        barcodes=tuple(product.barcodes or ()), pictures=tuple(product.pictures or ()), attributes=attributes,
        weight_kg=product.weight_kg, length_cm=product.length_cm, width_cm=product.width_cm,
        height_cm=product.height_cm, remote_id=remote_id,
        pictures_held=pictures_accepted is not None and pictures_accepted == pictures_hash(product.pictures or ()))


def missing_fields(product: HubProduct, channel: str) -> list[str]:
    """Name what the channel requires beyond its category's attributes: real dimensions and weight, a picture."""
    missing = []
    if NEEDS_DIMENSIONS.get(channel):
        missing += [name for field, name in DIMENSION_NAMES if not getattr(product, field)]
    if not product.pictures:
        missing.append("фото")
    return missing


def pictures_hash(pictures: Iterable[str]) -> str:
    """Hash a card's picture links, in order."""
    return hashlib.sha256(json.dumps(list(pictures)).encode()).hexdigest()


def draft_hash(draft: CardDraft) -> str:
    """Hash the card as sent, its price and remote id aside: equal hashes, nothing for the marketplace to change.
    A new price alone goes by the price update (a thousand a request, and Ozon's ten changes an hour)."""
    body = {
        "sku": draft.sku, "name": draft.name, "category": draft.category,
        "description": draft.description, "brand": draft.brand, "vendor_code": draft.vendor_code,
        "barcodes": list(draft.barcodes), "pictures": list(draft.pictures),
        "attributes": [[a.attribute_id, [[v.text, v.dictionary_id] for v in a.values]] for a in draft.attributes],
        "dimensions": [str(v) if v is not None else None
                       for v in (draft.weight_kg, draft.length_cm, draft.width_cm, draft.height_cm)],
    }
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
