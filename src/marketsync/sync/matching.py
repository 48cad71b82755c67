"""Which marketplace offer is which of our products: pure, so the rules are tested without I/O.

Rules, strongest first: a seller's manual mapping; our product key equal to the offer id (Ozon offer_id,
WB vendorCode, YM offerId); then one shared barcode. The sizes of one Wildberries card share the card's
vendorCode, so an offer whose card has several sizes matches by barcode only. A product is matched to one
offer per marketplace at most: pushing one stock to two offers would sell it twice. A barcode that several of
our products carry identifies none of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from marketsync.connectors.records import MarketOffer


class Rule(StrEnum):
    """How an offer was matched (or why not)."""

    MANUAL = "manual"
    KEY = "key"
    BARCODE = "barcode"


class Unmatched(StrEnum):
    """Why an offer has no product of ours."""

    NO_PRODUCT = "no product with this offer id or barcode"
    SIZE_WITHOUT_BARCODE = "a size of a card with several sizes: no product of ours has its barcode"
    AMBIGUOUS_BARCODE = "its barcode belongs to several of our products"
    TAKEN = "its product is already matched to another offer"
    MAPPED_TO_MISSING = "mapped by hand to a product that is no longer in the enabled stores"
    IGNORED = "ignored by the seller"


IGNORE = ""  # a manual mapping to the empty key: the seller says this offer is not ours


@dataclass(frozen=True, slots=True)
class Match:
    """One offer matched to one of our product keys."""

    stock_key: str
    product_key: str
    rule: Rule


@dataclass(frozen=True, slots=True)
class Matching:
    """The matches, and the offers and product keys left over, with reasons."""

    matches: tuple[Match, ...]
    unmatched_offers: tuple[tuple[MarketOffer, Unmatched], ...]
    unmatched_products: tuple[str, ...]


@dataclass
class Lookups:
    """What the rules consult: all of it for a whole matching, or only what one chunk of offers touches when the
    push walks the offers chunk by chunk (sync.stock_matcher)."""

    products: Container[str]  # our product keys
    owners: Mapping[str, set[str]] = field(default_factory=dict)  # barcode → our product keys carrying it
    sizes: Mapping[str, int] = field(default_factory=dict)  # card (product id) → its listed, unarchived sizes
    taken: set[str] = field(default_factory=set)  # product keys matched already (grows with every claim)

    def multi_size(self, offer: MarketOffer) -> bool:
        """Whether the offer is one size of a card listing several."""
        return offer.product_id is not None and self.sizes.get(offer.product_id, 0) > 1


Refusal = tuple[MarketOffer, Unmatched]


def _claim(offer: MarketOffer, key: str, rule: Rule, lookups: Lookups, matches: list[Match],
           refused: list[Refusal]) -> None:
    if key in lookups.taken:
        refused.append((offer, Unmatched.TAKEN))
        return
    lookups.taken.add(key)
    matches.append(Match(offer.stock_key, key, rule))


def match_manual(mapped: Iterable[tuple[MarketOffer, str]], lookups: Lookups) -> tuple[list[Match], list[Refusal]]:
    """Apply the seller's mappings (offer, the product key it names or IGNORE), in offer order."""
    matches: list[Match] = []
    refused: list[Refusal] = []
    for offer, key in mapped:
        if key == IGNORE:
            refused.append((offer, Unmatched.IGNORED))
        elif key in lookups.products:
            _claim(offer, key, Rule.MANUAL, lookups, matches, refused)
        else:
            refused.append((offer, Unmatched.MAPPED_TO_MISSING))
    return matches, refused


def match_by_key(offers: Iterable[MarketOffer], lookups: Lookups) -> tuple[list[Match], list[MarketOffer]]:
    """Match offers whose id is one of our keys (not sizes of a multi-size card); return the rest for barcodes."""
    matches: list[Match] = []
    rest: list[MarketOffer] = []
    for offer in offers:
        if not lookups.multi_size(offer) and offer.offer_id in lookups.products \
                and offer.offer_id not in lookups.taken:
            _claim(offer, offer.offer_id, Rule.KEY, lookups, matches, [])
        else:
            rest.append(offer)
    return matches, rest


def match_by_barcode(offers: Iterable[MarketOffer], lookups: Lookups) -> tuple[list[Match], list[Refusal]]:
    """Match the offers left by one shared barcode, saying for each of the others why it has no product."""
    matches: list[Match] = []
    refused: list[Refusal] = []
    for offer in offers:
        candidates = {key for barcode in offer.barcodes for key in lookups.owners.get(barcode, ())}
        if len(candidates) == 1:
            _claim(offer, candidates.pop(), Rule.BARCODE, lookups, matches, refused)
        elif len(candidates) > 1:
            refused.append((offer, Unmatched.AMBIGUOUS_BARCODE))
        elif lookups.multi_size(offer):
            refused.append((offer, Unmatched.SIZE_WITHOUT_BARCODE))
        elif offer.offer_id in lookups.taken:
            refused.append((offer, Unmatched.TAKEN))
        else:
            refused.append((offer, Unmatched.NO_PRODUCT))
    return matches, refused


def match_offers(offers: Iterable[MarketOffer], products: Mapping[str, Iterable[str]],
                 manual: Mapping[str, str] | None = None) -> Matching:
    """Match offers to product keys (`products`: key → its barcodes; `manual`: stock key → product key)."""
    manual = manual or {}
    offers = [offer for offer in offers if not offer.archived]
    owners: dict[str, set[str]] = {}
    for key, barcodes in products.items():
        for barcode in barcodes:
            owners.setdefault(barcode, set()).add(key)
    lookups = Lookups(products=products, owners=owners,
                      sizes=Counter(offer.product_id for offer in offers if offer.product_id))
    # Manual mappings first, so they win over any automatic rule; then keys; then barcodes.
    matches, refused = match_manual(((o, manual[o.stock_key]) for o in offers if o.stock_key in manual), lookups)
    by_key, rest = match_by_key((o for o in offers if o.stock_key not in manual), lookups)
    by_barcode, left = match_by_barcode(rest, lookups)
    reasons = {offer.stock_key: why for offer, why in refused + left}
    return Matching(tuple(matches + by_key + by_barcode),
                    tuple((offer, reasons[offer.stock_key]) for offer in offers if offer.stock_key in reasons),
                    tuple(key for key in products if key not in lookups.taken))
