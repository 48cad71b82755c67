"""Card drafts and prices → Yandex Market's wire (pure), and the checks that keep one bad card from costing a
whole request: what the schema would refuse with a 400 for every offer of the request (UpdateOfferDTO,
BaseOfferDTO, ShopSku, PriceWithDiscountDTO) is found here and refused for that card alone, before sending.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marketsync.connectors.card_records import CardDraft, PriceUpdate
from marketsync.connectors.yandex_market.schemas_cards import OfferMappingProblem

SHOP_SKU = re.compile(r"^(?=.*\S.*)[^\x00-\x08\x0A-\x1f\x7f]{1,255}$")  # ShopSku.pattern
NAME_MAX, DESCRIPTION_MAX, PICTURES_MAX, PARAMETERS_MAX = 256, 6000, 30, 300  # OfferName, OfferDescription, ...
CURRENCY = "RUR"  # CurrencyType: the Russian rouble


def _number(value: Decimal) -> int | float:
    """A JSON number for a Decimal: whole numbers as integers, the rest to three places (grams)."""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(round(value, 3))


def sku_problem(sku: str) -> str | None:
    """Why an offerId would be refused by the schema, or None."""
    if not SHOP_SKU.match(sku.strip()) or sku != sku.strip():
        return f"offerId «{sku}»: 1..255 characters, no control characters, no spaces at the ends"
    return None


def draft_problems(draft: CardDraft) -> list[str]:
    """Return what Yandex Market's schema would refuse in this card (the whole request with it), in words."""
    problems = [p for p in [sku_problem(draft.sku)] if p]
    if len(draft.name) > NAME_MAX:
        problems.append(f"name: {len(draft.name)} characters, at most {NAME_MAX}")
    if draft.description and len(draft.description) > DESCRIPTION_MAX:
        problems.append(f"description: {len(draft.description)} characters, at most {DESCRIPTION_MAX}")
    if len(draft.pictures) > PICTURES_MAX:
        problems.append(f"pictures: {len(draft.pictures)}, at most {PICTURES_MAX}")
    if not draft.category.isdigit():
        problems.append(f"marketCategoryId «{draft.category}» is not a market category id")
    if draft.price <= 0:
        problems.append(f"basicPrice: {draft.price} must be above zero")
    if any(not a.attribute_id.isdigit() or int(a.attribute_id) < 1 for a in draft.attributes):
        problems.append("parameterValues: a parameter id is not a positive number")
    if any(v.dictionary_id is not None and not v.dictionary_id.isdigit() for a in draft.attributes for v in a.values):
        problems.append("parameterValues: a valueId is not a number")
    if sum(len(a.values) for a in draft.attributes) > PARAMETERS_MAX:
        problems.append(f"parameterValues: more than {PARAMETERS_MAX}")
    return problems


def offer_to_wire(draft: CardDraft) -> dict[str, Any]:
    """Build UpdateOfferDTO: the whole card (a change may send only what changed; sending all is allowed)."""
    offer: dict[str, Any] = {"offerId": draft.sku, "name": draft.name, "marketCategoryId": int(draft.category)}
    if draft.pictures:
        offer["pictures"] = list(draft.pictures)
    if draft.brand:
        offer["vendor"] = draft.brand  # the supplier's vendor is YM's brand field
    if draft.vendor_code:
        offer["vendorCode"] = draft.vendor_code
    if draft.description:
        offer["description"] = draft.description
    barcodes = list(dict.fromkeys(b.strip() for b in draft.barcodes if b.strip()))
    if barcodes:
        offer["barcodes"] = barcodes
    sizes = (draft.length_cm, draft.width_cm, draft.height_cm, draft.weight_kg)
    if all(v is not None and v > 0 for v in sizes):  # OfferWeightDimensionsDTO needs all four
        length, width, height, weight = (_number(v) for v in sizes if v is not None)
        offer["weightDimensions"] = {"length": length, "width": width, "height": height, "weight": weight}
    values = [_value(attribute.attribute_id, value.text, value.dictionary_id)
              for attribute in draft.attributes for value in attribute.values]  # a multivalue: one entry each
    if values:
        offer["parameterValues"] = values
    offer["basicPrice"] = {"value": _number(draft.price), "currencyId": CURRENCY}
    return offer


def _value(parameter_id: str, text: str, value_id: str | None) -> dict[str, Any]:
    wire: dict[str, Any] = {"parameterId": int(parameter_id), "value": text}  # ParameterValueDTO.value: a string
    if value_id is not None:
        wire["valueId"] = int(value_id)
    return wire


def problem_text(problem: OfferMappingProblem) -> str:
    """One result error as the seller reads it: YM's type, the parameter when named, and its message."""
    where = f" (parameter {problem.parameter_id})" if problem.parameter_id is not None else ""
    return f"{problem.type}{where}: {problem.message}" if problem.message else f"{problem.type}{where}"


def price_to_wire(update: PriceUpdate) -> dict[str, Any]:
    """Build UpdateBusinessOfferPriceDTO: the price in roubles."""
    return {"offerId": update.sku, "price": {"value": _number(update.price), "currencyId": CURRENCY}}
