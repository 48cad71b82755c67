"""Decide which canonical products a publish sends to one marketplace as cards, without any I/O.

A product is a candidate for a channel only when its category is mapped to one of the channel's categories.
A candidate is held back, and nothing is sent for it, when moderation rejected it (or still waits for a person)
or when a required attribute of the channel's category has no value: the reasons name the verdict's reasons or
the missing attributes. Every other candidate is sent: created when the channel has no card of it (no bound id
and no card with its sku there), updated when its card payload changed since the channel last accepted one, sent
again when the channel refused the last one; an unchanged accepted product is left alone. A card that the channel
already holds under the product's sku but that we never bound is adopted (bound, then updated if it differs):
that is how a crash between "accepted" and "bound" never makes a second card.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class CardReason(StrEnum):
    """Why a product is sent or not."""

    NEW = "no card on the marketplace yet"
    ADOPT = "the marketplace holds a card with this article that we had not bound"
    CHANGED = "changed since the marketplace last accepted it"
    REFUSED_BEFORE = "the marketplace refused the last version: sent again"
    IN_FLIGHT = "sent before and its result is not known yet: asked again"
    UNCHANGED = "unchanged since the marketplace accepted it"
    NOT_MAPPED = "its category is not mapped to this marketplace"
    MODERATION_REJECTED = "rejected by moderation"
    MODERATION_PENDING = "waiting for moderation"
    MISSING_ATTRIBUTES = "required attributes missing"


SENT = frozenset({CardReason.NEW, CardReason.ADOPT, CardReason.CHANGED, CardReason.REFUSED_BEFORE,
                  CardReason.IN_FLIGHT})
NOT_SENT = frozenset({CardReason.MODERATION_REJECTED, CardReason.MODERATION_PENDING, CardReason.MISSING_ATTRIBUTES})


@dataclass(frozen=True, slots=True)
class CardCandidate:
    """What the pipeline knows of one product for one channel before deciding.

    `payload_hash` is the hash of the exact card the channel would receive; `accepted_hash` the hash of the last
    card the channel accepted (None: never), `refused` whether the last one sent was refused, `in_flight` whether
    one was sent and its asynchronous result never read. `remote_id` is the card's id bound to the product, and
    `remote_has_sku` whether the channel's own list shows a card with the product's sku.
    """

    product_id: int
    sku: str
    payload_hash: str
    category_mapped: bool = True
    verdict: str = "approve"  # approve | reject | pending (moderation)
    verdict_reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # names of the required attributes without a value
    remote_id: str | None = None
    remote_has_sku: bool = False
    accepted_hash: str | None = None
    refused: bool = False
    in_flight: bool = False


@dataclass(frozen=True, slots=True)
class CardAction:
    """One decision for one product: send its card (create or update) or not, and why."""

    candidate: CardCandidate
    reason: CardReason
    details: tuple[str, ...] = field(default=())

    @property
    def send(self) -> bool:
        """Whether the card is sent."""
        return self.reason in SENT

    @property
    def create(self) -> bool:
        """Whether sending it creates a card (the channel holds none under this sku)."""
        return self.reason is CardReason.NEW

    @property
    def held_back(self) -> bool:
        """Whether the product is a candidate the seller must act on (moderation or attributes)."""
        return self.reason in NOT_SENT


def decide_card(candidate: CardCandidate) -> CardAction | None:
    """Decide one product; None when it is no candidate for the channel (its category is not mapped)."""
    if not candidate.category_mapped:
        return None
    if candidate.verdict == "reject":
        return CardAction(candidate, CardReason.MODERATION_REJECTED, candidate.verdict_reasons)
    if candidate.verdict != "approve":
        return CardAction(candidate, CardReason.MODERATION_PENDING, candidate.verdict_reasons)
    if candidate.missing:
        return CardAction(candidate, CardReason.MISSING_ATTRIBUTES, candidate.missing)
    if candidate.remote_id is None:
        return CardAction(candidate, CardReason.ADOPT if candidate.remote_has_sku else CardReason.NEW)
    if candidate.in_flight:
        return CardAction(candidate, CardReason.IN_FLIGHT)
    if candidate.refused:
        return CardAction(candidate, CardReason.REFUSED_BEFORE)
    if candidate.accepted_hash != candidate.payload_hash:
        return CardAction(candidate, CardReason.CHANGED)
    return CardAction(candidate, CardReason.UNCHANGED)


def plan_cards(candidates: Iterable[CardCandidate]) -> list[CardAction]:
    """Decide every product for one channel, in the order given; products of unmapped categories are left out."""
    return [action for action in map(decide_card, candidates) if action is not None]


def describe(action: CardAction) -> str:
    """Say one decision in a line, as `marketsync catalog publish` prints a product it did not send."""
    text = action.reason.value
    if action.details:
        text += ": " + ", ".join(action.details)
    return f"{action.candidate.sku}: {text}"
