"""The Ozon connector as a CardChannel against the sandbox over real HTTP: a card sent, polled pending then
accepted with its product_id; Ozon's refusals with its own words; one product per offer_id; a lost answer;
prices and their 10-an-hour limit; the batch maxima."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.connectors.capabilities import CardChannel
from marketsync.connectors.card_records import CardOutcome, CardValue, PriceOutcome, PriceUpdate
from marketsync.connectors.errors import OutcomeUnknownError
from marketsync.connectors.records import StockUpdate
from marketsync.sandbox.ozon.dictionary import MATERIAL
from ozon_cards_world import pan_draft, process_imports, without
from ozon_world import ozon_connector, seed_seller


def _calls(state, path: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()["ozon"]["by_method"].get(path, 0))


def test_a_card_is_pending_until_ozon_processed_it_then_accepted_with_its_product_id(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)
    connector = ozon_connector(world)
    assert isinstance(connector, CardChannel)

    submission = connector.send_cards([pan_draft("PAN-1")])
    first = connector.card_outcomes(submission)
    process_imports(sandbox_state)
    second = connector.card_outcomes(submission)

    assert submission.task_id and submission.sent_skus == ("PAN-1",)
    assert first == [CardOutcome("PAN-1", "pending")]
    assert second[0].status == "accepted" and second[0].remote_id and not second[0].errors
    seller = sandbox_state.ozon.seller(int(world.client_id))
    product = seller.product("PAN-1")
    assert product is not None and str(product.product_id) == second[0].remote_id
    assert product.price == Decimal("2490.00") and product.barcodes == ["4600000099991"]
    sent = seller.cards.items["PAN-1"]
    assert (sent["depth"], sent["width"], sent["height"], sent["dimension_unit"]) == (250, 250, 150, "mm")
    assert (sent["weight"], sent["weight_unit"]) == (1200, "g")
    assert {"complex_id": 0, "id": 85, "values": [{"value": "Tefal"}]} in sent["attributes"]
    # The stock sync finds the new card with its SKU and can set its stock.
    offers = {o.offer_id: o for page in connector.iter_offers() for o in page}
    assert offers["PAN-1"].sku and offers["PAN-1"].product_id == second[0].remote_id
    assert connector.update_stocks([StockUpdate("PAN-1", 5)])[0].ok


def test_a_missing_required_attribute_is_refused_with_ozons_message_and_no_product_is_made(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=0)
    connector = ozon_connector(world)

    submission = connector.send_cards([without(pan_draft("PAN-2"), MATERIAL), pan_draft("PAN-3")])
    process_imports(sandbox_state)
    refused, accepted = connector.card_outcomes(submission)

    assert refused.sku == "PAN-2" and refused.status == "refused"
    assert refused.errors == ("required_attribute_missing: Не заполнена обязательная характеристика «Материал»",)
    assert accepted.status == "accepted"
    assert connector.find_cards(["PAN-2", "PAN-3"]) == {"PAN-3": accepted.remote_id}


def test_a_value_outside_the_dictionary_and_an_impossible_density_are_refused(env, sandbox_state):
    connector = ozon_connector(seed_seller(sandbox_state, offers=0))
    wrong_material = pan_draft("PAN-4")
    wrong_material = pan_draft("PAN-4", attributes=tuple(
        a if a.attribute_id != str(MATERIAL) else a.__class__(a.attribute_id, a.name, (CardValue("сталь", "1"),))
        for a in wrong_material.attributes))
    lead = pan_draft("PAN-5", weight_kg=Decimal("500"))  # 500 kg in a 25×25×15 cm box: 53 g/cm³

    submission = connector.send_cards([wrong_material, lead])
    process_imports(sandbox_state)
    material, density = connector.card_outcomes(submission)

    assert material.status == "refused" and "«Материал» не из справочника Ozon" in material.errors[0]
    assert density.status == "refused" and density.errors[0].startswith("Incorrect_density: ")


def test_importing_the_same_offer_id_again_updates_the_one_product(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=0)
    connector = ozon_connector(world)

    first = connector.send_cards([pan_draft("PAN-6")])
    process_imports(sandbox_state)
    same = connector.send_cards([pan_draft("PAN-6")])
    renamed = connector.send_cards([pan_draft("PAN-6", name="Кастрюля Tefal 3 л, новая")])
    process_imports(sandbox_state)
    outcomes = [connector.card_outcomes(s)[0] for s in (first, same, renamed)]

    assert [o.status for o in outcomes] == ["accepted"] * 3  # the unchanged one was skipped: nothing to do
    assert len({o.remote_id for o in outcomes}) == 1
    seller = sandbox_state.ozon.seller(int(world.client_id))
    assert [p.name for p in seller.products.values()] == ["Кастрюля Tefal 3 л, новая"]
    assert [r["status"] for t in seller.cards.tasks.values() for r in t.results or []] == \
        ["imported", "skipped", "imported"]


def test_a_card_whose_send_lost_its_answer_is_found_by_its_sku(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=0)
    connector = ozon_connector(world)
    sandbox_state.faults.configure("ozon", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        connector.send_cards([pan_draft("PAN-7"), pan_draft("PAN-8")])
    assert _calls(sandbox_state, "/v3/product/import") == 1, "a lost send is never repeated blindly"
    process_imports(sandbox_state)
    found = connector.find_cards(["PAN-7", "PAN-8", "NEVER-SENT"])

    products = sandbox_state.ozon.seller(int(world.client_id)).products.values()
    assert found == {p.offer_id: str(p.product_id) for p in products} and set(found) == {"PAN-7", "PAN-8"}


def test_a_draft_without_dimensions_is_refused_before_sending_and_the_rest_go(env, sandbox_state):
    connector = ozon_connector(seed_seller(sandbox_state, offers=0))

    submission = connector.send_cards([pan_draft("PAN-9", weight_kg=None), pan_draft("PAN-10")])

    assert submission.sent_skus == ("PAN-10",)
    assert submission.outcomes[0].sku == "PAN-9" and submission.outcomes[0].status == "refused"
    assert "weight is missing" in submission.outcomes[0].errors[0]
    process_imports(sandbox_state)
    assert [(o.sku, o.status) for o in connector.card_outcomes(submission)] == [("PAN-10", "accepted"),
                                                                               ("PAN-9", "refused")]
    nothing = connector.send_cards([pan_draft("PAN-11", length_cm=Decimal("0"))])
    assert nothing.task_id is None and _calls(sandbox_state, "/v3/product/import") == 1


def test_prices_are_accepted_and_the_eleventh_change_in_an_hour_is_refused(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    connector = ozon_connector(world)

    tenth = [connector.push_prices([PriceUpdate("A-1", Decimal(100 + n))]) for n in range(10)]
    eleventh = connector.push_prices([PriceUpdate("A-1", Decimal("111")), PriceUpdate("A-2", Decimal("99.90")),
                                      PriceUpdate("NO-SUCH", Decimal("10"))])
    sandbox_state.ozon.advance(3600)
    later = connector.push_prices([PriceUpdate("A-1", Decimal("111"))])

    assert all(o == [PriceOutcome("A-1", "accepted")] for o in tenth)
    assert eleventh[0].status == "refused" and "не больше 10 раз в час" in (eleventh[0].error or "")
    assert eleventh[1] == PriceOutcome("A-2", "accepted")
    assert eleventh[2].status == "refused" and (eleventh[2].error or "").startswith("NOT_FOUND_ERROR: ")
    assert later == [PriceOutcome("A-1", "accepted")]
    assert sandbox_state.ozon.seller(int(world.client_id)).product("A-1").price == Decimal("111")


def test_the_batch_maxima_are_kept(env, sandbox_state):
    connector = ozon_connector(seed_seller(sandbox_state, offers=0))
    assert (connector.card_batch_size, connector.price_batch_size) == (100, 1000)

    with pytest.raises(ValueError, match="at most 100"):
        connector.send_cards([pan_draft(f"P-{n}") for n in range(101)])
    with pytest.raises(ValueError, match="at most 1000"):
        connector.push_prices([PriceUpdate(f"P-{n}", Decimal(1)) for n in range(1001)])
    submission = connector.send_cards([pan_draft(f"P-{n}") for n in range(100)])
    process_imports(sandbox_state)

    assert _calls(sandbox_state, "/v3/product/import") == 1
    assert {o.status for o in connector.card_outcomes(submission)} == {"accepted"}
    assert len(connector.find_cards([f"P-{n}" for n in range(100)])) == 100


def test_a_gateway_failure_on_a_send_is_an_unknown_outcome_and_nothing_is_resent(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=0)
    connector = ozon_connector(world)
    sandbox_state.faults.configure("ozon", rate=1, kinds=["500"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        connector.send_cards([pan_draft("PAN-12")])
    process_imports(sandbox_state)

    assert _calls(sandbox_state, "/v3/product/import") == 1
    assert connector.find_cards(["PAN-12"]) == {}, "the gateway failed before Ozon took the import"
    submission = connector.send_cards([pan_draft("PAN-12")])  # after the lookup, sending again is safe
    process_imports(sandbox_state)
    assert connector.card_outcomes(submission)[0].status == "accepted"
