"""EvoSync's rules for what a product looks like in VK: name, description, price, SKU."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.catalog.pricing import MultiplierError, channel_price, parse_multiplier
from marketsync.connectors.records import SourceProduct
from marketsync.connectors.vk.mapping import execute_code, item_from_wire, item_payload, vk_description, vk_name
from marketsync.connectors.vk.schemas import MarketItem


def product(**kw: object) -> SourceProduct:
    base: dict[str, object] = {"external_id": "e1d6c3e6-0000-4000-8000-000000000001", "store_external_id": "s",
                               "name": "Сыр Российский", "price": Decimal("100.00"), "allow_to_sell": True}
    base.update(kw)
    return SourceProduct(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("price", "multiplier", "expected"), [
    ("100.00", "1", "100.00"),
    ("100.50", "1.005", "101.00"),     # 101.0025 → 101.00
    ("101.50", "1.005", "102.01"),     # 102.0075 → 102.01 (half-up, not banker's)
    ("0.05", "1.5", "0.08"),           # 0.075 → 0.08
    ("19.99", "0.5", "10.00"),         # 9.995 → 10.00
])
def test_price_is_multiplied_and_rounded_half_up_to_kopecks(price: str, multiplier: str, expected: str) -> None:
    assert channel_price(Decimal(price), Decimal(multiplier)) == Decimal(expected)


@pytest.mark.parametrize(("raw", "expected"), [("1,5", "1.5"), ("1.5", "1.5"), (" 2 ", "2"), ("0,01", "0.01"),
                                               ("100", "100"), ("1,2345", "1.2345")])
def test_a_multiplier_is_read_with_a_comma_or_a_point(raw: str, expected: str) -> None:
    assert parse_multiplier(raw) == Decimal(expected)


@pytest.mark.parametrize("raw", ["", "abc", "0", "0,001", "100,01", "-1", "NaN", "Infinity", "1,23456", "1e400"])
def test_a_multiplier_out_of_range_or_not_a_number_is_refused(raw: str) -> None:
    with pytest.raises(MultiplierError):
        parse_multiplier(raw)


def test_short_name_gets_the_group_name_after_a_dash() -> None:
    assert vk_name("Чай", "Напитки") == "Чай - Напитки"


def test_long_name_is_cut_to_100_characters() -> None:
    assert vk_name("Ы" * 150, "Сыры") == "Ы" * 100
    assert len(vk_name("Сыр " * 60, "Сыры")) <= 100


def test_description_says_price_per_measure() -> None:
    assert vk_description(product(measure="кг"), "Сыры") == "Сыр Российский (цена за 1 кг)"


def test_description_prefers_the_product_description() -> None:
    assert vk_description(product(description="Выдержка 60 дней"), None) == "Выдержка 60 дней"


def test_too_short_description_gets_the_group_name() -> None:
    text = vk_description(product(name="Чай"), "Напитки")
    assert text == "Чай Напитки" and len(text) >= 10


def test_sku_is_the_code_else_the_id() -> None:
    assert item_payload(product(code="12345"), group_name="Сыры", price=Decimal(100), category_id=1,
                        stock_amount=1000).sku == "12345"
    assert item_payload(product(), group_name="Сыры", price=Decimal(100), category_id=1,
                        stock_amount=1000).sku == "e1d6c3e6-0000-4000-8000-000000000001"


def test_not_for_sale_product_wants_a_hidden_item() -> None:
    payload = item_payload(product(allow_to_sell=False), group_name="Сыры", price=Decimal(100), category_id=1,
                           stock_amount=1000)
    assert payload.hidden


def test_execute_code_uses_literal_arguments() -> None:
    code = execute_code([("market.add", {"owner_id": -1, "name": "Сыр \"Гауда\"", "price": 10.5})])
    assert code == 'return [API.market.add({"owner_id": -1, "name": "Сыр \\"Гауда\\"", "price": 10.5})];'


@pytest.mark.parametrize(("stock", "sent"), [(0, 0), (12, 12), (5_000_000, 999_999), (-1, -1), (-7, -1)])
def test_stock_is_sent_within_vks_range(stock: int, sent: int) -> None:
    payload = item_payload(product(), group_name=None, price=Decimal("1"), category_id=1, stock_amount=stock)
    assert payload.stock_amount == sent


@pytest.mark.parametrize(("availability", "hidden"), [(0, False), (1, True), (2, False)])
def test_an_item_out_of_stock_is_read_as_shown_and_only_a_removed_one_as_hidden(availability: int,
                                                                                hidden: bool) -> None:
    wire = MarketItem.model_validate({"id": 5, "owner_id": -7, "title": "Сыр Ламбер", "description": "Сыр Ламбер 1 кг",
                                      "price": {"amount": "89990"}, "availability": availability,
                                      "stock_amount": 0 if availability == 2 else 3})
    assert item_from_wire(wire).hidden is hidden
