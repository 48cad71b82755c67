"""Pushing Evotor stock to Ozon, Wildberries and Yandex Market: exact, minimal, batched, and nothing foreign
touched; every number read back through the marketplaces' own APIs (the emulators)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from sqlalchemy import select

from marketsync.catalog.models import Product
from marketsync.db import session_scope
from marketsync.settings import get_settings
from marketsync.stocks.service import MARKETPLACES, sync_stocks
from marketsync.sync.filters import set_store

from .conftest import StockWorld


def _sync(world: StockWorld, **options: bool) -> dict[str, object]:
    world.state.ozon.advance(31)  # past Ozon's one-update-per-30-s rule for each offer
    return {o.system: o for o in sync_stocks(world.engine, account_id=world.account_id, systems=list(MARKETPLACES),
                                             **options)}


def _evotor_product(world: StockWorld, key: str) -> tuple[str, str]:
    """Return (store, product id) in Evotor of one of our product keys."""
    with session_scope(world.engine) as session:
        row = session.execute(select(Product.store_external_id, Product.external_id).where(
            Product.account_id == world.account_id, Product.stock_key == key)).first()
        assert row is not None
        return row[0], row[1]


def test_first_push_makes_every_marketplace_hold_our_stock_and_a_rerun_writes_nothing(world: StockWorld) -> None:
    first = _sync(world)
    for system in MARKETPLACES:
        report = first[system].report  # type: ignore[attr-defined]
        assert report.matched > 10 and report.pushed > 0, system
        offered = world.offered(system)
        held = world.remote_stock(system, list(offered))
        refused = {k for k in offered if held.get(k) != offered[k]}
        assert len(refused) == report.rejected, f"{system}: every item but the refused ones holds our stock"

    before = world.writes()
    second = _sync(world)
    for system in MARKETPLACES:
        rejected = first[system].report.rejected  # type: ignore[attr-defined]
        assert second[system].report.changed == rejected, "only what was refused is tried again"  # type: ignore[attr-defined]
        assert world.writes()[system] - before[system] == (1 if rejected else 0), "no change, no write request"


def test_one_changed_stock_is_one_item_in_one_request_per_marketplace(world: StockWorld) -> None:
    _sync(world)
    common = set.intersection(*(set(world.matched(s).values()) for s in MARKETPLACES))
    key = sorted(common)[0]
    store, product = _evotor_product(world, key)
    world.state.evotor.update_product(world.demo["evotor_token"], store, product, quantity=Decimal("777"))
    before = world.writes()

    after = _sync(world)

    assert {s: n - before[s] for s, n in world.writes().items()} == {s: 1 for s in MARKETPLACES}
    for system in MARKETPLACES:
        report = after[system].report  # type: ignore[attr-defined]
        assert (report.changed - report.rejected, report.pushed) == (1, 1)
        stock_key = next(k for k, p in world.matched(system).items() if p == key)
        assert world.remote_stock(system, [stock_key]) == {stock_key: world.offered(system)[stock_key]}
        assert world.offered(system)[stock_key] >= 777


def test_test_mode_says_what_would_change_and_writes_nothing_anywhere(world: StockWorld) -> None:
    everything = {system: world.everything(system) for system in MARKETPLACES}
    writes = world.writes()

    outcomes = _sync(world, test_mode=True)

    assert world.writes() == writes
    assert {system: world.everything(system) for system in MARKETPLACES} == everything
    for system in MARKETPLACES:
        report = outcomes[system].report  # type: ignore[attr-defined]
        assert report.changed > 0 and report.pushed == 0 and len(report.plan) == report.changed
        assert "→" in report.plan[0]


def test_foreign_offers_other_warehouses_fbo_and_stores_switched_off_stay_untouched(world: StockWorld) -> None:
    with session_scope(world.engine) as session:
        from marketsync.catalog.service import stores_of

        stores = [s.external_id for s in stores_of(session, world.account_id)]
        set_store(session, world.account_id, stores[-1], enabled=False)
    before = {system: world.everything(system) for system in MARKETPLACES}

    _sync(world)

    for system in MARKETPLACES:
        ours = set(world.matched(system))
        warehouse = _our_warehouse(world, system)
        untouched = {lv for lv in before[system] if not (lv.stock_key in ours and lv.fulfillment == "fbs"
                                                         and lv.warehouse_id == warehouse)}
        after = world.everything(system)
        assert untouched <= after, f"{system}: a foreign offer, another warehouse or FBO stock changed"
    with session_scope(world.engine) as session:
        only_off = set(session.scalars(select(Product.stock_key).where(
            Product.account_id == world.account_id, Product.store_external_id == stores[-1]))) - set(
            session.scalars(select(Product.stock_key).where(Product.account_id == world.account_id,
                                                            Product.store_external_id.in_(stores[:-1]))))
    assert only_off, "the demo catalog has products sold only in the last store"
    for system in MARKETPLACES:
        assert not only_off & set(world.matched(system).values()), "a store switched off is not ours to push"


def _our_warehouse(world: StockWorld, system: str) -> str:
    return str({"ozon": world.demo["ozon_warehouse_id"], "wildberries": world.demo["wb_warehouse_id"],
                "yandex_market": world.demo.get("ym_warehouse_id")}[system])


@pytest.mark.parametrize("cap", [7])
def test_a_full_resync_sends_every_item_in_batches_of_the_maximum_or_batch_size(
        world: StockWorld, monkeypatch: pytest.MonkeyPatch, cap: int) -> None:
    _sync(world)
    writes = world.writes()
    outcomes = _sync(world, full_resync=True)
    for system in MARKETPLACES:
        matched = outcomes[system].report.matched  # type: ignore[attr-defined]
        assert outcomes[system].report.changed == matched  # type: ignore[attr-defined]
        assert world.writes()[system] - writes[system] == 1, "every item fits one request of the API's maximum"

    monkeypatch.setenv("BATCH_SIZE", str(cap))
    get_settings.cache_clear()
    writes = world.writes()
    outcomes = _sync(world, full_resync=True)
    for system in MARKETPLACES:
        matched = outcomes[system].report.matched  # type: ignore[attr-defined]
        assert world.writes()[system] - writes[system] == math.ceil(matched / cap)
