"""What a seller notices when things go wrong: faults, dead tokens, unpaid stores, a killed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from builders import seed_catalog, seller, vk_items
from marketsync.connections.models import Connection
from marketsync.connectors import connect
from marketsync.connectors.records import ItemPayload
from marketsync.db import session_scope
from marketsync.sync.chain import sync_catalog
from marketsync.sync.models import SyncRun


def vk_state(state, catalog):  # type: ignore[no-untyped-def]
    """The VK market as a buyer would compare it: per SKU, title, price, visibility and album titles."""
    albums = {a.id: a.title for a in state.vk.albums(catalog.vk_group_id)}
    return sorted((i.sku, i.title, str(i.price), i.deleted, tuple(sorted(albums[a] for a in i.album_ids)))
                  for i in vk_items(state, catalog))


def test_with_a_fifth_of_calls_failing_the_run_converges_to_the_same_market(engine, sandbox_state):
    clean = seed_catalog(sandbox_state, prefix="c", groups=3, per_group=12, not_for_sale=2)
    clean_account = seller(engine, clean, email="clean@example.ru")
    assert sync_catalog(engine, account_id=clean_account).status == "succeeded"
    expected = vk_state(sandbox_state, clean)

    faulty = seed_catalog(sandbox_state, prefix="f", groups=3, per_group=12, not_for_sale=2)
    faulty_account = seller(engine, faulty, email="faulty@example.ru")
    for service in ("evotor", "vk"):
        sandbox_state.faults.configure(service, rate=0.2, kinds=["429", "500", "502", "lost_write"], seed=7,
                                       retry_after=0)
    run = sync_catalog(engine, account_id=faulty_account)
    sandbox_state.faults.clear()

    assert run.status == "succeeded", run.error
    got = vk_state(sandbox_state, faulty)
    # Both catalogs are built alike but for the SKU prefix ("c…" / "f…").
    assert [(s[1:], *rest) for s, *rest in got] == [(s[1:], *rest) for s, *rest in expected]
    assert (run.created, run.failed) == (30, 0)
    assert len({i.sku for i in vk_items(sandbox_state, faulty)}) == len(vk_items(sandbox_state, faulty))


def test_revoked_token_breaks_only_that_sellers_run_and_says_why(engine, sandbox_state):
    broken = seed_catalog(sandbox_state, prefix="b", groups=1, per_group=3)
    healthy = seed_catalog(sandbox_state, prefix="h", groups=1, per_group=3)
    broken_account = seller(engine, broken, email="broken@example.ru")
    healthy_account = seller(engine, healthy, email="healthy@example.ru")
    sandbox_state.evotor.revoke_token(broken.evotor_token)

    failed = sync_catalog(engine, account_id=broken_account)
    ok = sync_catalog(engine, account_id=healthy_account)

    assert failed.status == "failed" and "Evotor rejected the token" in (failed.error or "")
    assert ok.status == "succeeded" and ok.created == 2
    with session_scope(engine) as session:
        conn = session.scalar(select(Connection).where(Connection.account_id == broken_account,
                                                       Connection.system == "evotor"))
        assert conn is not None and conn.status == "broken" and "401" in (conn.last_error or "")


def test_revoked_vk_token_marks_the_vk_connection_broken(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2)
    account = seller(engine, catalog)
    sandbox_state.vk.revoke_token(catalog.vk_token)

    run = sync_catalog(engine, account_id=account)

    assert run.status == "failed" and "VK error 5" in (run.error or "")
    with session_scope(engine) as session:
        conn = session.scalar(select(Connection).where(Connection.account_id == account, Connection.system == "vk"))
        assert conn is not None and conn.status == "broken"


def test_unpaid_store_is_skipped_quietly_and_the_others_are_mirrored(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, stores=2, groups=1, per_group=3, not_for_sale=0)
    account = seller(engine, catalog)
    sandbox_state.evotor.set_store_unpaid(catalog.evotor_token, catalog.stores[1])

    run = sync_catalog(engine, account_id=account)

    assert run.status == "succeeded" and run.failed == 0
    assert run.created == 3
    assert run.details["source"]["unpaid_stores"] == 1


def test_empty_catalog_is_a_quiet_success(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=0)
    account = seller(engine, catalog)
    run = sync_catalog(engine, account_id=account)
    assert run.status == "succeeded" and (run.created, run.failed) == (0, 0)


def test_two_runs_of_one_account_never_overlap(engine, sandbox_state):
    from marketsync.sync import runs
    from marketsync.sync.pipelines.catalog import PIPELINE

    catalog = seed_catalog(sandbox_state, groups=1, per_group=2)
    account = seller(engine, catalog)
    assert runs.acquire_lock(engine, pipeline=PIPELINE, account_id=account, owner="someone-else")

    run = sync_catalog(engine, account_id=account)

    assert run.status == "skipped" and "still running" in (run.error or "")
    assert vk_items(sandbox_state, catalog) == []


def test_a_lapsed_lease_does_not_block_the_next_run(engine, sandbox_state, monkeypatch):
    from marketsync.settings import get_settings
    from marketsync.sync import runs
    from marketsync.sync.pipelines.catalog import PIPELINE

    catalog = seed_catalog(sandbox_state, groups=1, per_group=2)
    account = seller(engine, catalog)
    monkeypatch.setenv("SYNC_LOCK_TTL_SECONDS", "1")
    get_settings.cache_clear()
    assert runs.acquire_lock(engine, pipeline=PIPELINE, account_id=account, owner="crashed-worker")
    time.sleep(1.2)

    run = sync_catalog(engine, account_id=account)

    assert run.status == "succeeded"


@pytest.mark.timeout(120)
def test_run_killed_after_vk_accepted_items_leaves_each_product_once(sqlite_engine, sandbox_state, env, tmp_path):
    catalog = seed_catalog(sandbox_state, groups=4, per_group=30, not_for_sale=0)
    seller(sqlite_engine, catalog, email="killed@example.ru")
    sandbox_state.faults.configure("vk", rate=0.0, latency_ms=150)
    child_env = {**os.environ, "SYNC_LOCK_TTL_SECONDS": "2", "VK_REQUESTS_PER_SECOND": "1000"}
    child = subprocess.Popen([sys.executable, "-m", "marketsync", "sync", "catalog", "--user", "killed@example.ru"],
                             env=child_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(vk_items(sandbox_state, catalog)) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    accepted = len(vk_items(sandbox_state, catalog))
    assert 30 <= accepted < 120, "the kill must land after VK accepted some items and before the end"
    sandbox_state.faults.clear()
    time.sleep(2.2)  # the killed run's lease lapses

    os.environ["SYNC_LOCK_TTL_SECONDS"] = "2"
    try:
        from marketsync.settings import get_settings

        get_settings.cache_clear()
        account = None
        with session_scope(sqlite_engine) as session:
            account = session.scalar(select(SyncRun.account_id))
        run = sync_catalog(sqlite_engine, account_id=account)
    finally:
        del os.environ["SYNC_LOCK_TTL_SECONDS"]

    assert run.status == "succeeded", run.error
    skus = Counter(i.sku for i in vk_items(sandbox_state, catalog))
    assert len(skus) == 120 and set(skus.values()) == {1}
    with session_scope(sqlite_engine) as session:
        killed = session.scalars(select(SyncRun).order_by(SyncRun.id)).first()
        assert killed is not None and killed.status == "failed"


def test_an_item_vk_refuses_fails_alone_and_the_run_goes_on(engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=5, not_for_sale=0)
    account = seller(engine, catalog)
    sandbox_state.vk.item_limit = 3  # VK answers 1405 "too many items" for the rest

    run = sync_catalog(engine, account_id=account)

    assert (run.created, run.failed) == (3, 2)
    assert run.status == "failed" and run.error is None, "items failed, the run itself did not break"
    assert all("VK error 1405" in e["text"] for e in run.details["errors"])
    assert len(vk_items(sandbox_state, catalog)) == 3


def test_items_vk_keeps_out_of_their_album_fail_the_run_and_join_once_there_is_room(sqlite_engine, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=4, not_for_sale=0)
    account = seller(sqlite_engine, catalog)
    sandbox_state.vk.album_item_limit = 2  # VK answers 1406 "too many items in album" to the membership call

    run = sync_catalog(sqlite_engine, account_id=account)

    assert run.created == 4 and run.failed == 1 and run.status == "failed"
    assert any("VK error 1406" in e["text"] for e in run.details["errors"])
    sandbox_state.vk.album_item_limit = 15000
    again = sync_catalog(sqlite_engine, account_id=account)
    assert again.status == "succeeded" and again.failed == 0
    assert all(len(i.album_ids) == 1 for i in vk_items(sandbox_state, catalog))


def test_items_can_be_deleted_for_good(env, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1, not_for_sale=0)
    vk = connect("vk", {"token": catalog.vk_token, "group_id": catalog.vk_group_id}, connection_key="t")
    payload = ItemPayload(name="Пробный товар", description="Описание товара", price=Decimal("10.00"), sku="T1",
                          stock_amount=1, category_id=40932)
    created = vk.add_items([(payload, None)])[0]
    assert created.ok
    assert [r.ok for r in vk.delete_items([created.external_id or "", "999999999"])] == [True, False]
    assert vk_items(sandbox_state, catalog) == []
    vk.close()
