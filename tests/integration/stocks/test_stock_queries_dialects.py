"""The stock pages' queries on SQLite, PostgreSQL and MariaDB: states, sorts, search, the export's order, the
unmatched lists, a mapping and the product's page give the same answers on every dialect."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.stocks.product_service import product_stocks
from marketsync.stocks.table_service import market_summaries, stock_lines_export, stock_lines_page
from marketsync.stocks.unmatched_service import (
    map_offer,
    mappings_page,
    unmatched_offers_page,
    unoffered_products_page,
)
from marketsync.web.tables import TableQuery
from stock_world import seed_stock_world


def _account(engine: Engine, email: str) -> int:
    with session_scope(engine) as session:
        return primary_account_id(session, create_user(session, email=email, password="password123").id)


def _keys(engine: Engine, account_id: int, **query: object) -> list[str]:
    with session_scope(engine) as session:
        lines, _page = stock_lines_page(session, account_id, TableQuery(**query))  # type: ignore[arg-type]
        return [line.product_key for line in lines]


def test_the_stock_table_answers_alike_on_every_dialect(engine: Engine) -> None:
    account_id = _account(engine, "a@example.ru")
    seed_stock_world(engine, account_id)
    seed_stock_world(engine, _account(engine, "b@example.ru"), prefix="OTHER")

    assert _keys(engine, account_id, sort="key") == ["ART-1", "ART-2", "ART-3", "ART-4"]
    assert {state: _keys(engine, account_id, sort="key", filters={"state": state})
            for state in ("ok", "error", "never", "differs")} == {
        "ok": ["ART-1"], "error": ["ART-3"], "never": ["ART-2"], "differs": ["ART-4"]}
    assert _keys(engine, account_id, sort="stock", dir="desc") == ["ART-4", "ART-1", "ART-3", "ART-2"]
    assert _keys(engine, account_id, sort="name") == ["ART-2", "ART-1", "ART-3", "ART-4"], "«Кружка» before «Товар»"
    assert _keys(engine, account_id, sort="reported")[:2] == ["ART-4", "ART-1"]
    assert _keys(engine, account_id, q="КРУЖКА", sort="key") == ["ART-2"]
    assert _keys(engine, account_id, q="oz-art-3", sort="key") == ["ART-3"]
    with session_scope(engine) as session:
        exported = list(stock_lines_export(session, account_id, TableQuery(sort="offered", dir="desc")))
        summaries = {s.system: (s.matched, s.errors, s.unmatched) for s in market_summaries(session, account_id)}
    assert [(line.product_key, line.stock, line.offered, line.reported, line.fbo) for line in exported] == [
        ("ART-4", 7, 6, 3, 12), ("ART-1", 5, 5, 5, None), ("ART-3", 0, 0, None, None), ("ART-2", 0, 0, None, None)]
    assert summaries == {"ozon": (3, 1, 2), "wildberries": (1, 0, 0)}


def test_the_unmatched_lists_a_mapping_and_the_product_page_answer_alike_on_every_dialect(engine: Engine) -> None:
    account_id = _account(engine, "a@example.ru")
    world = seed_stock_world(engine, account_id)

    with session_scope(engine) as session:
        offers, _ = unmatched_offers_page(session, account_id, TableQuery(sort="offer", q="ForEign"))
        products, page = unoffered_products_page(session, account_id, world.wildberries,
                                                 TableQuery(sort="stock", dir="desc"))
        map_offer(session, account_id=account_id, offer_id=world.offers["FOREIGN-ART"], product_key="ART-4")
    with session_scope(engine) as session:
        mappings, _ = mappings_page(session, account_id, TableQuery(sort="created"))
        view = product_stocks(session, account_id, "ART-1")
    assert [o.offer_id for o in offers] == ["FOREIGN-ART"]
    assert [(p.key, p.stock, p.barcodes) for p in products] == [
        ("ART-1", 5, ["4600000000001"]), ("ART-3", 0, ["4600000000003"]), ("ART-2", 0, ["4600000000002"])]
    assert page.total == 3
    assert [(m.offer_id, m.product_key, m.state) for m in mappings] == [("FOREIGN-ART", "ART-4", "pending")]
    assert view is not None and view.stock == 5 and [s.store for s in view.stores] == ["Склад ART"]
    assert [(m.system, [o.reported for o in m.offers]) for m in view.marketplaces] == [("ozon", [5]),
                                                                                      ("wildberries", [])]
    assert [point.amount for point in view.history] == [3, 5]
