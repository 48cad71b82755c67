"""What the emulated Ozon finds wrong with one `/v3/product/import` item, against its category dictionary
(dictionary.py): the (category, type) pair, every required attribute of the type (`is_required`; the type
attribute 8229 may be left out, `type_id` says it), dictionary values by `dictionary_value_id` (or, without
one, by the value's text), numbers in numeric attributes, real dimensions and weight (never 0, the documented
units), the density check (weight × 1000 ÷ (height × width × depth) within 0.001..13.55, g and mm), name ≤ 500,
offer_id ≤ 50, ≤ 15 images, the VAT rates and the cabinet's currency (RUB).

Only `Incorrect_density` is a documented code (tag "Errors"); the other codes and texts are guesses in Ozon's
style [UNCONFIRMED]. An attribute the type does not have (e.g. 4191, the annotation) is taken without a check.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marketsync.sandbox.ozon.dictionary import COMMON, OWN, TYPE, Attr, dictionary, types

NAME_MAX, OFFER_ID_MAX, IMAGES_MAX = 500, 50, 15
VATS = ("0", "0.05", "0.07", "0.1", "0.2")
CURRENCY = "RUB"
MM = {"mm": Decimal(1), "cm": Decimal(10), "in": Decimal("25.4")}
GRAMS = {"g": Decimal(1), "kg": Decimal(1000), "lb": Decimal("453.59237")}
DENSITY_MIN, DENSITY_MAX = Decimal("0.001"), Decimal("13.55")
INCORRECT_DENSITY = ("Incorrect_density", "Товар не прошёл проверку на плотность. Указанная вами плотность находится "
                                          "вне допустимого диапазона. Минимальное значение плотности — 0,001, "
                                          "максимальное — 13,55.")


def item_error(code: str, message: str, *, field: str = "", attribute: Attr | None = None) -> dict[str, Any]:
    """Render one `v1ItemError` of level "error" (the product is not created or updated)."""
    return {"code": code, "message": message, "state": "imported", "level": "error", "description": message,
            "field": field, "attribute_id": attribute.id if attribute else 0,
            "attribute_name": attribute.name if attribute else ""}


def decimal_or_none(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _dimensions(item: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = [decimal_or_none(item.get(name)) for name in ("depth", "width", "height")]
    weight = decimal_or_none(item.get("weight"))
    if any(s is None or s <= 0 for s in sizes) or item.get("dimension_unit") not in MM:
        return [item_error("dimensions_invalid", "Укажите реальные габариты упаковки: depth, width, height больше 0 "
                                                 "и dimension_unit (mm, cm, in)", field="depth")]
    if weight is None or weight <= 0 or item.get("weight_unit") not in GRAMS:
        return [item_error("weight_invalid", "Укажите реальный вес товара в упаковке: weight больше 0 и weight_unit "
                                             "(g, kg, lb)", field="weight")]
    unit = MM[item["dimension_unit"]]
    volume = Decimal(1)
    for size in sizes:
        volume *= size * unit  # type: ignore[operator]
    density = weight * GRAMS[item["weight_unit"]] * 1000 / volume
    if not DENSITY_MIN <= density <= DENSITY_MAX:
        return [item_error(*INCORRECT_DENSITY, field="weight")]
    return []


def _values_ok(attr: Attr, values: list[dict[str, Any]], type_name: str) -> bool:
    known = dictionary(attr.dictionary or "")
    if attr.id == TYPE:
        known = tuple(v for v in known if v[1] == type_name)
    ids, texts = {v[0] for v in known}, {v[1].casefold() for v in known}
    for value in values:
        value_id = int(value.get("dictionary_value_id") or 0)
        if value_id and value_id not in ids:
            return False
        if not value_id and str(value.get("value", "")).strip().casefold() not in texts:
            return False
    return True


def _attributes(item: dict[str, Any], pair: tuple[int, int]) -> list[dict[str, Any]]:
    given = {int(a.get("id") or 0): [v for v in a.get("values") or [] if v.get("value") or v.get("dictionary_value_id")]
             for a in item.get("attributes") or []}
    errors = []
    for attr in (*COMMON, *OWN.get(pair[1], ())):
        values = given.get(attr.id) or []
        if not values:
            if attr.required and attr.id != TYPE:
                errors.append(item_error("required_attribute_missing",
                                         f"Не заполнена обязательная характеристика «{attr.name}»", attribute=attr))
            continue
        if attr.dictionary and not _values_ok(attr, values, types()[pair]):
            errors.append(item_error("attribute_value_not_in_dictionary",
                                     f"Значение характеристики «{attr.name}» не из справочника Ozon: укажите "
                                     "dictionary_value_id из /v1/description-category/attribute/values",
                                     attribute=attr))
        elif attr.type == "Decimal" and any(decimal_or_none(str(v.get("value", "")).replace(",", ".")) is None
                                            for v in values):
            errors.append(item_error("attribute_value_invalid", f"Характеристика «{attr.name}» должна быть числом",
                                     attribute=attr))
        elif not attr.collection and len(values) > 1:
            errors.append(item_error("attribute_too_many_values",
                                     f"Характеристика «{attr.name}» принимает одно значение", attribute=attr))
    return errors


def item_errors(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Return every error Ozon would report for this item (empty: it is created or updated)."""
    pair = (int(item.get("description_category_id") or 0), int(item.get("type_id") or 0))
    offer_id, name = str(item.get("offer_id") or ""), str(item.get("name") or "")
    errors = []
    if not offer_id or len(offer_id) > OFFER_ID_MAX:
        errors.append(item_error("offer_id_invalid", f"Артикул обязателен, не длиннее {OFFER_ID_MAX} символов",
                                 field="offer_id"))
    if pair not in types():
        return [*errors, item_error("category_not_found", f"Категория {pair[0]} с типом {pair[1]} не найдена",
                                    field="type_id")]
    if not name.strip() or len(name) > NAME_MAX:
        errors.append(item_error("name_invalid", f"Название товара обязательно, не длиннее {NAME_MAX} символов",
                                 field="name"))
    price = decimal_or_none(item.get("price"))
    if price is None or price <= 0:
        errors.append(item_error("price_invalid", "Укажите цену товара больше 0", field="price"))
    if str(item.get("vat", "")) not in VATS:
        errors.append(item_error("vat_invalid", f"Ставка НДС должна быть одной из {', '.join(VATS)}", field="vat"))
    if (item.get("currency_code") or CURRENCY) != CURRENCY:
        errors.append(item_error("currency_invalid", "Валюта цены должна совпадать с валютой личного кабинета (RUB)",
                                 field="currency_code"))
    if len(item.get("images") or []) > IMAGES_MAX:
        errors.append(item_error("images_too_many", f"Можно загрузить до {IMAGES_MAX} изображений", field="images"))
    return errors + _dimensions(item) + _attributes(item, pair)
