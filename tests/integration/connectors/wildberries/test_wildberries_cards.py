"""The Wildberries connector as a CardChannel against the emulated WB: cards queued, then made or refused on the
emulator's clock, updates that keep WB's sizes and barcodes, a lost answer recovered by find_cards, prices applied
or quarantined, and the batch maxima."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue, PriceUpdate
from marketsync.connectors.errors import OutcomeUnknownError

POT, MATERIAL, VOLUME = "1234", "17596", "88952"  # the sandbox's «Кастрюли»: Материал изделия and Объем (л) required


def _draft(sku: str, **changes: object) -> CardDraft:
    values: dict[str, object] = {
        "sku": sku, "name": f"Кастрюля {sku}", "category": POT, "price": Decimal("1990.40"),
        "description": "Эмалированная кастрюля", "brand": "Демо-Посуда", "barcodes": ("4600000000017",),
        "attributes": (CardAttribute(MATERIAL, "Материал изделия", (CardValue("сталь"),)),
                       CardAttribute(VOLUME, "Объем (л)", (CardValue("3,5"),))),
        "weight_kg": Decimal("1.2345"), "length_cm": Decimal("30.2"), "width_cm": Decimal("30"),
        "height_cm": Decimal("18")}
    values.update(changes)
    return CardDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def wb(wb_seller, wb_connector, sandbox_state):  # type: ignore[no-untyped-def]
    """A seller with no cards yet and the connector over its token."""
    seller = wb_seller()
    return seller, wb_connector(seller["token"]), sandbox_state.wildberries


def _cards(state, seller):  # type: ignore[no-untyped-def]
    return {card.vendor_code: card for card in state.seller(seller["token"]).cards.values()}


def test_cards_are_pending_until_wb_processes_them_then_accepted_with_their_nmids(wb):
    seller, connector, state = wb
    submission = connector.send_cards([_draft("POT-1"), _draft("POT-2", barcodes=())])

    assert submission.task_id is None and submission.sent_skus == ("POT-1", "POT-2")
    assert [o.status for o in connector.card_outcomes(submission)] == ["pending", "pending"]

    state.advance_clock(5)
    outcomes = connector.card_outcomes(submission)

    cards = _cards(state, seller)
    assert [(o.sku, o.status, o.remote_id) for o in outcomes] == [
        ("POT-1", "accepted", str(cards["POT-1"].nm_id)), ("POT-2", "accepted", str(cards["POT-2"].nm_id))]
    made = cards["POT-1"]
    assert (made.title, made.brand, made.price, made.sizes[0].skus) == ("Кастрюля POT-1", "Демо-Посуда", 1990,
                                                                       ["4600000000017"])
    assert made.dimensions == {"length": 31, "width": 30, "height": 18, "weightBrutto": 1.235}
    assert {c["name"]: c["value"] for c in made.characteristics} == {"Материал изделия": ["сталь"], "Объем (л)": 3.5}
    assert len(cards["POT-2"].sizes[0].skus[0]) == 13  # WB made a barcode for a card sent without one


def test_a_missing_required_characteristic_is_refused_with_wbs_text(wb):
    seller, connector, state = wb
    draft = _draft("POT-1", attributes=(CardAttribute(MATERIAL, "Материал изделия", (CardValue("сталь"),)),))
    submission = connector.send_cards([draft])
    state.advance_clock(5)

    [outcome] = connector.card_outcomes(submission)

    assert outcome.status == "refused"
    assert outcome.errors == ("Не заполнена обязательная характеристика «Объем (л)»",)
    assert _cards(state, seller) == {}


def test_a_refused_card_sent_again_fixed_is_pending_then_accepted_not_refused_by_the_old_batch(wb):
    _seller, connector, state = wb
    broken = _draft("POT-1", attributes=())
    first = connector.send_cards([broken])
    state.advance_clock(5)
    assert connector.card_outcomes(first)[0].status == "refused"

    again = connector.send_cards([_draft("POT-1")])

    assert connector.card_outcomes(again)[0].status == "pending"
    state.advance_clock(5)
    assert connector.card_outcomes(again)[0].status == "accepted"


def test_an_update_keeps_wbs_size_ids_and_barcodes_and_adds_ours(wb):
    seller, connector, state = wb
    created = connector.send_cards([_draft("POT-1")])
    state.advance_clock(5)
    nm_id = connector.card_outcomes(created)[0].remote_id
    chrt_before = _cards(state, seller)["POT-1"].sizes[0].chrt_id

    submission = connector.send_cards([_draft("POT-1", name="Кастрюля новая", remote_id=nm_id,
                                              barcodes=("4600000000024",))])
    assert connector.card_outcomes(submission)[0].status == "pending"  # WB still shows the old card
    state.advance_clock(5)
    [outcome] = connector.card_outcomes(submission)

    card = _cards(state, seller)["POT-1"]
    assert (outcome.status, outcome.remote_id) == ("accepted", nm_id)
    assert (card.title, [s.chrt_id for s in card.sizes]) == ("Кастрюля новая", [chrt_before])
    assert card.sizes[0].skus == ["4600000000017", "4600000000024"]


def test_find_cards_adopts_a_card_whose_upload_answer_was_lost(wb, sandbox_state):
    seller, connector, state = wb
    sandbox_state.faults.configure("wildberries", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        connector.send_cards([_draft("POT-1")])
    state.advance_clock(5)

    assert connector.find_cards(["POT-1", "POT-404"]) == {"POT-1": str(_cards(state, seller)["POT-1"].nm_id)}


def test_a_title_over_60_characters_is_refused_without_an_upload(wb, sandbox_state):
    _seller, connector, _state = wb

    submission = connector.send_cards([_draft("POT-1", name="К" * 61)])

    assert submission.sent_skus == () and submission.outcomes[0].status == "refused"
    assert "60" in submission.outcomes[0].errors[0]
    by_method = sandbox_state.stats.snapshot().get("wildberries", {}).get("by_method", {})
    assert "POST /content/v2/cards/upload" not in by_method


def test_prices_are_accepted_and_a_steep_drop_is_quarantined_not_refused(wb):
    seller, connector, state = wb
    created = connector.send_cards([_draft("POT-1"), _draft("POT-2", barcodes=())])
    state.advance_clock(5)
    ids = {o.sku: o.remote_id for o in connector.card_outcomes(created)}

    first = connector.push_prices([PriceUpdate("POT-1", Decimal("2500"), ids["POT-1"]),
                                   PriceUpdate("POT-2", Decimal("900.50"), ids["POT-2"])])
    assert [(o.sku, o.status) for o in first] == [("POT-1", "accepted"), ("POT-2", "accepted")]
    assert _cards(state, seller)["POT-2"].price == 901

    steep = connector.push_prices([PriceUpdate("POT-1", Decimal("700"), ids["POT-1"]),
                                   PriceUpdate("POT-2", Decimal("850"), ids["POT-2"])])

    assert [o.status for o in steep] == ["quarantined", "accepted"]
    assert "Price Quarantine" in (steep[0].error or "")
    assert _cards(state, seller)["POT-1"].price == 2500  # WB kept the old price
    assert list(state.seller(seller["token"]).pricing.quarantine) == [int(ids["POT-1"] or 0)]


def test_a_price_already_set_is_accepted_and_one_without_nmid_refused(wb):
    _seller, connector, state = wb
    created = connector.send_cards([_draft("POT-1")])
    state.advance_clock(5)
    nm_id = connector.card_outcomes(created)[0].remote_id

    same = connector.push_prices([PriceUpdate("POT-1", Decimal("1990"), nm_id), PriceUpdate("NEW", Decimal("10"))])

    assert [(o.status, o.error) for o in same] == [("accepted", None),
                                                   ("refused", "the card has no nmID on Wildberries yet")]


def test_batches_over_the_documented_maxima_are_refused_before_sending(wb):
    _seller, connector, _state = wb

    with pytest.raises(ValueError, match="at most 100"):
        connector.send_cards([_draft(f"P{i}") for i in range(connector.card_batch_size + 1)])
    with pytest.raises(ValueError, match="at most 1000"):
        connector.push_prices([PriceUpdate(f"P{i}", Decimal(1), str(i + 1)) for i in range(1001)])


def test_a_429_on_upload_waits_as_wb_says_and_sends_once_more(wb, sandbox_state):
    _seller, connector, state = wb
    sandbox_state.faults.configure("wildberries", rate=1, kinds=["429"], retry_after=1, max_faults=1)

    submission = connector.send_cards([_draft("POT-1")])
    state.advance_clock(5)

    assert submission.sent_skus == ("POT-1",) and connector.find_cards(["POT-1"]).keys() == {"POT-1"}
    assert sandbox_state.faults.config("wildberries").injected == 1


def test_a_500_on_a_price_upload_is_an_unknown_outcome_never_resent_blindly(wb, sandbox_state):
    _seller, connector, state = wb
    created = connector.send_cards([_draft("POT-1")])
    state.advance_clock(5)
    nm_id = connector.card_outcomes(created)[0].remote_id
    sandbox_state.faults.configure("wildberries", rate=1, kinds=["500"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        connector.push_prices([PriceUpdate("POT-1", Decimal("2100"), nm_id)])
