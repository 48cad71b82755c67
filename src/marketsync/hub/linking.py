"""The merge's decisions, pure: which canonical product an offer links to (a shared barcode, then vendor + vendor
code, then the link it already has, else a new product), which offer of a product wins its price and stock under
the cabinet's rule, the product's fields from its offers, packs' and bundles' figures, and the content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CHEAPEST, PRIORITY = "cheapest", "priority"
PRICE_RULES = (CHEAPEST, PRIORITY)
KOPECK = Decimal("0.01")
SKU_MAX = 128


def fold(text: str | None) -> str:
    """Return text as the merge compares it: trimmed, inner spaces collapsed, case folded ("" for None)."""
    return " ".join((text or "").split()).casefold()


def vendor_key(vendor: str | None, vendor_code: str | None) -> str | None:
    """Return the lookup key of a vendor + vendor code pair (None unless both are given)."""
    v, c = fold(vendor), fold(vendor_code)
    if not v or not c:
        return None
    return hashlib.sha256(f"{v}\x1f{c}".encode()).hexdigest()


def clean_barcodes(barcodes: Iterable[str] | None) -> list[str]:
    """Return an offer's barcodes trimmed, without empties and repeats, in the supplier's order."""
    seen: dict[str, None] = {}
    for barcode in barcodes or ():
        text = str(barcode).strip()
        if text and len(text) <= 64:
            seen.setdefault(text, None)
    return list(seen)


@dataclass(frozen=True)
class LinkInput:
    """What linking one offer needs to know: its keys, its current link, and what the cabinet's keys name."""

    barcodes: Sequence[str]
    vendor_key: str | None
    current: int | None  # the product the offer is linked to now (None: unlinked, or it is gone)
    by_barcode: Mapping[str, int]  # barcode → product (the cabinet's table, the chunk's barcodes only)
    by_vendor: Mapping[str, int]  # vendor key → product
    taken: frozenset[int] = frozenset()  # products another offer of the same supplier holds


@dataclass(frozen=True)
class Link:
    """The decision for one offer: its product (None: make a new one) and why."""

    product_id: int | None
    reason: str  # barcode | vendor_code | kept | new


def choose_link(offer: LinkInput) -> Link:
    """Decide an offer's product: a shared barcode beats vendor + vendor code, which beats the link it has; a
    product another offer of the same supplier holds is not a candidate (one offer per product per supplier)."""
    for barcode in offer.barcodes:
        product = offer.by_barcode.get(barcode)
        if product is not None and product not in offer.taken:
            return Link(product, "barcode")
    if offer.vendor_key is not None:
        product = offer.by_vendor.get(offer.vendor_key)
        if product is not None and product not in offer.taken:
            return Link(product, "vendor_code")
    if offer.current is not None and offer.current not in offer.taken:
        return Link(offer.current, "kept")
    return Link(None, "new")


def choose_sku(vendor_code: str | None, offer_id: str, supplier_id: int, taken: set[str] | frozenset[str]) -> str:
    """Pick a new product's article: the offer's vendor code when free in the cabinet, else its offer id, else the
    offer id with the supplier's number (the same inputs always give the same article)."""
    code = " ".join((vendor_code or "").split())[:SKU_MAX]
    offer = offer_id.strip()[:SKU_MAX] or f"offer-{supplier_id}"
    for candidate in (code, offer):
        if candidate and candidate not in taken:
            return candidate
    base = f"{offer[:SKU_MAX - 12]}-s{supplier_id}"
    n = 1
    candidate = base
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass(frozen=True)
class Candidate:
    """One offer of a product as the rule sees it, in units of the product (a pack supplier's offer of N is N
    units at a N-th of its price)."""

    offer_pk: int
    supplier_id: int
    priority: int
    price: Decimal  # per unit
    stock: int  # units; 0 when the offer is unavailable or vanished from the supplier's last import
    pack_size: int | None = None  # the supplier sells packs of this many


def as_candidate(offer_pk: int, supplier_id: int, priority: int, price: Decimal, stock: int, available: bool,
                 pack_size: int | None) -> Candidate:
    """Return an offer as a candidate in units of its product: an unavailable offer has no stock."""
    n = pack_size if pack_size and pack_size > 1 else None
    units = max(stock, 0) if available else 0
    unit_price = (price / n).quantize(KOPECK, ROUND_HALF_UP) if n else price
    return Candidate(offer_pk, supplier_id, priority, unit_price, units * (n or 1), n)


def pick_winner(candidates: Sequence[Candidate], rule: str) -> Candidate | None:
    """Return the offer whose price and stock the product takes: `cheapest` is the cheapest in stock (else the
    cheapest), `priority` the in-stock offer of the supplier ranked first (else the first ranked); ties go to the
    other criterion, then the older offer."""
    if not candidates:
        return None
    in_stock = [c for c in candidates if c.stock > 0]
    pool = in_stock or list(candidates)
    if rule == PRIORITY:
        return min(pool, key=lambda c: (c.priority, c.price, c.offer_pk))
    return min(pool, key=lambda c: (c.price, c.priority, c.offer_pk))


def ranked(candidates: Sequence[Candidate], rule: str) -> list[Candidate]:
    """Return the candidates winner first, then in the rule's order (the order gaps in content are filled from)."""
    winner = pick_winner(candidates, rule)
    key = (lambda c: (c.priority, c.price, c.offer_pk)) if rule == PRIORITY else \
        (lambda c: (c.price, c.priority, c.offer_pk))
    rest = sorted((c for c in candidates if c is not winner), key=lambda c: (c.stock <= 0, *key(c)))
    return ([winner] if winner else []) + rest


@dataclass
class Content:
    """The fields a product takes from its offers."""

    name: str = ""
    description: str | None = None
    vendor: str | None = None
    vendor_code: str | None = None
    category: str | None = None
    pictures: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None


SCALARS = ("name", "description", "vendor", "vendor_code", "category", "weight_kg", "length_cm", "width_cm",
           "height_cm")


def merge_content(offers: Sequence[Mapping[str, Any]]) -> Content:
    """Take each field from the first offer that has it (offers given winner first); params are merged by name,
    an earlier offer's value kept."""
    content = Content()
    for offer in offers:
        for name in SCALARS:
            value = offer.get(name)
            if getattr(content, name) in (None, "") and value not in (None, ""):
                setattr(content, name, value)
        if not content.pictures and offer.get("pictures"):
            content.pictures = list(offer["pictures"])
        for key, value in (offer.get("params") or {}).items():
            content.params.setdefault(key, value)
    return content


def pack_figures(base_price: Decimal, base_stock: int, pack_of: int, supplier_price: Decimal | None) -> \
        tuple[Decimal, int]:
    """Return a pack's price (the supplier's pack price when it priced the pack, else the base price × N) and
    stock (whole packs out of the base's stock)."""
    price = supplier_price if supplier_price is not None else (base_price * pack_of).quantize(KOPECK, ROUND_HALF_UP)
    return price, max(base_stock, 0) // max(pack_of, 1)


def bundle_stock(parts: Iterable[tuple[int, int]]) -> int:
    """Return how many bundles the parts make: the minimum over parts of part stock ÷ quantity (0 without parts)."""
    counts = [max(stock, 0) // max(quantity, 1) for stock, quantity in parts]
    return min(counts) if counts else 0


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def content_hash(fields: Mapping[str, Any]) -> str:
    """Return the hash of every field a channel or a feed shows (Decimals by value: 5.0 equals 5.00)."""
    plain = {key: _plain(value) for key, value in sorted(fields.items())}
    return hashlib.sha256(json.dumps(plain, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()
