"""Which product of a product key sets its one channel item, and why every other product of the source does not.

Pure (no I/O): a key's products across stores are split into the chosen one (the first store the seller enabled,
or wherever the seller's own rule publishes it), copies (eligible products of the same key in other stores: one
channel item per key) and the products outside the seller's choice (store not enabled, group switched off), each
with the reason the run's journal keeps, so a run accounts for every product of the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from marketsync.catalog.models import Product
from marketsync.sync.filters import Scope

COPY, UNSELECTED = "copy", "unselected"  # the journal outcomes of products that set no item


@dataclass
class Choice:
    """A key's products split: the chosen one, copies of it, and those outside the selection with why."""

    chosen: Product | None = None
    copies: list[Product] = field(default_factory=list)
    outside: list[Product] = field(default_factory=list)


def choose(products: Sequence[Product], scope: Scope, rule: bool | None) -> Choice:
    """Split a key's products; a seller's rule (publish or withhold) makes every product of the key eligible."""
    eligible = [p for p in products if scope.group_enabled(p.store_external_id, p.group_external_id)]
    if rule is not None and not eligible:
        eligible = list(products)
    if not eligible:
        return Choice(outside=list(products))
    chosen = min(eligible, key=lambda p: (scope.store_rank(p.store_external_id), p.id))
    taken = {id(p) for p in eligible}
    return Choice(chosen=chosen, copies=[p for p in eligible if p is not chosen],
                  outside=[p for p in products if id(p) not in taken])


def copy_reason(product: Product, chosen: Product, stores: Mapping[str, str]) -> str:
    """Say why a product of another store sets no item of its own (the plan's English, as its logs)."""
    return (f"a copy in «{stores.get(product.store_external_id, product.store_external_id)}»: the item is made "
            f"from «{stores.get(chosen.store_external_id, chosen.store_external_id)}»")


def outside_reason(product: Product, scope: Scope, stores: Mapping[str, str],
                   groups: Mapping[tuple[str, str], str]) -> str:
    """Say why a product is outside the seller's selection: its store is off, or its group is."""
    store = stores.get(product.store_external_id, product.store_external_id)
    if not scope.store_enabled(product.store_external_id):
        return f"store «{store}» is not chosen"
    if not product.group_external_id:
        return f"products without a group are switched off in «{store}»"
    group = groups.get((product.store_external_id, product.group_external_id), product.group_external_id)
    return f"group «{group}» is switched off in «{store}»"
