"""The run page accounts for every product of Evotor, those outside the seller's choice included: a product of a
store that is not chosen, of a group switched off, and another store's copy of an article already in VK each have
their row and reason, and the counts add up to the products Evotor has."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from browser import sign_in
from builders import GROUP_NAMES, seed_catalog, seller, vk_items
from marketsync.db import session_scope
from marketsync.sync.chain import refresh_source, sync_catalog
from marketsync.sync.filters import set_group, set_store


@pytest.fixture
def three_stores(sqlite_engine, sandbox_state, client):  # type: ignore[no-untyped-def]
    """Stores a0 (group 1 switched off), a1 (not chosen) and a2 (chosen after a0, and selling a0's first article
    too): 4 products each plus that copy, 13 in all."""
    catalog = seed_catalog(sandbox_state, stores=3, groups=2, per_group=2, not_for_sale=0)
    first, _not_chosen, later = catalog.stores
    sandbox_state.evotor.add_product(catalog.evotor_token, later, name="Копия товара", price=Decimal("1.00"),
                                     parent_id=catalog.groups[later][0], allow_to_sell=True, code="a00000",
                                     type="NORMAL", tax="NO_VAT", measure_name="шт", quantity=1)
    account_id = seller(sqlite_engine, catalog, enable_all=False)
    refresh_source(sqlite_engine, account_id=account_id)
    with session_scope(sqlite_engine) as session:
        set_store(session, account_id, first, enabled=True, all_groups=True)
        set_group(session, account_id, first, catalog.groups[first][1], enabled=False)
        set_store(session, account_id, later, enabled=True, all_groups=True)
    sign_in(client, "seller@example.ru", "password123")  # builders.seller's password
    return catalog, account_id


def _rows(client, run_id: int, outcome: str = "") -> list[list[str]]:  # type: ignore[no-untyped-def]
    export = client.get(f"/sync/runs/{run_id}/export.csv?outcome={outcome}").content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(export)))[1:]


def test_every_product_of_evotor_has_its_row_and_reason_and_the_counts_add_up(
        client, sqlite_engine, sandbox_state, three_stores):  # type: ignore[no-untyped-def]
    catalog, account_id = three_stores
    evotor_products = sum(len(sandbox_state.evotor.products(catalog.evotor_token, s)) for s in catalog.stores)
    assert evotor_products == 13

    run = sync_catalog(sqlite_engine, account_id=account_id)

    # The run's counts are about VK items (one per article): 2 of a0's group 0 and a2's 4 own products.
    assert (run.status, run.created, run.updated, run.hidden, run.skipped, run.failed) == \
        ("succeeded", 6, 0, 0, 0, 0)
    assert len(vk_items(sandbox_state, catalog)) == 6
    # The journal has one row per Evotor product: created 6 + same article elsewhere 1 + not chosen 6 = 13.
    products = [r for r in _rows(client, run.id) if r[4] == "item"]
    outcomes = sorted(r[2] for r in products)
    assert outcomes == ["copy"] + ["created"] * 6 + ["unselected"] * 6
    assert len(products) == evotor_products

    page = client.get(f"/sync/runs/{run.id}").text
    assert page.index(">Создано</span></td>") < page.index(">Не выбран</span></td>"), "what the run did comes first"
    switched_off = f"{GROUP_NAMES[1]} 0"
    assert f"группа «{switched_off}» выключена в магазине «Магазин a0»" in page
    assert page.count("магазин «Магазин a1» не выбран для VK") == 4
    assert ("тот же артикул в магазине «Магазин a2»: в VK один товар на артикул, он сделан из товара магазина "
            "«Магазин a0»") in page
    accounting = re.search(r'id="run-accounting">([^<]+)<', page)
    assert accounting is not None
    assert accounting.group(1).startswith("Товаров Эвотора в этой синхронизации: 13. Для 6 из них решено")
    assert "1 — тот же артикул в другом магазине; 6 — вне выбранных вами магазинов и групп" in accounting.group(1)
    only = client.get(f"/sync/runs/{run.id}?outcome=unselected").text
    assert "Не выбран" in only and "Создано</span>" not in only
    assert len(_rows(client, run.id, "unselected")) == 6

    client.get("/lang/en")
    english = client.get(f"/sync/runs/{run.id}").text
    assert f"the group «{switched_off}» is switched off in «Магазин a0»" in english
    assert "the store «Магазин a1» is not chosen for VK" in english
    assert "Evotor products in this run: 13. For 6 of them the run decided" in english


def test_a_second_run_without_changes_accounts_for_the_same_products_and_writes_nothing(
        client, sqlite_engine, sandbox_state, three_stores):  # type: ignore[no-untyped-def]
    _catalog, account_id = three_stores
    sync_catalog(sqlite_engine, account_id=account_id)
    writes = sandbox_state.stats.snapshot()["vk"].get("writes", 0)

    again = sync_catalog(sqlite_engine, account_id=account_id)

    assert sandbox_state.stats.snapshot()["vk"].get("writes", 0) == writes
    assert (again.created, again.skipped) == (0, 6)
    outcomes = sorted(r[2] for r in _rows(client, again.id) if r[4] == "item")
    assert outcomes == ["copy"] + ["skipped"] * 6 + ["unselected"] * 6
