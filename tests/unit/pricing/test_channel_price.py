"""The price a channel gets from the catalog price and its markup: percent, fixed add, rounding, minimum; Decimal,
half-up to kopecks. Without a markup rule a channel's price is the catalog price."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.pricing.rules import Markup, MarkupError, channel_price, check_channel, parse_markup

D = Decimal


@pytest.mark.parametrize("price", ["0", "1", "99.99", "1234.50", "1234.555", "0.005"])
def test_without_a_markup_rule_a_channels_price_is_the_catalog_price(price: str) -> None:
    assert channel_price(D(price), None) == D(price).quantize(D("0.01"), rounding="ROUND_HALF_UP")


@pytest.mark.parametrize(("price", "rule", "expected"), [
    # percent, then add, half-up to kopecks
    ("1000", Markup(percent=D("10")), "1100.00"),
    ("999.99", Markup(percent=D("12.5")), "1124.99"),      # 1124.98875 → half-up
    ("100.01", Markup(percent=D("0.05")), "100.06"),       # 100.0600050 → 100.06
    ("0.10", Markup(percent=D("5")), "0.11"),              # 0.105 → half-up, not banker's 0.10
    ("1000", Markup(add=D("50")), "1050.00"),
    ("1000", Markup(percent=D("10"), add=D("50")), "1150.00"),  # the percent applies before the add
    ("1000", Markup(percent=D("-20")), "800.00"),           # a discount
    ("10", Markup(add=D("-50")), "0.00"),                   # never a negative price
    # rounding
    ("1234.50", Markup(rounding="1"), "1235.00"),
    ("1234.49", Markup(rounding="1"), "1234.00"),
    ("1234.50", Markup(rounding="10"), "1230.00"),
    ("1235.00", Markup(rounding="10"), "1240.00"),
    ("1234.50", Markup(rounding="99"), "1299.00"),
    ("1299.00", Markup(rounding="99"), "1299.00"),
    ("1299.01", Markup(rounding="99"), "1399.00"),
    ("50", Markup(rounding="99"), "99.00"),
    ("1000", Markup(percent=D("15"), rounding="99"), "1199.00"),
    # the minimum, after everything else
    ("100", Markup(percent=D("10"), min_price=D("500")), "500.00"),
    ("1000", Markup(percent=D("10"), min_price=D("500")), "1100.00"),
    ("100", Markup(rounding="99", min_price=D("250")), "250.00"),  # 199 rounded, then the floor
])
def test_markup_is_applied(price: str, rule: Markup, expected: str) -> None:
    assert channel_price(D(price), rule) == D(expected)
    assert str(channel_price(D(price), rule)) == expected  # always two decimals: a dot, kopecks


def test_a_markup_is_read_as_sellers_type_it() -> None:
    assert parse_markup(percent="12,5", add="1 000", rounding="99", min_price="") == Markup(
        percent=D("12.50"), add=D("1000.00"), rounding="99", min_price=None)
    assert parse_markup(percent="", add="", rounding="", min_price="0") == Markup(min_price=D("0.00"))


@pytest.mark.parametrize(("fields", "field"), [
    ({"percent": "десять"}, "percent"), ({"percent": "-100"}, "percent"), ({"percent": "NaN"}, "percent"),
    ({"add": "1e9"}, "add"), ({"min_price": "-1"}, "min_price"), ({"rounding": "5"}, "rounding"),
])
def test_a_markup_that_cannot_be_used_names_its_field(fields: dict[str, str], field: str) -> None:
    with pytest.raises(MarkupError) as caught:
        parse_markup(**{"percent": "", "add": "", "rounding": "none", "min_price": "", **fields})
    assert caught.value.field == field


@pytest.mark.parametrize(("channel", "ok"), [("ozon", True), ("wb", True), ("ym", True), ("feed:price-list", True),
                                             ("feed:", False), ("vk", False), ("", False)])
def test_rules_exist_for_the_marketplaces_and_feeds(channel: str, ok: bool) -> None:
    if ok:
        assert check_channel(channel) == channel
    else:
        with pytest.raises(MarkupError):
            check_channel(channel)
