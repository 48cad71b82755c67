"""Which marketplace offer is which of our products: pure, so the rules are tested without I/O.

Rules, strongest first: a seller's manual mapping; our product key equal to the offer id (Ozon offer_id,
WB vendorCode, YM offerId); then one shared barcode. The sizes of one Wildberries card share the card's
vendorCode, so an offer whose card has several sizes matches by barcode only. A product is matched to one
offer per marketplace at most: pushing one stock to two offers would sell it twice. A barcode that several of
our products carry identifies none of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def match_offers(offers: Iterable[MarketOffer], products: Mapping[str, Iterable[str]],
                 manual: Mapping[str, str] | None = None) -> Matching:
    """Match offers to product keys (`products`: key → its barcodes; `manual`: stock key → product key)."""
    manual = manual or {}
    offers = [offer for offer in offers if not offer.archived]
    owners: dict[str, set[str]] = {}
    for key, barcodes in products.items():
        for barcode in barcodes:
            owners.setdefault(barcode, set()).add(key)
    sizes = Counter(offer.product_id for offer in offers if offer.product_id)
    taken: dict[str, str] = {}  # product key → stock key
    matches: list[Match] = []
    refused: dict[str, Unmatched] = {}

    def claim(offer: MarketOffer, key: str, rule: Rule) -> None:
        if key in taken:
            refused[offer.stock_key] = Unmatched.TAKEN
            return
        taken[key] = offer.stock_key
        matches.append(Match(offer.stock_key, key, rule))

    pending: list[MarketOffer] = []
    for offer in offers:  # manual mappings first, so they win over any automatic rule
        if offer.stock_key not in manual:
            pending.append(offer)
        elif manual[offer.stock_key] == IGNORE:
            refused[offer.stock_key] = Unmatched.IGNORED
        elif manual[offer.stock_key] in products:
            claim(offer, manual[offer.stock_key], Rule.MANUAL)
        else:
            refused[offer.stock_key] = Unmatched.MAPPED_TO_MISSING
    by_barcode: list[MarketOffer] = []
    for offer in pending:
        multi_size = offer.product_id is not None and sizes[offer.product_id] > 1
        if not multi_size and offer.offer_id in products and offer.offer_id not in taken:
            claim(offer, offer.offer_id, Rule.KEY)
        else:
            by_barcode.append(offer)
    for offer in by_barcode:
        candidates = {key for barcode in offer.barcodes for key in owners.get(barcode, ())}
        if len(candidates) == 1:
            claim(offer, candidates.pop(), Rule.BARCODE)
        elif len(candidates) > 1:
            refused[offer.stock_key] = Unmatched.AMBIGUOUS_BARCODE
        elif offer.product_id is not None and sizes[offer.product_id] > 1:
            refused[offer.stock_key] = Unmatched.SIZE_WITHOUT_BARCODE
        elif offer.offer_id in taken:
            refused[offer.stock_key] = Unmatched.TAKEN
        else:
            refused[offer.stock_key] = Unmatched.NO_PRODUCT
    unmatched_offers = tuple((offer, refused[offer.stock_key]) for offer in offers
                             if offer.stock_key in refused)
    return Matching(tuple(matches), unmatched_offers, tuple(key for key in products if key not in taken))
