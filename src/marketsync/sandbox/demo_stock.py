"""Stock variety in the demo catalog: a few products sold in two stores under one article (one product to a
marketplace, its stock summed), and a few sold below zero (a store that sold before the goods were received)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from marketsync.sandbox.state import SandboxState


def vary_stock(state: SandboxState, token: str, store_ids: Sequence[str], seed: int) -> None:
    """Copy about 1 % of the first store's articled products into other stores, set about 1 % below zero."""
    rng = random.Random(seed + 1)  # its own stream: the catalog drawn before stays as it was
    stores = {store: state.evotor.products(token, store) for store in store_ids}
    first, others = store_ids[0], list(store_ids[1:])
    articled = [p for p in stores[first] if p.article_number and p.type != "SERVICE"]
    total = sum(len(products) for products in stores.values())
    for original in rng.sample(articled, min(len(articled), total // 100)) if others else []:
        candidates = [p for p in stores[rng.choice(others)] if not p.article_number and p.type != "SERVICE"]
        if candidates:
            copy = rng.choice(candidates)
            # updated_at kept, so the same seed gives the same dump whenever it is seeded.
            state.evotor.update_product(token, copy.store_id, copy.id, name=original.name,
                                        article_number=original.article_number, barcodes=list(original.barcodes),
                                        measure_name=original.measure_name, updated_at=copy.updated_at)
    goods = [p for products in stores.values() for p in products if p.type != "SERVICE"]
    for product in rng.sample(goods, min(len(goods), total // 100)):
        state.evotor.update_product(token, product.store_id, product.id, quantity=-Decimal(rng.randrange(1, 6)),
                                    updated_at=product.updated_at)
