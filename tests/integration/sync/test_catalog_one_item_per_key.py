"""What EvoSync did and buyers expect: one VK album per group title and one VK item per product key,
however many enabled stores carry them; ungrouped products; photos shown at once; duplicates of earlier
versions merged without losing a VK id."""

from __future__ import annotations

from decimal import Decimal

from alembic import command
from sqlalchemy import select

from builders import Catalog, seller
from marketsync.catalog.models import Product, ProductGroup
from marketsync.cli.migrate import alembic_config
from marketsync.connections.service import connection_for, open_channel
from marketsync.connectors import CATALOG_CHANNEL
from marketsync.connectors.records import ItemPayload
from marketsync.db import session_scope
from marketsync.sync.chain import refresh_source, sync_catalog
from marketsync.sync.filters import UNGROUPED, set_group, set_store
from marketsync.sync.models import Binding, ChannelItem


def _two_stores(state) -> tuple[Catalog, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Two stores that both have a group «Сыры»; code c1 sold in both at different prices, c2 in one."""
    catalog = Catalog("evotor-token-k-0001", "vk-token-k-0001", 0)
    state.evotor.add_token(catalog.evotor_token, "01-00000000000k")
    state.vk.add_token(catalog.vk_token, 2001)
    catalog.vk_group_id = state.vk.add_group(catalog.vk_token, "Сырная лавка")
    ids: dict[str, str] = {}
    for label, price in (("A", "100.00"), ("B", "120.00")):
        store = state.evotor.add_store(catalog.evotor_token, f"Магазин {label}")
        group = state.evotor.add_group(catalog.evotor_token, store, "Сыры")
        catalog.stores.append(store)
        ids[label] = store
        state.evotor.add_product(catalog.evotor_token, store, name="Сыр Российский", price=Decimal(price),
                                 parent_id=group, allow_to_sell=True, code="c1", type="NORMAL", tax="NO_VAT",
                                 measure_name="кг", quantity=3)
    state.evotor.add_product(catalog.evotor_token, ids["B"], name="Сыр Гауда", price=Decimal("300.00"),
                             allow_to_sell=True, code="c2", type="NORMAL", tax="NO_VAT",
                             measure_name="кг", quantity=3)
    return catalog, ids


def _enable(engine, account_id: int, *stores: str) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        for store in stores:
            set_store(session, account_id, store, enabled=True, all_groups=True)


def test_one_album_per_title_and_one_item_per_code_priced_by_the_first_enabled_store(engine, sandbox_state):
    catalog, stores = _two_stores(sandbox_state)
    account_id = seller(engine, catalog, enable_all=False)
    _enable(engine, account_id, stores["B"], stores["A"])  # B first: its price wins

    run = sync_catalog(engine, account_id=account_id)

    assert run.status == "succeeded", run.error
    albums = sandbox_state.vk.albums(catalog.vk_group_id)
    assert [a.title for a in albums] == ["Сыры"]
    items = {i.sku: i for i in sandbox_state.vk.items(catalog.vk_group_id)}
    assert sorted(items) == ["c1", "c2"], "one item per code, however many stores sell it"
    assert items["c1"].price == Decimal("120.00")
    assert items["c1"].album_ids == [albums[0].id]
    assert items["c2"].album_ids == [], "a product without a group needs no album"
    writes = sandbox_state.stats.snapshot()["vk"].get("writes", 0)

    again = sync_catalog(engine, account_id=account_id)

    assert (again.created, again.updated, again.hidden, again.failed) == (0, 0, 0, 0)
    assert sandbox_state.stats.snapshot()["vk"].get("writes", 0) == writes


def test_products_without_a_group_follow_all_groups_and_can_be_switched_off(sqlite_engine, sandbox_state):
    catalog, stores = _two_stores(sandbox_state)
    account_id = seller(sqlite_engine, catalog, enable_all=False)
    _enable(sqlite_engine, account_id, stores["B"])
    with session_scope(sqlite_engine) as session:
        set_group(session, account_id, stores["B"], UNGROUPED, enabled=False)

    sync_catalog(sqlite_engine, account_id=account_id)

    assert [i.sku for i in sandbox_state.vk.items(catalog.vk_group_id)] == ["c1"]
    with session_scope(sqlite_engine) as session:
        set_group(session, account_id, stores["B"], UNGROUPED, enabled=True)
    sync_catalog(sqlite_engine, account_id=account_id)
    assert sorted(i.sku for i in sandbox_state.vk.items(catalog.vk_group_id)) == ["c1", "c2"]


def test_a_new_item_has_its_photo_in_the_cached_catalog_right_after_the_run(sqlite_engine, sandbox_state):
    catalog, _ = _two_stores(sandbox_state)
    account_id = seller(sqlite_engine, catalog)

    sync_catalog(sqlite_engine, account_id=account_id)

    with session_scope(sqlite_engine) as session:
        urls = list(session.scalars(select(ChannelItem.photo_url).where(ChannelItem.kind == "item")))
    assert len(urls) == 2 and all(url and url.startswith("http") for url in urls)


def test_duplicates_of_an_earlier_version_are_merged_keeping_every_vk_id(sqlite_engine, sandbox_state):
    catalog, _ = _two_stores(sandbox_state)
    account_id = seller(sqlite_engine, catalog)
    refresh_source(sqlite_engine, account_id=account_id)
    # What the earlier version did: an album per group and an item per store product, bound by row ids.
    with session_scope(sqlite_engine) as session:
        conn = connection_for(session, account_id, CATALOG_CHANNEL)
        assert conn is not None
        channel = open_channel(conn)
        groups = list(session.scalars(select(ProductGroup).order_by(ProductGroup.id)))
        products = list(session.scalars(select(Product).where(Product.sku == "c1").order_by(Product.id)))
        album_ids = [r.external_id for r in channel.add_albums(["Сыры", "Сыры"])]
        payload = ItemPayload("Сыр Российский", "Сыр Российский (цена за 1 кг)", Decimal("100.00"), "c1", 1000, 1)
        item_ids = [r.external_id for r in channel.add_items([(payload, None), (payload, None)])]
        channel.add_to_albums([(album_ids[0], [item_ids[0]]), (album_ids[1], [item_ids[1]])])
        channel.close()
        for group, album in zip(groups, album_ids, strict=True):
            session.add(Binding(account_id=account_id, connection_id=conn.id, kind="album",
                                internal_id=str(group.id), external_id=album))
        for product, item in zip(products, item_ids, strict=True):
            session.add(Binding(account_id=account_id, connection_id=conn.id, kind="item",
                                internal_id=str(product.id), external_id=item))
    url = sqlite_engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "0002")
    command.upgrade(alembic_config(url), "head")

    run = sync_catalog(sqlite_engine, account_id=account_id)

    assert run.status == "succeeded", run.error
    albums = sandbox_state.vk.albums(catalog.vk_group_id)
    assert [str(a.id) for a in albums] == [album_ids[0]], "the duplicate album is deleted, the first one kept"
    items = {str(i.id): i for i in sandbox_state.vk.items(catalog.vk_group_id)}
    assert set(items) >= set(item_ids), "no VK id is lost"
    visible_c1 = [i for i in items.values() if i.sku == "c1" and not i.deleted]
    assert [str(i.id) for i in visible_c1] == [item_ids[0]]
    assert items[item_ids[1]].deleted, "the duplicate item is hidden, keeping its id"
    assert items[item_ids[0]].album_ids == [int(album_ids[0])]
    assert sum(1 for i in items.values() if i.sku == "c1") == 2, "nothing was created again"
