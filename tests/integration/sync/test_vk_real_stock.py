"""VK's stock following the real stock (the /sync setting): the sum over the enabled stores in whole units, a
product at 0 shown out of stock (not hidden), and only the items whose stock differs written (all dialects)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from builders import Catalog, seed_catalog, seller, vk_items
from marketsync.db import session_scope
from marketsync.sandbox.vk.render import availability
from marketsync.sync import service
from marketsync.sync.chain import sync_catalog
from marketsync.sync.filters import set_store


def _edits(state: Any) -> int:
    return int(state.stats.snapshot()["vk"]["by_method"].get("market.edit", 0))


def _writes(state: Any) -> int:
    return int(state.stats.snapshot()["vk"].get("writes", 0))


def _mode(engine: Engine, account_id: int, mode: str) -> None:
    with session_scope(engine) as session:
        service.save_config(session, account_id=account_id, vk_stock_mode=mode)


def _shop(state: Any) -> tuple[Catalog, dict[str, str]]:
    """Three cheeses in the first store (2.7, 0 and −1 in stock); the first is also sold in a second store (4.5)
    under the same code, so VK shows it as one item; a third store, switched off, holds 100 more of it."""
    catalog = seed_catalog(state, groups=1, per_group=3, not_for_sale=0)
    store = catalog.stores[0]
    group = catalog.groups[store][0]
    products = catalog.products[group]
    for product, quantity in zip(products, ("2.7", "0", "-1"), strict=True):
        state.evotor.update_product(catalog.evotor_token, store, product, quantity=Decimal(quantity))
    code = state.evotor.product(catalog.evotor_token, store, products[0]).code
    for name, quantity in (("Лавка на Садовой", "4.5"), ("Склад", "100")):
        other = state.evotor.add_store(catalog.evotor_token, name, address="Казань")
        state.evotor.add_product(catalog.evotor_token, other, name="Сыр Российский", price=Decimal("100.50"),
                                 measure_name="шт", type="NORMAL", tax="NO_VAT", allow_to_sell=True, code=code,
                                 quantity=Decimal(quantity))
        catalog.stores.append(other)
    return catalog, {"shared": code, "sold_out": state.evotor.product(catalog.evotor_token, store, products[1]).code,
                     "negative": state.evotor.product(catalog.evotor_token, store, products[2]).code}


def test_vk_follows_the_real_stock_and_a_sold_out_item_stays_visible(engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog, codes = _shop(sandbox_state)
    account_id = seller(engine, catalog, enable_all=False)
    with session_scope(engine) as session:
        for store in catalog.stores[:2]:  # the third store stays off
            set_store(session, account_id, store, enabled=True, all_groups=True)
    _mode(engine, account_id, service.VK_STOCK_REAL)

    run = sync_catalog(engine, account_id=account_id)

    assert (run.status, run.created, run.failed) == ("succeeded", 3, 0), run.error
    items = {i.sku: i for i in vk_items(sandbox_state, catalog)}
    assert items[codes["shared"]].stock_amount == 7, "floor(2.7 + 4.5); the store that is off does not count"
    assert items[codes["sold_out"]].stock_amount == 0
    assert items[codes["negative"]].stock_amount == 0, "a negative stock is 0 to a buyer"
    sold_out = items[codes["sold_out"]]
    assert not sold_out.deleted and availability(sold_out) == 2, "out of stock in VK, not hidden"
    shown = {i.sku for i in vk_items(sandbox_state, catalog, visible_only=True)}
    assert shown == set(codes.values()), "buyers still see the sold-out item"

    sandbox_state.stats.reset()
    again = sync_catalog(engine, account_id=account_id)
    assert (again.created, again.updated, again.hidden) == (0, 0, 0)
    assert _writes(sandbox_state) == 0, "a re-run without changes writes nothing"

    sandbox_state.evotor.update_product(catalog.evotor_token, catalog.stores[1],
                                        sandbox_state.evotor.products(catalog.evotor_token, catalog.stores[1])[0].id,
                                        quantity=Decimal("9.9"))
    sandbox_state.stats.reset()
    changed = sync_catalog(engine, account_id=account_id)
    assert (changed.updated, changed.created) == (1, 0)
    assert _edits(sandbox_state) == 1, "one changed stock is one edit"
    assert {i.sku: i.stock_amount for i in vk_items(sandbox_state, catalog)}[codes["shared"]] == 12


def test_switching_the_stock_mode_updates_exactly_the_items_whose_stock_differs(engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog, codes = _shop(sandbox_state)
    account_id = seller(engine, catalog)
    sync_catalog(engine, account_id=account_id)
    assert {i.stock_amount for i in vk_items(sandbox_state, catalog)} == {1000}, "VK_STOCK_AMOUNT by default"

    _mode(engine, account_id, service.VK_STOCK_REAL)
    sandbox_state.stats.reset()
    real = sync_catalog(engine, account_id=account_id)

    assert (real.updated, real.created, real.hidden) == (3, 0, 0)
    assert _edits(sandbox_state) == 3
    stocks = {i.sku: i.stock_amount for i in vk_items(sandbox_state, catalog)}
    assert stocks == {codes["shared"]: 107, codes["sold_out"]: 0, codes["negative"]: 0}  # every store is on

    # One product's real stock happens to equal the fixed amount: switching back leaves that item alone.
    store = catalog.stores[0]
    sold_out = next(p.id for p in sandbox_state.evotor.products(catalog.evotor_token, store)
                    if p.code == codes["sold_out"])
    sandbox_state.evotor.update_product(catalog.evotor_token, store, sold_out, quantity=Decimal("1000"))
    sync_catalog(engine, account_id=account_id)
    _mode(engine, account_id, service.VK_STOCK_FIXED)
    sandbox_state.stats.reset()
    fixed = sync_catalog(engine, account_id=account_id)

    assert (fixed.updated, fixed.skipped) == (2, 1)
    assert _edits(sandbox_state) == 2
    assert {i.stock_amount for i in vk_items(sandbox_state, catalog)} == {1000}
