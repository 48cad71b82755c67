"""Pure mapping of card drafts and prices to Wildberries' wire and back.

A draft becomes one element of the upload array (its own merged card) or one card of an update; dimensions go
in whole centimetres (rounded up, so a box never reads smaller than it is) and weightBrutto in kilograms with at
most three decimals; the price in whole roubles. A characteristic's value is a number where the subject's charcType
says 4 and an array of strings otherwise (charcType 0, not used, is left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from marketsync.connectors.card_records import CardAttribute, CardDraft, PriceOutcome
from marketsync.connectors.wildberries.schemas import Card
from marketsync.connectors.wildberries.schemas_cards import GoodOutcome

TITLE_MAX = 60  # title: maxLength 60 in both the upload and the update schema
NOT_USED, NUMBER = 0, 4  # charcType
QUARANTINE_MARK = "Price Quarantine"  # GoodHistory.errorText of a price held back


def whole_roubles(price: Decimal) -> int:
    """Return a price as WB takes it: whole roubles, rounded half up."""
    return int(price.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _value(attribute: CardAttribute, kind: int) -> Any:
    texts = [value.text for value in attribute.values]
    if kind == NUMBER:
        try:
            number = Decimal(texts[0].replace(",", ".").strip()) if texts else None
        except InvalidOperation:
            number = None
        if number is not None:
            return int(number) if number == number.to_integral_value() else float(number)
    return texts


def characteristics(draft: CardDraft, kinds: Mapping[int, int]) -> list[dict[str, Any]]:
    """Return the draft's attributes as [{id, value}], typed by the subject's charcType (`kinds`: id → type)."""
    out = []
    for attribute in draft.attributes:
        if not attribute.attribute_id.isdigit() or not attribute.values:
            continue
        charc = int(attribute.attribute_id)
        kind = kinds.get(charc, 1)
        if kind != NOT_USED:
            out.append({"id": charc, "value": _value(attribute, kind)})
    return out


def _dimensions(draft: CardDraft) -> dict[str, Any] | None:
    sides = (draft.length_cm, draft.width_cm, draft.height_cm)
    if all(side is None for side in sides) and draft.weight_kg is None:
        return None
    out: dict[str, Any] = {name: int(side.to_integral_value(rounding=ROUND_CEILING)) if side is not None else 0
                           for name, side in zip(("length", "width", "height"), sides, strict=True)}
    weight = draft.weight_kg.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) if draft.weight_kg else Decimal(0)
    out["weightBrutto"] = float(weight)
    return out


def _fields(draft: CardDraft, kinds: Mapping[int, int]) -> dict[str, Any]:
    fields: dict[str, Any] = {"vendorCode": draft.sku, "title": draft.name, "brand": draft.brand or "",
                              "description": draft.description or ""}
    dimensions = _dimensions(draft)
    if dimensions is not None:
        fields["dimensions"] = dimensions
    fields["characteristics"] = characteristics(draft, kinds)
    return fields


def upload_element(draft: CardDraft, kinds: Mapping[int, int]) -> dict[str, Any]:
    """Return the upload array element of a new card: its subject and one variant with one size."""
    size: dict[str, Any] = {"price": whole_roubles(draft.price)}
    if draft.barcodes:
        size["skus"] = list(draft.barcodes)
    return {"subjectID": int(draft.category), "variants": [{**_fields(draft, kinds), "sizes": [size]}]}


def update_item(draft: CardDraft, card: Card, kinds: Mapping[int, int]) -> dict[str, Any]:
    """Return the whole card of an update: the draft's fields over WB's sizes (chrtID kept; WB's barcodes kept,
    ours added to the first size where WB does not hold them yet, since barcodes can only be added)."""
    held = {sku for size in card.sizes for sku in size.skus}
    fresh = [barcode for barcode in draft.barcodes if barcode not in held]
    sizes = [{"chrtID": size.chrtID, "techSize": size.techSize, "wbSize": size.wbSize,
              "skus": list(size.skus) + (fresh if index == 0 else [])} for index, size in enumerate(card.sizes)]
    return {"nmID": card.nmID, **_fields(draft, kinds), "sizes": sizes}


def local_problems(draft: CardDraft) -> list[str]:
    """Return why WB would refuse a draft whole before it is sent (nothing is sent for it then)."""
    problems = []
    if len(draft.name) > TITLE_MAX:
        problems.append(f"Наименование длиннее {TITLE_MAX} символов ({len(draft.name)}): Wildberries его не примет")
    if not draft.category.isdigit():
        problems.append(f"«{draft.category}» не является предметом Wildberries")
    if draft.remote_id is not None and not draft.remote_id.isdigit():
        problems.append(f"«{draft.remote_id}» не является артикулом WB (nmID)")
    return problems


def price_outcome(sku: str, good: GoodOutcome | None, task_status: int | None) -> PriceOutcome:
    """Map a good of a processed price upload (None: not in its detail) to an outcome."""
    if good is None:
        return PriceOutcome(sku, "accepted" if task_status == 3 else "refused",
                            None if task_status == 3 else "Wildberries did not report this price")
    if good.status == 2 or (good.status is None and task_status == 3):
        return PriceOutcome(sku, "accepted")
    text = good.errorText or "Wildberries refused the price"
    return PriceOutcome(sku, "quarantined" if QUARANTINE_MARK.casefold() in text.casefold() else "refused", text)

