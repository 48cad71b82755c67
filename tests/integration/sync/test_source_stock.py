"""What the stock pipelines read from Evotor: each product's article and its quantity per store, kept on every
refresh; the stock offered per product key over the enabled stores, in chunks (SQLite, PostgreSQL, MariaDB)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from builders import Catalog, seller
from marketsync.catalog.models import Product, Stock
from marketsync.db import session_scope
from marketsync.sync.chain import refresh_source
from marketsync.sync.filters import set_store
from marketsync.sync.publishing import offered_stocks


def _world(state: Any) -> tuple[Catalog, dict[str, str]]:
    """Two stores of one seller: a cheese with an article in both, a tea by code only, a sold-out jam, a
    kefir sold before it was received (negative), a service without a quantity, a case-twin of an article."""
    token, vk_token = "evotor-token-stock-0001", "vk-token-stock-0001"
    state.evotor.add_token(token, "01-000000000000777")
    state.vk.add_token(vk_token, 1777)
    catalog = Catalog(token, vk_token, state.vk.add_group(vk_token, "Магазин остатков"))
    first = state.evotor.add_store(token, "Магазин на Ленина", address="Москва")
    second = state.evotor.add_store(token, "Лавка на Садовой", address="Казань")
    catalog.stores = [first, second]

    def add(store: str, name: str, **fields: Any) -> str:
        base: dict[str, Any] = {"name": name, "price": Decimal("100"), "measure_name": "шт", "type": "NORMAL",
                                "tax": "NO_VAT", "allow_to_sell": True}
        return str(state.evotor.add_product(token, store, **{**base, **fields}))

    ids = {
        "cheese1": add(first, "Сыр Ламбер", article_number="A-10001", code="1", quantity=Decimal("2.5"),
                       barcodes=["4601234567893"]),
        "cheese2": add(second, "Сыр Ламбер 1 кг", article_number="A-10001", code="9", quantity=Decimal("3.6"),
                       barcodes=["4601234567893", "4601234567800"]),
        "tea": add(first, "Чай", code="17", quantity=Decimal("5")),
        "jam": add(first, "Джем вишнёвый", code="18", quantity=Decimal("0")),
        "kefir1": add(first, "Кефир 1%", article_number="K-1", quantity=Decimal("-3")),
        "kefir2": add(second, "Кефир 1%", article_number="K-1", quantity=Decimal("4")),
        "service": add(first, "Доставка", type="SERVICE", code="99"),
        "twin": add(second, "Сок", article_number="a-10001", quantity=Decimal("1")),
    }
    return catalog, ids


def _rows(engine: Engine, account_id: int) -> dict[str, tuple[str | None, str, Decimal | None]]:
    """Product external id → (article, stock key, quantity at its store)."""
    with session_scope(engine) as session:
        rows = session.execute(select(Product.external_id, Product.article_number, Product.stock_key, Stock.quantity)
                               .outerjoin(Stock, Stock.product_id == Product.id)
                               .where(Product.account_id == account_id))
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _table_shows_what_pipelines_read(engine: Engine, account_id: int) -> None:
    """The products table's quantity (on the product row) is the stock row's, None where there is none."""
    with session_scope(engine) as session:
        rows = session.execute(select(Product.external_id, Product.quantity, Stock.quantity)
                               .outerjoin(Stock, Stock.product_id == Product.id)
                               .where(Product.account_id == account_id)).all()
    assert rows and all(on_row == in_stocks for _id, on_row, in_stocks in rows), rows


def test_a_refresh_keeps_each_products_article_and_its_quantity_per_store(engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog, ids = _world(sandbox_state)
    account_id = seller(engine, catalog)

    assert refresh_source(engine, account_id=account_id).status == "succeeded"

    rows = _rows(engine, account_id)
    assert rows[ids["cheese1"]] == ("A-10001", "A-10001", Decimal("2.5"))
    assert rows[ids["cheese2"]] == ("A-10001", "A-10001", Decimal("3.6"))
    assert rows[ids["tea"]] == (None, "17", Decimal("5"))
    assert rows[ids["jam"]] == (None, "18", Decimal("0")), "a sold-out product keeps a stock row at 0"
    assert rows[ids["kefir1"]][2] == Decimal("-3"), "a negative stock is kept as Evotor reports it"
    assert rows[ids["service"]] == (None, "99", Decimal("0"))  # Evotor's emulator reports 0 for a service
    _table_shows_what_pipelines_read(engine, account_id)

    store = catalog.stores[0]
    sandbox_state.evotor.update_product(catalog.evotor_token, store, ids["tea"], quantity=Decimal("0"))
    sandbox_state.evotor.update_product(catalog.evotor_token, store, ids["jam"], quantity=Decimal("12.125"))
    sandbox_state.evotor.update_product(catalog.evotor_token, store, ids["cheese1"], article_number="A-20002")
    sandbox_state.evotor.delete_product(catalog.evotor_token, store, ids["kefir1"])

    assert refresh_source(engine, account_id=account_id).status == "succeeded"

    rows = _rows(engine, account_id)
    assert rows[ids["tea"]][2] == Decimal("0") and rows[ids["jam"]][2] == Decimal("12.125")
    assert rows[ids["cheese1"]][:2] == ("A-20002", "A-20002"), "a changed article changes the key"
    assert ids["kefir1"] not in rows
    _table_shows_what_pipelines_read(engine, account_id)
    with session_scope(engine) as session:
        stocks = session.scalar(select(Stock.id).join(Product, Product.id == Stock.product_id)
                                .where(Product.external_id == ids["kefir1"]))
        assert stocks is None, "a deleted product's stock goes with it"


def test_offered_stock_sums_a_key_over_the_enabled_stores_in_chunks(engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog, _ids = _world(sandbox_state)
    account_id = seller(engine, catalog)
    refresh_source(engine, account_id=account_id)

    with session_scope(engine) as session:
        # chunk=1: every key is its own chunk, so keys split across chunks would show as duplicates.
        chunks = list(offered_stocks(session, account_id=account_id, reserve=1, chunk=1))
    levels = {lv.key: lv for chunk in chunks for lv in chunk}
    assert sum(len(c) for c in chunks) == len(levels), "no key comes twice"
    assert {k: (lv.total, lv.offered) for k, lv in levels.items()} == {
        "A-10001": (6, 5),   # floor(2.5 + 3.6) − 1
        "a-10001": (1, 0),   # another article, even where a collation folds case
        "K-1": (4, 3),       # −3 counts as 0
        "17": (5, 4), "18": (0, 0), "99": (0, 0),
    }
    assert levels["A-10001"].barcodes == ("4601234567893", "4601234567800")
    assert levels["A-10001"].name == "Сыр Ламбер", "named as in the store switched on first"

    with session_scope(engine) as session:
        set_store(session, account_id, catalog.stores[0], enabled=False)
    with session_scope(engine) as session:
        levels = {lv.key: lv for chunk in offered_stocks(session, account_id=account_id) for lv in chunk}
    assert {k: lv.offered for k, lv in levels.items()} == {"A-10001": 3, "a-10001": 1, "K-1": 4}, \
        "products only in a store that is off are not ours"

    with session_scope(engine) as session:
        set_store(session, account_id, catalog.stores[1], enabled=False)
    with session_scope(engine) as session:
        assert list(offered_stocks(session, account_id=account_id)) == []
