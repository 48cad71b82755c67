"""The Evotor → VK chain over real HTTP against the sandbox, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import select

from builders import seed_catalog, seller, vk_items
from marketsync.db import session_scope
from marketsync.sync.chain import sync_catalog
from marketsync.sync.filters import set_group
from marketsync.sync.models import SyncConfig


def _writes(state) -> int:  # type: ignore[no-untyped-def]
    stats = state.stats.snapshot()["vk"]
    return int(stats.get("writes", 0))


def test_first_run_creates_every_product_for_sale_and_an_album_per_group(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=3, per_group=4, not_for_sale=1)
    account_id = seller(engine, catalog)

    run = sync_catalog(engine, account_id=account_id)

    assert run.status == "succeeded", run.error
    assert (run.created, run.failed) == (9, 0)
    items = vk_items(sandbox_state, catalog)
    assert len(items) == 9
    albums = sandbox_state.vk.albums(catalog.vk_group_id)
    assert sorted(a.title for a in albums) == ["Молочные продукты 0", "Сыры 0", "Хлеб и выпечка 0"]
    by_title = {a.id: a.title for a in albums}
    for item in items:
        assert len(item.album_ids) == 1
        group_name = by_title[item.album_ids[0]]
        assert item.category_id == 40932
        assert item.stock_amount == 1000
        assert item.main_photo_id is not None
        assert item.sku and item.sku.startswith("a0")
        if item.title.startswith("Чай"):
            assert item.title == f"Чай - {group_name}"
    assert len({i.main_photo_id for i in items}) == 1, "the default photo is uploaded once and reused"
    measured = [i for i in items if "(цена за 1 кг)" in i.description]
    assert measured, "a product with a measure says the price is per unit"


def test_second_run_without_changes_makes_no_writes(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state)
    account_id = seller(engine, catalog)
    sync_catalog(engine, account_id=account_id)
    before = _writes(sandbox_state)

    run = sync_catalog(engine, account_id=account_id)

    assert run.status == "succeeded"
    assert (run.created, run.updated, run.hidden) == (0, 0, 0)
    assert run.skipped == 12  # 9 for sale, 3 never pushed because not for sale
    assert _writes(sandbox_state) == before


def test_changed_price_name_or_description_makes_exactly_one_edit(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state)
    account_id = seller(engine, catalog)
    sync_catalog(engine, account_id=account_id)
    store = catalog.stores[0]
    first_group = catalog.groups[store][0]
    product = catalog.products[first_group][0]
    for change in ({"price": Decimal("777.77")}, {"name": "Сыр Пошехонский"}, {"description": "Выдержка 3 месяца"}):
        sandbox_state.stats.reset()
        sandbox_state.evotor.update_product(catalog.evotor_token, store, product, **change)

        run = sync_catalog(engine, account_id=account_id)

        assert (run.updated, run.created, run.failed) == (1, 0, 0), change
        edits = sandbox_state.stats.snapshot()["vk"]["by_method"].get("market.edit", 0)
        assert edits == 1, change
    item = next(i for i in vk_items(sandbox_state, catalog) if i.title == "Сыр Пошехонский")
    assert item.price == Decimal("777.77")
    assert item.description.startswith("Выдержка 3 месяца")


def test_price_multiplier_rounds_half_up_to_kopecks(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2, not_for_sale=0)
    account_id = seller(engine, catalog)
    with session_scope(engine) as session:
        session.add(SyncConfig(account_id=account_id, price_multiplier=Decimal("1.005")))

    sync_catalog(engine, account_id=account_id)

    prices = sorted(i.price for i in vk_items(sandbox_state, catalog))
    assert prices == [Decimal("101.00"), Decimal("102.01")]  # 100.50 × 1.005 = 101.0025; 101.50 × 1.005 = 102.0075


def test_disabled_group_products_are_left_alone(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=0)
    account_id = seller(engine, catalog)
    store = catalog.stores[0]
    off_group = catalog.groups[store][1]
    with session_scope(engine) as session:
        set_group(session, account_id, store, off_group, enabled=False)

    run = sync_catalog(engine, account_id=account_id)

    assert run.created == 3
    assert len(sandbox_state.vk.albums(catalog.vk_group_id)) == 1
    sandbox_state.evotor.update_product(catalog.evotor_token, store, catalog.products[off_group][0],
                                        price=Decimal("1.00"))
    again = sync_catalog(engine, account_id=account_id)
    assert (again.created, again.updated, again.hidden) == (0, 0, 0)


def test_product_no_longer_for_sale_is_hidden_and_comes_back(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2, not_for_sale=0)
    account_id = seller(engine, catalog)
    sync_catalog(engine, account_id=account_id)
    store, group = catalog.stores[0], catalog.groups[catalog.stores[0]][0]
    product = catalog.products[group][0]
    vk_id_before = {i.sku: i.id for i in vk_items(sandbox_state, catalog)}

    sandbox_state.evotor.update_product(catalog.evotor_token, store, product, allow_to_sell=False)
    hidden = sync_catalog(engine, account_id=account_id)
    assert hidden.hidden == 1
    assert len(vk_items(sandbox_state, catalog, visible_only=True)) == 1

    sandbox_state.evotor.update_product(catalog.evotor_token, store, product, allow_to_sell=True)
    back = sync_catalog(engine, account_id=account_id)
    assert back.updated == 1
    assert {i.sku: i.id for i in vk_items(sandbox_state, catalog, visible_only=True)} == vk_id_before


def test_every_product_exists_once_even_when_ids_were_lost(engine, sandbox_state):
    """A crash after VK accepted items but before we stored their ids: the re-run adopts them by SKU."""
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=0)
    account_id = seller(engine, catalog)
    sync_catalog(engine, account_id=account_id)
    with session_scope(engine) as session:  # simulate the lost ids: forget every item binding
        from marketsync.sync.models import Binding

        for binding in session.scalars(select(Binding).where(Binding.kind == "item")):
            session.delete(binding)

    run = sync_catalog(engine, account_id=account_id)

    assert run.created == 0
    skus = Counter(i.sku for i in vk_items(sandbox_state, catalog))
    assert len(skus) == 6 and set(skus.values()) == {1}
