"""Card drafts → Yandex Market's UpdateOfferDTO, and the schema checks that refuse one card before sending."""

from __future__ import annotations

from decimal import Decimal

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue, PriceUpdate
from marketsync.connectors.yandex_market.mapping_cards import draft_problems, offer_to_wire, price_to_wire


def test_a_draft_becomes_an_offer_with_brand_as_vendor_sizes_and_one_entry_per_value():
    draft = CardDraft(sku="K-1", name="Кастрюля", category="91611", price=Decimal("1200.00"), brand="Kukmara",
                      barcodes=("4601234567893", "4601234567893"), pictures=("https://i/1.jpg",),
                      attributes=(CardAttribute("14871214", "Цвет", (CardValue("белый", "12000000"),
                                                                     CardValue("в горошек"))),),
                      weight_kg=Decimal("0.75"), length_cm=Decimal("20"), width_cm=Decimal("20"),
                      height_cm=None)

    offer = offer_to_wire(draft)

    assert offer["vendor"] == "Kukmara" and offer["marketCategoryId"] == 91611
    assert offer["barcodes"] == ["4601234567893"] and "weightDimensions" not in offer  # all four or none
    assert offer["parameterValues"] == [{"parameterId": 14871214, "value": "белый", "valueId": 12000000},
                                        {"parameterId": 14871214, "value": "в горошек"}]
    assert offer["basicPrice"] == {"value": 1200, "currencyId": "RUR"}
    assert price_to_wire(PriceUpdate("K-1", Decimal("99.90"))) == \
        {"offerId": "K-1", "price": {"value": 99.9, "currencyId": "RUR"}}


def test_what_the_schema_would_refuse_is_named_per_card():
    bad = CardDraft(sku=" K-1", name="Я" * 300, category="ozon:1", price=Decimal(0), description="x" * 6001,
                    pictures=tuple(f"https://i/{n}.jpg" for n in range(31)))

    assert [p.split(":")[0] for p in draft_problems(bad)] == [
        "offerId « K-1»", "name", "description", "pictures", "marketCategoryId «ozon", "basicPrice"]
    assert draft_problems(CardDraft(sku="K-1", name="Кастрюля", category="91611", price=Decimal(1))) == []
