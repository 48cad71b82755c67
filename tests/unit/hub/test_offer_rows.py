"""What makes a supplier row an offer, and the reason a seller reads when it is not one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.hub.offer_rows import RawOffer, RejectedRowError, gtin_valid, parse_decimal, validate_offer


@pytest.mark.parametrize(("text", "number"), [
    ("1 234,50", Decimal("1234.50")), ("1\u00a0234,5", Decimal("1234.5")), ("1234.50", Decimal("1234.50")),
    ("1,234.50", Decimal("1234.50")), ("1.234,50", Decimal("1234.50")), (" 99 ", Decimal("99")),
    (89.9, Decimal("89.9")), (12, Decimal("12")), ("", None), (None, None),
])
def test_prices_are_read_as_suppliers_write_them(text: object, number: Decimal | None) -> None:
    assert parse_decimal(text, "price") == number


@pytest.mark.parametrize(("code", "valid"), [
    ("4607001771210", True), ("4607001771211", False), ("96385074", True), ("96385075", False),
    ("036000291452", True), ("036000291453", False), ("10012345678902", True), ("10012345678903", False),
    ("460700177121", False), ("46070017712100", False),
])
def test_gtin_check_digits(code: str, valid: bool) -> None:
    assert gtin_valid(code) is valid


def _offer(**fields: object) -> RawOffer:
    values: dict[str, object] = {"offer_id": "A-1", "name": "Чай чёрный 100 г", "price": "149,90"}
    values.update(fields)
    return RawOffer(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "reason"), [
    ({"offer_id": " "}, "no offer id"),
    ({"offer_id": "x" * 129}, "offer id is longer than 128 characters"),
    ({"name": None}, "no name"),
    ({"price": None}, "no price"),
    ({"price": "по запросу"}, "price is not a number: по запросу"),
    ({"price": "-5"}, "price is negative: -5"),
    ({"currency": "USD"}, "price is in USD, only roubles (RUR, RUB) are read"),
    ({"barcodes": ["4607001771211"]}, "barcode 4607001771211 has a wrong check digit"),
    ({"barcodes": ["12345"]}, "barcode 12345 is not a GTIN (8, 12, 13 or 14 digits)"),
    ({"stock": "2,5"}, "stock is not a whole number: 2,5"),
    ({"weight": "тяжёлый"}, "weight is not a number: тяжёлый"),
])
def test_a_bad_row_is_rejected_with_its_reason(fields: dict[str, object], reason: str) -> None:
    with pytest.raises(RejectedRowError) as caught:
        validate_offer(_offer(**fields))
    assert str(caught.value) == reason


def test_a_good_row_becomes_an_offer_whose_hash_follows_its_content() -> None:
    offer = validate_offer(_offer(barcodes=["4607001771210", "4607001771210"], stock="12", weight="0,1055",
                                  currency="RUR", params={"Вес": "100 г"}))
    assert (offer.price, offer.stock, offer.barcodes, offer.weight_kg) == (
        Decimal("149.90"), 12, ["4607001771210"], Decimal("0.106"))
    same = validate_offer(_offer(barcodes=["4607001771210"], stock=12, weight="0.1055", params={"Вес": "100 г"}))
    assert same.content_hash() == offer.content_hash()
    assert validate_offer(_offer(price="149.91")).content_hash() != offer.content_hash()
    assert type(offer).from_json(offer.to_json()) == offer
