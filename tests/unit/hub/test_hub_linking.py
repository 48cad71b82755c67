"""The merge's pure decisions: which product an offer links to, the new product's article, whose price and stock
win under each rule, content filled from the other offers, packs' and bundles' figures, the content hash."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.hub import linking
from marketsync.hub.linking import Candidate, LinkInput, as_candidate, choose_link, pick_winner, vendor_key

VITEK = vendor_key("Vitek", "VT-7701") or ""


@pytest.mark.parametrize(("offer", "expected"), [
    # a shared barcode beats vendor + vendor code
    (LinkInput(["460"], VITEK, None, {"460": 1}, {VITEK: 2}), linking.Link(1, "barcode")),
    # any of the offer's barcodes will do
    (LinkInput(["290", "460"], None, None, {"460": 1}, {}), linking.Link(1, "barcode")),
    (LinkInput(["999"], VITEK, None, {"460": 1}, {VITEK: 2}), linking.Link(2, "vendor_code")),
    # the link it has is kept when nothing names another product
    (LinkInput([], None, 7, {}, {}), linking.Link(7, "kept")),
    (LinkInput(["460"], None, 7, {"460": 1}, {}), linking.Link(1, "barcode")),
    (LinkInput([], None, None, {}, {}), linking.Link(None, "new")),
    # one offer per product per supplier: a product another of its offers holds is no candidate
    (LinkInput(["460"], VITEK, None, {"460": 1}, {VITEK: 2}, frozenset({1})),
     linking.Link(2, "vendor_code")),
    (LinkInput(["460"], VITEK, None, {"460": 1}, {VITEK: 1}, frozenset({1})),
     linking.Link(None, "new")),
])
def test_choose_link(offer: LinkInput, expected: linking.Link) -> None:
    assert choose_link(offer) == expected


@pytest.mark.parametrize(("a", "b", "same"), [
    (("Vitek", "VT-7701"), (" VITEK ", "vt-7701"), True),
    (("Philips", "HR 3705"), ("philips", "HR   3705 "), True),
    (("Вектор", "АБ-1"), ("ВЕКТОР", "аб-1"), True),
    (("Philips", "HR3705"), ("Philips", "HR 3705"), False),
    (("Bosch", "TAT-3"), ("Braun", "TAT-3"), False),
])
def test_vendor_codes_match_whatever_the_case_and_spaces(a: tuple[str, str], b: tuple[str, str],
                                                         same: bool) -> None:
    assert (vendor_key(*a) == vendor_key(*b)) is same


@pytest.mark.parametrize(("vendor", "code"), [(None, "X"), ("Vitek", None), ("  ", "X"), ("Vitek", " ")])
def test_no_vendor_key_without_both_vendor_and_code(vendor: str | None, code: str | None) -> None:
    assert vendor_key(vendor, code) is None


def test_barcodes_are_trimmed_and_deduplicated_in_order() -> None:
    assert linking.clean_barcodes([" 460 ", "", "290", "460"]) == ["460", "290"]


@pytest.mark.parametrize(("code", "offer_id", "taken", "sku"), [
    ("VT-7701", "A-1", set(), "VT-7701"),
    (" VT  7701 ", "A-1", set(), "VT 7701"),
    ("VT-7701", "A-1", {"VT-7701"}, "A-1"),
    (None, "A-1", set(), "A-1"),
    ("VT-7701", "A-1", {"VT-7701", "A-1"}, "A-1-s3"),
    ("VT-7701", "A-1", {"VT-7701", "A-1", "A-1-s3"}, "A-1-s3-2"),
])
def test_a_new_products_article(code: str | None, offer_id: str, taken: set[str], sku: str) -> None:
    assert linking.choose_sku(code, offer_id, 3, taken) == sku


def _c(pk: int, price: str, stock: int, priority: int = 100) -> Candidate:
    return Candidate(pk, pk, priority, Decimal(price), stock)


@pytest.mark.parametrize(("rule", "candidates", "winner"), [
    ("cheapest", [_c(1, "100", 5), _c(2, "90", 3)], 2),
    ("cheapest", [_c(1, "100", 5), _c(2, "90", 0)], 1),  # the cheaper one is out of stock
    ("cheapest", [_c(1, "100", 0), _c(2, "90", 0)], 2),  # none in stock: the cheapest
    ("cheapest", [_c(1, "90", 5, 2), _c(2, "90", 5, 1)], 2),  # a tie goes to the higher ranked
    ("priority", [_c(1, "100", 5, 1), _c(2, "90", 3, 2)], 1),
    ("priority", [_c(1, "100", 0, 1), _c(2, "90", 3, 2)], 2),  # the first ranked is out of stock
    ("priority", [_c(1, "100", 0, 1), _c(2, "90", 0, 2)], 1),
])
def test_the_rule_picks_the_winner(rule: str, candidates: list[Candidate], winner: int) -> None:
    chosen = pick_winner(candidates, rule)
    assert chosen is not None and chosen.offer_pk == winner


def test_two_suppliers_overlapping_give_the_rules_winner_each() -> None:
    """Two suppliers offering the same three goods: each good is one product, won per the rule."""
    alpha = {"kettle": _c(1, "1500", 3, 1), "toaster": _c(2, "900", 0, 1), "mixer": _c(3, "2500", 4, 1)}
    beta = {"kettle": _c(4, "1400", 10, 2), "toaster": _c(5, "950", 7, 2), "mixer": _c(6, "2600", 1, 2)}
    cheapest = {good: pick_winner([alpha[good], beta[good]], "cheapest") for good in alpha}
    ranked = {good: pick_winner([alpha[good], beta[good]], "priority") for good in alpha}
    assert {g: c.offer_pk for g, c in cheapest.items() if c} == {"kettle": 4, "toaster": 5, "mixer": 3}
    assert {g: c.offer_pk for g, c in ranked.items() if c} == {"kettle": 1, "toaster": 5, "mixer": 3}


def test_an_unavailable_offer_has_no_stock_and_a_pack_counts_in_units() -> None:
    assert as_candidate(1, 1, 1, Decimal("10"), 5, False, None).stock == 0
    pack = as_candidate(1, 1, 1, Decimal("100.00"), 4, True, 6)
    assert (pack.price, pack.stock, pack.pack_size) == (Decimal("16.67"), 24, 6)


def test_content_comes_from_the_winner_and_gaps_from_the_others() -> None:
    content = linking.merge_content([
        {"name": "Чайник", "description": "", "pictures": [], "params": {"Цвет": "белый"}, "weight_kg": None},
        {"name": "Чайник Vitek", "description": "Стекло", "pictures": ["1.jpg"],
         "params": {"Цвет": "чёрный", "Объём": "1,7 л"}, "weight_kg": Decimal("1.2")},
    ])
    assert (content.name, content.description, content.pictures) == ("Чайник", "Стекло", ["1.jpg"])
    assert content.params == {"Цвет": "белый", "Объём": "1,7 л"}
    assert content.weight_kg == Decimal("1.2")


@pytest.mark.parametrize(("base_price", "base_stock", "n", "priced", "expected"), [
    ("25.50", 10, 4, None, (Decimal("102.00"), 2)),
    ("25.50", 10, 4, "95.00", (Decimal("95.00"), 2)),
    ("25.50", 3, 4, None, (Decimal("102.00"), 0)),
])
def test_pack_figures(base_price: str, base_stock: int, n: int, priced: str | None,
                      expected: tuple[Decimal, int]) -> None:
    assert linking.pack_figures(Decimal(base_price), base_stock, n, Decimal(priced) if priced else None) == expected


@pytest.mark.parametrize(("parts", "stock"), [([(9, 3), (5, 1)], 3), ([(9, 3), (2, 1)], 2), ([(0, 1), (5, 1)], 0),
                                             ([(-4, 1)], 0), ([], 0)])
def test_bundle_stock_is_the_minimum_over_parts(parts: list[tuple[int, int]], stock: int) -> None:
    assert linking.bundle_stock(parts) == stock


def test_the_content_hash_sees_values_not_their_spelling() -> None:
    assert linking.content_hash({"price": Decimal("5.0")}) == linking.content_hash({"price": Decimal("5.00")})
    assert linking.content_hash({"price": Decimal("5.00")}) != linking.content_hash({"price": Decimal("5.01")})
    assert linking.content_hash({"a": 1, "b": 2}) == linking.content_hash({"b": 2, "a": 1})
