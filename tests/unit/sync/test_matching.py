"""Matching marketplace offers to our products: key, then barcode; manual mappings win; WB sizes by barcode."""

from __future__ import annotations

from marketsync.connectors.records import MarketOffer
from marketsync.sync.matching import IGNORE, Match, Rule, Unmatched, match_offers


def offer(key: str, offer_id: str | None = None, barcodes: tuple[str, ...] = (), card: str | None = None,
          archived: bool = False) -> MarketOffer:
    return MarketOffer(offer_id=offer_id or key, stock_key=key, barcodes=barcodes, product_id=card,
                       archived=archived)


def test_offer_id_equal_to_our_key_matches_before_any_barcode() -> None:
    result = match_offers([offer("A-1", barcodes=("4600000000017",))],
                          {"A-1": ["4600000000024"], "B-2": ["4600000000017"]})
    assert result.matches == (Match("A-1", "A-1", Rule.KEY),)
    assert result.unmatched_products == ("B-2",)


def test_a_shared_barcode_matches_an_offer_under_another_id() -> None:
    result = match_offers([offer("ozon-77", barcodes=("4600000000017",))], {"B-2": ["4600000000017"]})
    assert result.matches == (Match("ozon-77", "B-2", Rule.BARCODE),)


def test_sizes_of_one_wb_card_match_by_barcode_only_even_when_the_vendor_code_is_ours() -> None:
    sizes = [offer("101", "SHIRT", ("111",), card="9"), offer("102", "SHIRT", ("222",), card="9"),
             offer("103", "SHIRT", ("333",), card="9")]
    result = match_offers(sizes, {"SHIRT": ["999"], "SHIRT-M": ["222"]})
    assert result.matches == (Match("102", "SHIRT-M", Rule.BARCODE),)
    reasons = {o.stock_key: why for o, why in result.unmatched_offers}
    assert reasons == {"101": Unmatched.SIZE_WITHOUT_BARCODE, "103": Unmatched.SIZE_WITHOUT_BARCODE}
    assert result.unmatched_products == ("SHIRT",)


def test_a_manual_mapping_wins_over_the_automatic_match() -> None:
    offers = [offer("A-1"), offer("X-9", barcodes=("555",))]
    result = match_offers(offers, {"A-1": [], "B-2": ["555"]}, manual={"A-1": "B-2"})
    assert Match("A-1", "B-2", Rule.MANUAL) in result.matches
    # B-2 is taken by the manual mapping, so the offer sharing its barcode is not matched to it too.
    assert dict((o.stock_key, why) for o, why in result.unmatched_offers)["X-9"] == Unmatched.TAKEN
    assert result.unmatched_products == ("A-1",)


def test_an_offer_the_seller_ignored_stays_unmatched() -> None:
    result = match_offers([offer("A-1")], {"A-1": []}, manual={"A-1": IGNORE})
    assert result.matches == ()
    assert [why for _, why in result.unmatched_offers] == [Unmatched.IGNORED]


def test_a_mapping_to_a_product_that_left_the_enabled_stores_matches_nothing() -> None:
    result = match_offers([offer("A-1")], {"A-1": []}, manual={"A-1": "GONE"})
    assert result.matches == ()
    assert [why for _, why in result.unmatched_offers] == [Unmatched.MAPPED_TO_MISSING]


def test_a_barcode_several_products_carry_identifies_none_of_them() -> None:
    result = match_offers([offer("z", barcodes=("777",))], {"A": ["777"], "B": ["777"]})
    assert result.matches == ()
    assert [why for _, why in result.unmatched_offers] == [Unmatched.AMBIGUOUS_BARCODE]


def test_foreign_and_archived_offers_are_never_matched() -> None:
    result = match_offers([offer("foreign", barcodes=("1",)), offer("A-1", archived=True)], {"A-1": []})
    assert result.matches == ()
    assert [(o.stock_key, why) for o, why in result.unmatched_offers] == [("foreign", Unmatched.NO_PRODUCT)]


def test_one_product_goes_to_one_offer_only() -> None:
    result = match_offers([offer("s1", "q", ("5",)), offer("s2", "r", ("5",))], {"P": ["5"]})
    assert result.matches == (Match("s1", "P", Rule.BARCODE),)
    assert [(o.stock_key, why) for o, why in result.unmatched_offers] == [("s2", Unmatched.TAKEN)]
