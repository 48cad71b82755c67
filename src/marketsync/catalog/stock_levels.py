"""The stock a seller offers, as pure rules: a product's stock key across stores and the whole units it offers
(the sum of its quantities over the enabled stores, a negative store counted as 0, floored, less a reserve).
The stock pipelines and the VK mirror's "follow the real stock" mode both count with these functions."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# What a stock key is made of. Marketplaces name an offer by the seller's article (Ozon offer_id, WB
# vendorCode, YM offerId), so an article or a code can match one; a source id ("id") never does: such a
# product is matched by a shared barcode or by hand only.
ARTICLE, CODE, SOURCE_ID = "article", "code", "id"
KEY_MAX = 128  # products.stock_key is VARCHAR(128)


def stock_key(article_number: str | None, code: str | None, external_id: str) -> tuple[str, str]:
    """Return a product's stock key and what it is: its article, else its code, else its source id."""
    if article_number and article_number.strip():
        return article_number.strip()[:KEY_MAX], ARTICLE
    if code and code.strip():
        return code.strip()[:KEY_MAX], CODE
    return external_id[:KEY_MAX], SOURCE_ID


def key_kind(key: str, article_number: str | None, code: str | None) -> str:
    """Say which rule produced a stored stock key (article, code or source id)."""
    if article_number and article_number.strip()[:KEY_MAX] == key:
        return ARTICLE
    if code and code.strip()[:KEY_MAX] == key:
        return CODE
    return SOURCE_ID


def whole_units(quantities: Iterable[Decimal | None]) -> int:
    """Return floor(sum of the quantities), a negative or unknown quantity counted as 0."""
    total = sum((q for q in quantities if q is not None and q > 0), Decimal(0))
    return math.floor(total)


def offered_stock(quantities: Iterable[Decimal | None], reserve: int = 0) -> int:
    """Return the units offered: whole_units(quantities) − reserve, never below 0."""
    return max(whole_units(quantities) - max(reserve, 0), 0)


@dataclass(frozen=True, slots=True)
class StockRow:
    """One product of one store with its quantity there, as the catalog holds it."""

    product_id: int
    store_external_id: str
    key: str
    article_number: str | None
    code: str | None
    name: str
    barcodes: tuple[str, ...]
    quantity: Decimal | None  # None: the source never reported one (counted as 0)


@dataclass(frozen=True, slots=True)
class ProductStock:
    """One product key's stock over the enabled stores: what a marketplace is offered for it."""

    key: str
    key_kind: str  # ARTICLE, CODE or SOURCE_ID: only the first two can equal a marketplace offer id
    name: str  # as the first enabled store (in the order the seller enabled them) names it
    barcodes: tuple[str, ...]  # every barcode of the key in the enabled stores, in first-seen order
    total: int  # floor(sum of max(quantity, 0)) over the enabled stores
    offered: int  # total − reserve, never below 0
    product_ids: tuple[int, ...]  # the catalog rows counted (one per enabled store selling it)


def stock_levels(rows: Iterable[StockRow], enabled_stores: Sequence[str], reserve: int = 0) -> list[ProductStock]:
    """Group rows by key and count each key's stock over the enabled stores (`enabled_stores` in the order the
    seller enabled them); a key that only stores not enabled sell is left out: it is not ours to offer."""
    rank = {store: number for number, store in enumerate(enabled_stores)}
    by_key: dict[str, list[StockRow]] = {}
    for row in rows:
        if row.store_external_id in rank:
            by_key.setdefault(row.key, []).append(row)
    levels = []
    for key, group in by_key.items():
        group.sort(key=lambda r: (rank[r.store_external_id], r.product_id))
        first = group[0]
        total = whole_units(r.quantity for r in group)
        levels.append(ProductStock(
            key=key, key_kind=key_kind(key, first.article_number, first.code), name=first.name,
            barcodes=tuple(dict.fromkeys(b for r in group for b in r.barcodes)), total=total,
            offered=max(total - max(reserve, 0), 0), product_ids=tuple(r.product_id for r in group),
        ))
    return levels
