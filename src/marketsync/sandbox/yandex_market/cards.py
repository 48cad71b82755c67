"""The emulated Yandex Market's catalogue writes: updateOfferMappings (cards, all or nothing) and
updateBusinessPrices (the business's prices), checked as CONTRACTS.md §9.3 and the operations' descriptions say.

updateOfferMappings: a request whose body breaks the schema (name > 256, > 30 pictures, > 500 offers, a price
≤ 0) is refused whole with 400 before this module sees it (routes._body). Then, for every offer:
- a NEW offer needs offerId, name, marketCategoryId, pictures, vendor and description; a missing one of name,
  pictures, vendor, description is a 400 NO_REQUIRED_FIELDS naming the offer (ApiErrorCodeType; the result
  types have none for it [UNCONFIRMED which of the two YM answers]); a missing category is EMPTY_MARKET_CATEGORY;
- an unknown marketCategoryId is UNKNOWN_CATEGORY, one with children INVALID_CATEGORY (the category tree of
  sandbox/yandex_market/dictionary.py);
- a parameter the category lacks is UNKNOWN_PARAMETER; an ENUM value needs a valueId from the parameter's
  values unless allowCustomValues (UNKNOWN_PARAMETER too: OfferMappingErrorType has no better name
  [UNCONFIRMED]); a NUMERIC value must be a number (NUMBER_FORMAT), a BOOLEAN true/false
  (UNEXPECTED_BOOLEAN_VALUE); parameterValues without marketCategoryId in the request is a warning.
If any offer has an error the answer is `status: ERROR` with every offer's errors and warnings and NOTHING is
applied; otherwise every offer is created or updated (keyed by offerId; an update changes only what it sends).

Timing: a new card is readable through getOfferMappings `card_delay_s` seconds of the emulator's clock after it
was accepted (0 by default: at once; tests set a delay and move the clock with `advance`). An update is
readable at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from marketsync.sandbox.yandex_market.dictionary import category_parameters
from marketsync.sandbox.yandex_market.errors import YmError, bad_request
from marketsync.sandbox.yandex_market.state import YandexMarketState, YmOffer

REQUIRED_NEW = ("name", "pictures", "vendor", "description")
CARD_KEYS = ("marketCategoryId", "pictures", "vendor", "vendorCode", "description", "weightDimensions",
             "basicPrice")


def locked(business_id: int) -> YmError:
    """Return the 423 of a cabinet being moved (ApiLockedErrorResponse)."""
    return YmError(423, "LOCKED", f"Business {business_id} is locked: the cabinet is being moved")


def _problem(kind: str, message: str, parameter_id: int | None = None) -> dict[str, Any]:
    problem: dict[str, Any] = {"type": kind, "message": message}
    if parameter_id is not None:
        problem["parameterId"] = parameter_id
    return problem


def _parameters(category_id: int) -> tuple[dict[int, dict[str, Any]] | None, dict[str, Any] | None]:
    """Return (the category's parameters by id, None) or (None, the category's error)."""
    try:
        answer = category_parameters(category_id)
    except YmError as error:
        code = error.errors[0][0]
        if code == "CATEGORY_IS_NOT_LEAF":
            return None, _problem("INVALID_CATEGORY", f"Category {category_id} is not a leaf category")
        return None, _problem("UNKNOWN_CATEGORY", f"Category {category_id} is not found")
    return {p["id"]: p for p in answer["result"]["parameters"]}, None


def _value_problem(parameter: dict[str, Any], value: dict[str, Any]) -> dict[str, Any] | None:
    pid, text = parameter["id"], value.get("value")
    if parameter["type"] == "ENUM":
        allowed = {v["id"] for v in parameter.get("values") or []}
        if value.get("valueId") is not None:
            if value["valueId"] not in allowed:
                return _problem("UNKNOWN_PARAMETER", f"Value id {value['valueId']} is not a value of parameter "
                                f"{pid} «{parameter['name']}»", pid)
        elif not parameter.get("allowCustomValues"):
            return _problem("UNKNOWN_PARAMETER", f"Value «{text}» of parameter {pid} «{parameter['name']}» needs "
                            "a valueId from the parameter's values", pid)
    if parameter["type"] == "NUMERIC":
        try:
            float(str(text).replace(",", "."))
        except ValueError:
            return _problem("NUMBER_FORMAT", f"Value «{text}» of parameter {pid} is not a number", pid)
    if parameter["type"] == "BOOLEAN" and str(text).lower() not in ("true", "false"):
        return _problem("UNEXPECTED_BOOLEAN_VALUE", f"Value «{text}» of parameter {pid} is not true or false", pid)
    return None


def _check(offer: dict[str, Any], existing: YmOffer | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (errors, warnings) of one offer."""
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    category = offer.get("marketCategoryId") or (existing.card.get("marketCategoryId") if existing else None)
    parameters: dict[int, dict[str, Any]] | None = None
    if not category:
        if existing is None:
            errors.append(_problem("EMPTY_MARKET_CATEGORY", "A new offer needs marketCategoryId"))
    else:
        parameters, problem = _parameters(int(category))
        if problem:
            errors.append(problem)
    values = offer.get("parameterValues") or []
    if values and not offer.get("marketCategoryId"):
        warnings.append(_problem("EMPTY_MARKET_CATEGORY", "Send marketCategoryId together with parameterValues"))
    for value in values if parameters is not None else []:
        parameter = parameters.get(value["parameterId"]) if parameters else None
        if parameter is None:
            errors.append(_problem("UNKNOWN_PARAMETER", f"Parameter {value['parameterId']} is not a parameter of "
                                   f"category {category}", value["parameterId"]))
        elif problem := _value_problem(parameter, value):
            errors.append(problem)
    return errors, warnings


