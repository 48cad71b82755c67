"""The Yandex Market connector publishing cards and prices to its emulator over real HTTP: cards accepted whole,
one bad card among good ones refused alone (YM's all-or-nothing answer resent without it), the catalogue's lag
as `pending`, a lost answer recovered through find_cards, prices, the batch limits, a locked cabinet."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from marketsync.connectors import connect
from marketsync.connectors.capabilities import CardChannel
from marketsync.connectors.card_records import CardAttribute, CardDraft, CardValue, PriceUpdate
from marketsync.connectors.errors import OutcomeUnknownError, TransientError
from marketsync.sandbox.yandex_market.cards import price_of
from marketsync.sandbox.yandex_market.dictionary import MATERIAL
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

BUSINESS, CAMPAIGN, PANS, COOKWARE = 5101, 6101, "91612", "91610"
STEEL = CardAttribute(str(MATERIAL), "Материал", (CardValue("нержавеющая сталь", "13000000"),))


def _draft(n: int, **changes: Any) -> CardDraft:
    fields: dict[str, Any] = {
        "sku": f"PAN-{n:03d}", "name": f"Сковорода {n} см", "category": PANS, "price": Decimal("1990.50"),
        "description": "Сковорода с антипригарным покрытием", "brand": "Kukmara", "vendor_code": f"K{n}",
        "barcodes": ("4601234567893",), "pictures": (f"https://img.example/pan-{n}.jpg",), "attributes": (STEEL,),
        "weight_kg": Decimal("1.2"), "length_cm": Decimal("30"), "width_cm": Decimal("30"),
        "height_cm": Decimal("6.5")}
    return CardDraft(**{**fields, **changes})


def _channel(state) -> CardChannel:  # type: ignore[no-untyped-def]
    token = f"ym-{uuid.uuid4().hex}"  # a fresh key: our own request budgets are shared by the test session
    seed_yandex_market(state.yandex_market, token, business_id=BUSINESS, campaign_id=CAMPAIGN, warehouse_id=7101)
    channel = connect("yandex_market", {"token": token, "business_id": BUSINESS, "campaign_id": CAMPAIGN},
                      connection_key=uuid.uuid4().hex)
    assert isinstance(channel, CardChannel)
    return channel


def _catalogue(state) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return dict(state.yandex_market.offers.get(BUSINESS, {}))


def _requests(state, operation: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot().get("yandex_market", {}).get("by_method", {}).get(operation, 0))


def test_a_batch_of_cards_is_accepted_in_one_request_with_every_field_in_the_catalogue(env, sandbox_state):
    channel = _channel(sandbox_state)

    submission = channel.send_cards([_draft(n) for n in range(3)])

    assert [(o.sku, o.status, o.remote_id) for o in submission.outcomes] == \
        [(f"PAN-{n:03d}", "accepted", f"PAN-{n:03d}") for n in range(3)]
    assert _requests(sandbox_state, "updateOfferMappings") == 1
    card = _catalogue(sandbox_state)["PAN-001"]
    assert card.name == "Сковорода 1 см" and card.barcodes == ["4601234567893"]
    assert card.card["vendor"] == "Kukmara" and card.card["marketCategoryId"] == 91612
    assert card.card["weightDimensions"] == {"length": 30, "width": 30, "height": 6.5, "weight": 1.2}
    assert (card.card["basicPrice"]["value"], card.card["basicPrice"]["currencyId"]) == (1990.5, "RUR")
    assert card.card["parameterValues"] == [{"parameterId": MATERIAL, "value": "нержавеющая сталь",
                                             "valueId": 13000000}]
    assert [o.status for o in channel.card_outcomes(submission)] == ["accepted"] * 3
    assert channel.find_cards(["PAN-000", "PAN-002", "NOPE"]) == {"PAN-000": "PAN-000", "PAN-002": "PAN-002"}


def test_one_bad_card_is_refused_with_yms_error_and_the_good_ones_are_created(env, sandbox_state):
    channel = _channel(sandbox_state)
    drafts = [_draft(0), _draft(1, category=COOKWARE), _draft(2), _draft(3, category="1"),
              _draft(4, attributes=(CardAttribute(str(MATERIAL), "Материал", (CardValue("чугунок"),)),))]

    outcomes = {o.sku: o for o in channel.send_cards(drafts).outcomes}

    assert {sku: o.status for sku, o in outcomes.items()} == {
        "PAN-000": "accepted", "PAN-001": "refused", "PAN-002": "accepted", "PAN-003": "refused",
        "PAN-004": "refused"}
    assert outcomes["PAN-001"].errors[0].startswith("INVALID_CATEGORY: Category 91610 is not a leaf")
    assert outcomes["PAN-003"].errors[0].startswith("UNKNOWN_CATEGORY")
    assert outcomes["PAN-004"].errors[0].startswith(f"UNKNOWN_PARAMETER (parameter {MATERIAL}): Value «чугунок»")
    assert sorted(_catalogue(sandbox_state)) == ["PAN-000", "PAN-002"]
    assert _requests(sandbox_state, "updateOfferMappings") == 2  # refused whole once, then sent without the bad


def test_a_new_card_without_pictures_is_refused_alone_and_an_overlong_name_is_never_sent(env, sandbox_state):
    channel = _channel(sandbox_state)

    outcomes = channel.send_cards([_draft(0, pictures=()), _draft(1), _draft(2, name="С" * 257)]).outcomes

    assert [o.status for o in outcomes] == ["refused", "accepted", "refused"]
    assert outcomes[0].errors == ("NO_REQUIRED_FIELDS: Offer PAN-000: pictures required for a new offer",)
    assert outcomes[2].errors == ("name: 257 characters, at most 256",)
    assert sorted(_catalogue(sandbox_state)) == ["PAN-001"]


def test_an_update_sends_the_card_again_and_changes_it_in_place(env, sandbox_state):
    channel = _channel(sandbox_state)
    channel.send_cards([_draft(0)])

    outcome = channel.send_cards([_draft(0, name="Сковорода 28 см", price=Decimal("2490"))]).outcomes[0]

    assert outcome.status == "accepted"
    assert len(_catalogue(sandbox_state)) == 1 and _catalogue(sandbox_state)["PAN-000"].name == "Сковорода 28 см"
    assert price_of(sandbox_state.yandex_market, BUSINESS, "PAN-000") == 2490


def test_a_card_the_catalogue_does_not_show_yet_is_pending_until_it_does(env, sandbox_state):
    channel = _channel(sandbox_state)
    sandbox_state.yandex_market.card_delay_s = 120

    submission = channel.send_cards([_draft(0), _draft(1, category=COOKWARE)])

    assert [o.status for o in channel.card_outcomes(submission)] == ["pending", "refused"]
    sandbox_state.yandex_market.advance(121)
    assert [(o.status, o.remote_id) for o in channel.card_outcomes(submission)] == \
        [("accepted", "PAN-000"), ("refused", None)]


def test_a_lost_answer_raises_outcome_unknown_and_find_cards_shows_the_card_was_created(env, sandbox_state):
    channel = _channel(sandbox_state)
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        channel.send_cards([_draft(0), _draft(1)])

    assert _requests(sandbox_state, "updateOfferMappings") == 1, "a write with an unknown outcome is never resent"
    assert channel.find_cards(["PAN-000", "PAN-001", "PAN-002"]) == {"PAN-000": "PAN-000", "PAN-001": "PAN-001"}


def test_prices_are_set_for_the_business_and_an_unknown_offer_is_refused_alone(env, sandbox_state):
    channel = _channel(sandbox_state)
    channel.send_cards([_draft(0), _draft(1)])

    outcomes = channel.push_prices([PriceUpdate("PAN-000", Decimal("1500")), PriceUpdate("GHOST", Decimal("10")),
                                    PriceUpdate("PAN-001", Decimal("999.90")), PriceUpdate("PAN-9", Decimal(0))])

    assert [(o.sku, o.status) for o in outcomes] == [("PAN-000", "accepted"), ("GHOST", "refused"),
                                                     ("PAN-001", "accepted"), ("PAN-9", "refused")]
    assert outcomes[1].error == "OFFER_NOT_FOUND: Offer not found in the catalogue: GHOST"
    assert outcomes[3].error == "price 0 must be above zero"
    assert price_of(sandbox_state.yandex_market, BUSINESS, "PAN-000") == 1500
    assert price_of(sandbox_state.yandex_market, BUSINESS, "PAN-001") == 999.9


def test_the_connector_refuses_more_than_the_documented_batches(env, sandbox_state):
    channel = _channel(sandbox_state)
    assert (channel.card_batch_size, channel.price_batch_size) == (100, 500)

    with pytest.raises(ValueError):
        channel.send_cards([_draft(n) for n in range(101)])
    with pytest.raises(ValueError):
        channel.push_prices([PriceUpdate(f"S{n}", Decimal(1)) for n in range(501)])
    with pytest.raises(ValueError):
        channel.send_cards([_draft(1), _draft(1)])
    assert _requests(sandbox_state, "updateOfferMappings") == _requests(sandbox_state, "updateBusinessPrices") == 0


def test_one_request_carries_100_cards(env, sandbox_state):
    channel = _channel(sandbox_state)

    outcomes = channel.send_cards([_draft(n) for n in range(100)]).outcomes

    assert all(o.status == "accepted" for o in outcomes) and len(_catalogue(sandbox_state)) == 100
    assert _requests(sandbox_state, "updateOfferMappings") == 1


def test_a_locked_cabinet_is_a_transient_error_and_nothing_is_applied(env, sandbox_state):
    channel = _channel(sandbox_state)
    sandbox_state.yandex_market.locked.add(BUSINESS)

    with pytest.raises(TransientError) as raised:
        channel.send_cards([_draft(0)])

    assert not isinstance(raised.value, OutcomeUnknownError) and "locked" in raised.value.message
    assert _catalogue(sandbox_state) == {}
