"""What a seller sees of a run: the queued run at once after "sync now", its progress, the history row when it
ends, a page listing what it did to each product and why (with a CSV export), and per-product rules."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from browser import sign_in, submit
from builders import seed_catalog, seller, vk_items
from marketsync.catalog.models import Product
from marketsync.db import session_scope
from marketsync.sync import service, tasks
from marketsync.sync.chain import refresh_source, sync_catalog
from marketsync.sync.filters import set_group
from marketsync.sync.models import SyncRun

PASSWORD = "password123"  # builders.seller's


@pytest.fixture
def shop(sqlite_engine, sandbox_state, client):  # type: ignore[no-untyped-def]
    """A signed-in seller with Evotor and VK connected in the sandbox, every store on."""
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=1)
    account_id = seller(sqlite_engine, catalog)
    sign_in(client, "seller@example.ru", PASSWORD)
    return catalog, account_id


def test_sync_now_shows_the_queued_run_at_once_and_the_worker_carries_that_run_out(
        client, sqlite_engine, sandbox_state, shop, monkeypatch):  # type: ignore[no-untyped-def]
    catalog, _ = shop
    sent: list[tuple[int, int | None]] = []
    monkeypatch.setattr(service, "enqueue_catalog_sync", lambda account, run=None: sent.append((account, run)))

    assert submit(client, "/sync/now").status_code == 303
    [(account, run_id)] = sent
    page = client.get("/sync").text
    assert f'hx-get="/sync/runs/{run_id}/progress"' in page and "ожидание обработчика" in page

    # What the worker does with the chain sync/service sent (the same tasks, in this process).
    first = tasks.refresh_catalog(account, run_id)
    second = tasks.refresh_vk_catalog(first, account)
    assert tasks.mirror_to_vk(second, account) == run_id
    fragment = client.get(f"/sync/runs/{run_id}/progress").text
    assert "hx-trigger" not in fragment, "a finished run stops polling"
    assert 'id="run-history" hx-swap-oob="true"' in fragment and f'href="/sync/runs/{run_id}"' in fragment
    with session_scope(sqlite_engine) as session:
        assert [r.status for r in session.scalars(select(SyncRun))] == ["succeeded"]
    assert len(vk_items(sandbox_state, catalog)) == 4


def test_the_run_page_says_why_each_product_was_skipped_and_exports_every_row(client, sqlite_engine, shop):  # type: ignore[no-untyped-def]
    _catalog, account_id = shop
    run = sync_catalog(sqlite_engine, account_id=account_id)
    assert (run.created, run.skipped) == (4, 2)

    page = client.get(f"/sync/runs/{run.id}?outcome=skipped")
    assert page.status_code == 200
    assert page.text.count("не продаётся в Эвоторе") == 2 and "Создано" in page.text
    export = client.get(f"/sync/runs/{run.id}/export.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["article", "name", "outcome"]
    items = [r for r in rows[1:] if r[4] == "item"]
    assert sorted(r[2] for r in items) == ["created"] * 4 + ["skipped"] * 2
    only_skipped = client.get(f"/sync/runs/{run.id}/export.csv?outcome=skipped").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(only_skipped)))) == 3


def test_another_sellers_run_page_and_export_are_not_found(client, sqlite_engine, sandbox_state, shop):  # type: ignore[no-untyped-def]
    other = seller(sqlite_engine, seed_catalog(sandbox_state, prefix="b", groups=1, per_group=1),
                   email="other@example.ru")
    theirs = sync_catalog(sqlite_engine, account_id=other)
    assert client.get(f"/sync/runs/{theirs.id}").status_code == 404
    assert client.get(f"/sync/runs/{theirs.id}/export.csv").status_code == 404


def test_a_product_the_seller_excludes_is_hidden_in_vk_and_one_included_is_published_outside_its_group(
        client, sqlite_engine, sandbox_state, shop):  # type: ignore[no-untyped-def]
    catalog, account_id = shop
    store = catalog.stores[0]
    first, second = catalog.groups[store]
    refresh_source(sqlite_engine, account_id=account_id)
    with session_scope(sqlite_engine) as session:
        set_group(session, account_id, store, second, enabled=False)
        products = list(session.scalars(select(Product).where(Product.allow_to_sell).order_by(Product.id)))
        excluded = next(p for p in products if p.group_external_id == first)
        included = next(p for p in products if p.group_external_id == second)
        excluded_id, excluded_sku, included_id, included_sku = excluded.id, excluded.sku, included.id, included.sku
    assert submit(client, "/catalog/products/publish",
                  {"product_ids": [included_id], "rule": "include"}).status_code == 303

    sync_catalog(sqlite_engine, account_id=account_id)

    skus = {i.sku for i in vk_items(sandbox_state, catalog)}
    assert included_sku in skus and len(skus) == 3, "its group is off, yet the included product is published"
    assert submit(client, "/catalog/products/publish",
                  {"product_ids": [excluded_id], "rule": "exclude"}).status_code == 303

    run = sync_catalog(sqlite_engine, account_id=account_id)

    assert {i.sku: i.deleted for i in vk_items(sandbox_state, catalog)}[excluded_sku] is True
    assert "исключён вами" in client.get(f"/sync/runs/{run.id}?outcome=hidden").text
    assert submit(client, "/catalog/products/publish", {"product_ids": [excluded_id], "rule": "default"}) \
        .status_code == 303
    sync_catalog(sqlite_engine, account_id=account_id)
    assert {i.sku: i.deleted for i in vk_items(sandbox_state, catalog)}[excluded_sku] is False


def test_a_rule_needs_products_and_a_known_choice(client, shop):  # type: ignore[no-untyped-def]
    assert submit(client, "/catalog/products/publish", {"product_ids": [1], "rule": "maybe"}).status_code == 400
    assert submit(client, "/catalog/products/publish", {"rule": "exclude"}).status_code == 400
