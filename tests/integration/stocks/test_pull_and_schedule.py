"""pull_stocks keeps what every marketplace reports (FBS at each warehouse and FBO) as market_stocks rows; beat's
look finds each cabinet's marketplaces whose interval has passed, and only those."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select, update

from marketsync.connections.service import get_connection
from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings
from marketsync.stocks.models import MarketStock
from marketsync.stocks.service import MARKETPLACES, PULL, PUSH, configure, due_by_account, pull_stocks, sync_stocks
from marketsync.sync.models import SyncRun
from marketsync.sync.pipelines.stocks import lease_name

from .conftest import StockWorld


def test_a_pull_keeps_every_reported_stock_fbs_and_fbo_and_forgets_what_vanished(world: StockWorld) -> None:
    for system in MARKETPLACES:
        run = pull_stocks(world.engine, account_id=world.account_id, system=system)
        assert run is not None and run.status == "succeeded", (system, run and run.error)
        reported = {(lv.stock_key, lv.warehouse_id, lv.fulfillment, lv.quantity) for lv in world.everything(system)}
        with session_scope(world.engine) as session:
            conn = get_connection(session, world.account_id, system)
            assert conn is not None
            rows = {(r.stock_key, r.warehouse_id, r.fulfillment, r.quantity) for r in session.scalars(
                select(MarketStock).where(MarketStock.connection_id == conn.id))}
        assert rows == reported, system
        assert {"fbs", "fbo"} <= {row[2] for row in rows}, f"{system}: both kinds are kept"
        assert run.updated == len(rows) and run.source == system and run.pipeline == PULL


def test_beat_finds_only_the_marketplaces_whose_interval_has_passed(world: StockWorld) -> None:
    with session_scope(world.engine) as session:
        assert due_by_account(session, PUSH) == {world.account_id: list(MARKETPLACES)}, "never pushed: all due"
    sync_stocks(world.engine, account_id=world.account_id, systems=["ozon", "yandex_market"])
    with session_scope(world.engine) as session:
        assert due_by_account(session, PUSH) == {world.account_id: ["wildberries"]}
        configure(session, account_id=world.account_id, system="wildberries", enabled=False)
    with session_scope(world.engine) as session:
        assert due_by_account(session, PUSH) == {}, "a marketplace switched off is never due"
        # Six hours later (the default interval), Ozon and YM are due again.
        session.execute(update(SyncRun).where(SyncRun.account_id == world.account_id)
                        .values(started_at=utcnow() - timedelta(hours=6, minutes=1)))
    with session_scope(world.engine) as session:
        assert due_by_account(session, PUSH) == {world.account_id: ["ozon", "yandex_market"]}
        assert due_by_account(session, PULL) == {world.account_id: ["ozon", "yandex_market"]}


def test_what_a_push_sets_shows_as_reported_at_the_warehouse_the_marketplace_reads(world: StockWorld) -> None:
    from .test_push_stocks import _evotor_product

    for system in MARKETPLACES:
        pull_stocks(world.engine, account_id=world.account_id, system=system)
    sync_stocks(world.engine, account_id=world.account_id, systems=list(MARKETPLACES))
    for system in MARKETPLACES:
        key, product = sorted(world.matched(system).items())[0]
        store, product_id = _evotor_product(world, product)
        world.state.evotor.update_product(world.demo["evotor_token"], store, product_id, quantity=600 + len(system))
        world.state.ozon.advance(31)
        sync_stocks(world.engine, account_id=world.account_id, systems=[system])
        held = world.remote_stock(system, [key])
        with session_scope(world.engine) as session:
            conn = get_connection(session, world.account_id, system)
            assert conn is not None
            rows = {(r.warehouse_id, r.quantity) for r in session.scalars(select(MarketStock).where(
                MarketStock.connection_id == conn.id, MarketStock.stock_key == key, MarketStock.fulfillment == "fbs"))}
        read = {(lv.warehouse_id, lv.quantity) for lv in world.everything(system)
                if lv.stock_key == key and lv.fulfillment == "fbs"}
        assert held[key] >= 600 and rows == read, f"{system}: our rows say what the marketplace says"


def test_a_push_skipped_for_a_held_lease_stays_due_and_a_pull_never_blocks_a_push(world: StockWorld) -> None:
    from marketsync.sync import runs

    assert runs.acquire_lock(world.engine, pipeline=lease_name(PUSH, "ozon"), account_id=world.account_id,
                             owner="another-worker")
    [outcome] = sync_stocks(world.engine, account_id=world.account_id, systems=["ozon"])
    assert outcome.error and "still running" in outcome.error
    with session_scope(world.engine) as session:
        assert "ozon" in due_by_account(session, PUSH)[world.account_id], "a skipped push is due again at once"
    assert runs.acquire_lock(world.engine, pipeline=lease_name(PULL, "ozon"), account_id=world.account_id,
                             owner="another-worker")
    runs.release_lock(world.engine, pipeline=lease_name(PUSH, "ozon"), account_id=world.account_id,
                      owner="another-worker")
    [outcome] = sync_stocks(world.engine, account_id=world.account_id, systems=["ozon"])
    assert outcome.report is not None and outcome.report.pushed > 0, "a running pull does not hold up a push"


def test_a_cabinets_marketplaces_are_pushed_side_by_side_at_most_max_concurrent_requests_at_once(
        world: StockWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    for limit in (1, 3):
        monkeypatch.setenv("MAX_CONCURRENT_REQUESTS", str(limit))
        get_settings.cache_clear()
        began = utcnow()
        outcomes = sync_stocks(world.engine, account_id=world.account_id, systems=list(MARKETPLACES), test_mode=True)
        assert [o.report is not None for o in outcomes] == [True] * 3, outcomes
        with session_scope(world.engine) as session:
            spans = sorted(session.execute(select(SyncRun.started_at, SyncRun.finished_at).where(
                SyncRun.account_id == world.account_id, SyncRun.pipeline == PUSH, SyncRun.started_at >= began)).all())
        assert len(spans) == 3
        if limit == 1:
            assert all(later[0] >= earlier[1] for earlier, later in pairwise(spans)), \
                "one at a time: each push starts after the one before ended"
        else:
            assert max(start for start, _ in spans) < min(end for _, end in spans), "all three under way at once"
