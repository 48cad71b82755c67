"""Links to VK items come from the channel (CatalogChannel.item_url, cached in channel_items.url): items the sync
creates and items a refresh reads carry them, and migration 0008 gives them to items and errors stored before."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from builders import seed_catalog, seller
from marketsync.cli.migrate import alembic_config
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.sync.chain import sync_catalog
from marketsync.sync.models import ChannelItem, SyncRun


def _urls(engine) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return {i.external_id: i.url for i in session.scalars(select(ChannelItem).where(ChannelItem.kind == "item"))}


def test_created_and_refreshed_items_carry_the_address_vk_gives_them(sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2, not_for_sale=0)
    account_id = seller(sqlite_engine, catalog)
    group = catalog.vk_group_id

    sync_catalog(sqlite_engine, account_id=account_id)
    created = _urls(sqlite_engine)
    sync_catalog(sqlite_engine, account_id=account_id)  # its first step reads every item back from VK

    assert len(created) == 2
    expected = {i: f"https://vk.com/market-{group}?w=product-{group}_{i}" for i in created}
    assert created == expected and _urls(sqlite_engine) == expected


def test_migration_0008_links_cached_items_and_words_known_stored_errors(engine, sandbox_state):  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1, not_for_sale=0)
    account_id = seller(engine, catalog)
    run = sync_catalog(engine, account_id=account_id)
    with session_scope(engine) as session:
        stored = session.get(SyncRun, run.id)
        assert stored is not None
        stored.error = "the worker stopped during this run (no sign of life); it was marked failed"
        evotor = session.scalar(select(Connection).where(Connection.system == "evotor"))
        assert evotor is not None
        evotor.last_error = "Evotor rejected the token (HTTP 401, code 1001): Token is invalid"
    url = engine.url.render_as_string(hide_password=False)
    # On every dialect: the columns go, the rows stay as they were before 0008 (MariaDB concatenates with CONCAT).
    command.downgrade(alembic_config(url), "0005")

    command.upgrade(alembic_config(url), "head")

    [(item_id, link)] = _urls(engine).items()
    assert link == f"https://vk.com/market-{catalog.vk_group_id}?w=product-{catalog.vk_group_id}_{item_id}"
    with session_scope(engine) as session:
        stored = session.get(SyncRun, run.id)
        assert stored is not None and stored.error_notice is not None
        assert stored.error_notice["key"] == "worker_stopped"
        evotor = session.scalar(select(Connection).where(Connection.system == "evotor"))
        assert evotor is not None and evotor.last_error_notice == {
            "key": "token_rejected", "text": "Evotor rejected the token (HTTP 401, code 1001): Token is invalid",
            "params": {"system": "evotor", "status": "401", "code": "1001", "detail": "Token is invalid"}}
