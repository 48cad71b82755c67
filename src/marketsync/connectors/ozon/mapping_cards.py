"""Pure mapping between the catalog hub's card records and Ozon's product import and price wire.

A draft becomes one `/v3/product/import` item: offer_id = sku, the "DESCRIPTION_CATEGORY_ID:TYPE_ID" pair,
the price as a decimal string in RUB, the first barcode, at most 15 images, package dimensions in whole
millimetres and weight in whole grams (Ozon refuses 0 and missing ones, so a draft without them is refused here,
nothing invented), the attributes with their dictionary ids, the supplier's vendor as brand (85) and the
description as annotation (4191: Ozon's import item has no description field) unless the draft gives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardOutcome, PriceOutcome, PriceUpdate
from marketsync.connectors.ozon.mapping_dictionary import parse_leaf_id
from marketsync.connectors.ozon.schemas_cards import ImportItem, ImportItemError, PriceResult

BRAND_ATTRIBUTE = 85  # «Бренд», a dictionary attribute of every type
ANNOTATION_ATTRIBUTE = 4191  # «Аннотация», the product description [attribute id from Ozon's public cards]
IMAGES_MAX = 15  # "До 15 штук" (14 with primary_image, which we do not send)
CURRENCY = "RUB"  # must equal the cabinet's currency; RUB by default
VAT_DEFAULT = "0"  # "не облагается НДС"
PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
STATUSES = {"pending": PENDING, "imported": ACCEPTED, "skipped": ACCEPTED, "failed": REFUSED}
WHOLE = Decimal(1)


class DraftRefused(ValueError):
    """A draft Ozon would refuse for a reason we can see before sending (no dimensions, a bad category)."""


def money(value: Decimal) -> str:
    """Write a price as Ozon takes it: a string with a dot and at most two decimals."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def _whole(value: Decimal | None, factor: int, what: str) -> int:
    if value is None or value <= 0:
        raise DraftRefused(f"{what} is missing: Ozon creates no product without real dimensions and weight")
    return max(1, int((value * factor).quantize(WHOLE, rounding=ROUND_HALF_UP)))


def _attribute(attribute: CardAttribute) -> dict[str, Any]:
    values = []
    for value in attribute.values:
        wire: dict[str, Any] = {"value": value.text}
        if value.dictionary_id:
            wire["dictionary_value_id"] = int(value.dictionary_id)
        values.append(wire)
    return {"complex_id": 0, "id": int(attribute.attribute_id), "values": values}


def draft_to_wire(draft: CardDraft, vat: str = VAT_DEFAULT) -> dict[str, Any]:
    """Build the `/v3/product/import` item of a draft; DraftRefused when Ozon could not take it."""
    pair = parse_leaf_id(draft.category)
    if pair is None:
        raise DraftRefused(f"category «{draft.category}» is not Ozon's DESCRIPTION_CATEGORY_ID:TYPE_ID")
    for each in draft.attributes:
        if not each.attribute_id.isdigit():
            raise DraftRefused(f"attribute «{each.name}» has no Ozon id ({each.attribute_id})")
    item: dict[str, Any] = {
        "offer_id": draft.sku,
        "name": draft.name,
        "description_category_id": pair[0],
        "type_id": pair[1],
        "price": money(draft.price),
        "old_price": "0",
        "currency_code": CURRENCY,
        "vat": vat,
        "images": list(draft.pictures[:IMAGES_MAX]),
        # YML gives centimetres and kilograms; Ozon takes integers, so the finer units keep the precision.
        "depth": _whole(draft.length_cm, 10, "length"),
        "width": _whole(draft.width_cm, 10, "width"),
        "height": _whole(draft.height_cm, 10, "height"),
        "dimension_unit": "mm",
        "weight": _whole(draft.weight_kg, 1000, "weight"),
        "weight_unit": "g",
    }
    if draft.barcodes:
        item["barcode"] = draft.barcodes[0]
    attributes = [_attribute(a) for a in draft.attributes]
    given = {a["id"] for a in attributes}
    if draft.brand and BRAND_ATTRIBUTE not in given:
        attributes.append({"complex_id": 0, "id": BRAND_ATTRIBUTE, "values": [{"value": draft.brand}]})
    if draft.description and ANNOTATION_ATTRIBUTE not in given:
        attributes.append({"complex_id": 0, "id": ANNOTATION_ATTRIBUTE, "values": [{"value": draft.description}]})
    item["attributes"] = attributes
    return item


def error_text(error: ImportItemError) -> str:
    """Word one item error as Ozon gave it: its code, its message (or description) and the attribute named."""
    text = error.message or error.description or error.code
    if error.attribute_name and error.attribute_name not in text:
        text = f"{text} («{error.attribute_name}»)"
    return f"{error.code}: {text}" if error.code and error.code != text else text


def outcome_from_wire(sku: str, item: ImportItem | None) -> CardOutcome:
    """Map one task item to an outcome (an item the task does not list yet is still pending)."""
    if item is None:
        return CardOutcome(sku, PENDING)
    status = STATUSES.get(item.status, PENDING)
    remote_id = str(item.product_id) if item.product_id else None
    if status == REFUSED:
        errors = tuple(error_text(e) for e in item.errors if e.level != "warning") or \
            tuple(error_text(e) for e in item.errors) or ("Ozon refused the product and gave no reason",)
        return CardOutcome(sku, REFUSED, remote_id, errors)
    return CardOutcome(sku, status, remote_id)


def outcomes_from_wire(skus: Sequence[str], items: Sequence[ImportItem]) -> list[CardOutcome]:
    """One outcome per sku sent, in order; a task without any item means Ozon dropped the whole request
    (the spec's "Errors": a wrong category or VAT)."""
    if not items:
        reason = "Ozon's import task lists no products: check the category and the VAT rate"
        return [CardOutcome(sku, REFUSED, None, (reason,)) for sku in skus]
    by_offer = {item.offer_id: item for item in items}
    return [outcome_from_wire(sku, by_offer.get(sku)) for sku in skus]


def price_to_wire(update: PriceUpdate, vat: str = VAT_DEFAULT) -> dict[str, Any]:
    """Build one `/v1/product/import/prices` item, addressed by offer_id; old_price "0" drops a crossed-out one."""
    return {"offer_id": update.sku, "price": money(update.price), "old_price": "0", "currency_code": CURRENCY,
            "vat": vat}


def price_outcomes_from_wire(updates: Sequence[PriceUpdate], results: Sequence[PriceResult]) -> list[PriceOutcome]:
    """One outcome per price in order; per-item errors become refusals with Ozon's code and message."""
    by_offer: dict[str, list[PriceResult]] = {}
    for each in results:
        by_offer.setdefault(each.offer_id, []).append(each)
    outcomes = []
    for update in updates:
        queue = by_offer.get(update.sku) or []
        result = queue.pop(0) if queue else None
        if result is None:
            outcomes.append(PriceOutcome(update.sku, REFUSED, f"Ozon's answer says nothing of offer {update.sku}"))
        elif result.errors:
            text = "; ".join(f"{e.code}: {e.message}" if e.message else e.code for e in result.errors)
            outcomes.append(PriceOutcome(update.sku, REFUSED, text))
        elif not result.updated:
            outcomes.append(PriceOutcome(update.sku, REFUSED, f"Ozon did not update the price of {update.sku}"))
        else:
            outcomes.append(PriceOutcome(update.sku, ACCEPTED))
    return outcomes
