"""The publish plan: which products a marketplace receives as cards, which are held back and why."""

from __future__ import annotations

import pytest

from marketsync.sync.card_plan import CardCandidate, CardReason, decide_card, describe, plan_cards


def card(**fields: object) -> CardCandidate:
    """A bound, accepted, approved, fully attributed product unless told otherwise."""
    values: dict[str, object] = {"product_id": 1, "sku": "A-1", "payload_hash": "h1", "remote_id": "101",
                                 "accepted_hash": "h1"}
    values.update(fields)
    return CardCandidate(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fields", "reason"), [
    ({}, CardReason.UNCHANGED),
    ({"payload_hash": "h2"}, CardReason.CHANGED),
    ({"refused": True}, CardReason.REFUSED_BEFORE),
    ({"in_flight": True}, CardReason.IN_FLIGHT),
    ({"remote_id": None, "accepted_hash": None}, CardReason.NEW),
    ({"remote_id": None, "accepted_hash": None, "remote_has_sku": True}, CardReason.ADOPT),
    ({"verdict": "reject", "verdict_reasons": ("forbidden word «реплика»",)}, CardReason.MODERATION_REJECTED),
    ({"verdict": "pending"}, CardReason.MODERATION_PENDING),
    ({"missing": ("Бренд", "Вес")}, CardReason.MISSING_ATTRIBUTES),
])
def test_each_case_gets_its_reason(fields: dict[str, object], reason: CardReason) -> None:
    action = decide_card(card(**fields))
    assert action is not None and action.reason is reason


def test_an_unchanged_accepted_product_is_not_sent_again() -> None:
    action = decide_card(card())
    assert action is not None and not action.send and not action.held_back


def test_only_a_product_without_any_card_is_created() -> None:
    created = decide_card(card(remote_id=None, accepted_hash=None))
    adopted = decide_card(card(remote_id=None, accepted_hash=None, remote_has_sku=True))
    assert created is not None and created.send and created.create
    assert adopted is not None and adopted.send and not adopted.create, "a card found by its sku is never made twice"


def test_moderation_and_missing_attributes_win_over_everything_else() -> None:
    rejected = decide_card(card(verdict="reject", missing=("Бренд",), payload_hash="h9"))
    missing = decide_card(card(missing=("Бренд",), remote_id=None))
    assert rejected is not None and rejected.reason is CardReason.MODERATION_REJECTED and not rejected.send
    assert missing is not None and missing.reason is CardReason.MISSING_ATTRIBUTES and missing.held_back


def test_products_of_unmapped_categories_are_no_candidates() -> None:
    actions = plan_cards([card(product_id=1), card(product_id=2, sku="B-2", category_mapped=False)])
    assert [action.candidate.sku for action in actions] == ["A-1"]


def test_a_held_back_product_is_described_with_what_to_fix() -> None:
    action = decide_card(card(sku="KR-7", missing=("Бренд", "Вес")))
    assert action is not None
    assert describe(action) == "KR-7: required attributes missing: Бренд, Вес"