def update_offer_mappings(ym: YandexMarketState, business_id: int, mappings: Sequence[dict[str, Any]]) -> \
        dict[str, Any]:
    """Validate and apply one updateOfferMappings request all or nothing; return the answer body."""
    with ym.lock:
        if business_id in ym.locked:
            raise locked(business_id)
        catalogue = ym.offers.setdefault(business_id, {})
        offers = [{**m["offer"], "offerId": m["offer"]["offerId"].strip()} for m in mappings]  # ShopSku: trim
        ids = [o["offerId"] for o in offers]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise YmError(400, "DUPLICATE_OFFER", f"Offer {duplicates[0]} is sent more than once in the request")
        missing = [(o["offerId"], [f for f in REQUIRED_NEW if not o.get(f)]) for o in offers
                   if o["offerId"] not in catalogue]
        missing = [(offer_id, fields) for offer_id, fields in missing if fields]
        if missing:
            first, *rest = [("NO_REQUIRED_FIELDS", f"Offer {offer_id}: {', '.join(fields)} required for a new offer")
                            for offer_id, fields in missing]
            raise YmError(400, first[0], first[1], more=rest)
        results, failed = [], False
        for offer in offers:
            errors, warnings = _check(offer, catalogue.get(offer["offerId"]))
            failed = failed or bool(errors)
            if errors or warnings:
                results.append({"offerId": offer["offerId"], **({"errors": errors} if errors else {}),
                                **({"warnings": warnings} if warnings else {})})
        if failed:
            return {"status": "ERROR", "results": results}
        for offer in offers:
            _apply(ym, catalogue, offer)
        return {"status": "OK", **({"results": results} if results else {})}


def _apply(ym: YandexMarketState, catalogue: dict[str, YmOffer], offer: dict[str, Any]) -> None:
    existing = catalogue.get(offer["offerId"])
    if existing is None:
        visible = ym.now() + timedelta(seconds=ym.card_delay_s) if ym.card_delay_s else None
        existing = catalogue[offer["offerId"]] = YmOffer(offer["offerId"], offer["name"], visible_at=visible)
    if offer.get("name"):
        existing.name = offer["name"]
    if offer.get("barcodes") is not None:
        existing.barcodes = list(offer["barcodes"])
    existing.card.update({key: offer[key] for key in CARD_KEYS if offer.get(key) is not None})
    if offer.get("basicPrice"):  # GetPriceWithDiscountDTO gives the price back with its updatedAt
        existing.card["basicPrice"] = {**offer["basicPrice"], "updatedAt": ym.now().isoformat(timespec="seconds")}
    if offer.get("parameterValues"):
        kept = [v for v in existing.card.get("parameterValues", [])
                if v["parameterId"] not in {n["parameterId"] for n in offer["parameterValues"]}]
        existing.card["parameterValues"] = kept + list(offer["parameterValues"])


def update_business_prices(ym: YandexMarketState, business_id: int, offers: Sequence[dict[str, Any]]) -> None:
    """Apply updateBusinessPrices: offerIds unique (400 otherwise), every offer in the catalogue (400
    OFFER_NOT_FOUND naming the missing ones [UNCONFIRMED wording]); all or nothing."""
    with ym.lock:
        if business_id in ym.locked:
            raise locked(business_id)
        catalogue = ym.offers.get(business_id, {})
        ids = [o["offerId"].strip() for o in offers]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise bad_request(f"offerId must be unique in the request: {duplicates[0]} is sent twice")
        unknown = [i for i in ids if i not in catalogue]
        if unknown:
            first, *rest = [("OFFER_NOT_FOUND", f"Offer not found in the catalogue: {i}") for i in unknown]
            raise YmError(400, first[0], first[1], more=rest)
        for offer_id, offer in zip(ids, offers, strict=True):
            price = offer["price"]
            catalogue[offer_id].card["basicPrice"] = {"value": price["value"], "currencyId": price["currencyId"],
                                                      "updatedAt": ym.now().isoformat(timespec="seconds"),
                                                      **({"discountBase": price["discountBase"]}
                                                         if "discountBase" in price else {})}


def price_of(ym: YandexMarketState, business_id: int, offer_id: str) -> float | None:
    """Return an offer's basic price (tests, the dump)."""
    with ym.lock:
        offer = ym.offers.get(business_id, {}).get(offer_id)
        price = offer.card.get("basicPrice") if offer else None
        return float(price["value"]) if price else None
