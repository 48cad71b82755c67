"""The products table sorted by stock: its pages are read from an index in both directions (first pages and far
pages read from the end) on SQLite and PostgreSQL, with no sort of the store's rows; stocks stored before the
upgrade that put the quantity on the product row order the table after it, products without one last."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.models import STOCK_ASC_INDEX, STOCK_DESC_INDEX, Product, Stock, Store
from marketsync.cli.migrate import alembic_config
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.sync.service import channel_products_page
from marketsync.web.tables import TableQuery

# Product n's stock; None: no stock row (a service). Ties at 3 and at 0 are ordered by id.
QUANTITIES = [Decimal(5), None, Decimal(3), Decimal(0), Decimal("-2"), Decimal(3), None, Decimal("7.5"),
              Decimal(0), Decimal(3), Decimal(1), Decimal(4)]


def _store(engine: Engine) -> tuple[int, list[int]]:
    """A seller's store of len(QUANTITIES) products, their stock written as the importer writes it (on the row
    and in stocks); return the account and the product ids in QUANTITIES' order."""
    with session_scope(engine) as session:
        account = primary_account_id(session, create_user(session, email="s@example.ru", password=None).id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        session.add(evotor)
        session.flush()
        session.add(Store(account_id=account, connection_id=evotor.id, external_id="st", name="Магазин"))
        ids = []
        for n, quantity in enumerate(QUANTITIES):
            product = Product(account_id=account, connection_id=evotor.id, store_external_id="st",
                              external_id=f"uuid-{n}", sku=f"ART-{n}", name=f"Товар {n}", barcodes=[],
                              price=Decimal(1), quantity=quantity)
            session.add(product)
            session.flush()
            if quantity is not None:
                session.add(Stock(account_id=account, product_id=product.id, quantity=quantity))
            ids.append(product.id)
    return account, ids


def _keys_statement(engine: Engine, show: Callable[[], Any]) -> tuple[str, Any]:
    """Return the SQL and parameters of the products page's key query (its ordered product ids) as sent."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        show()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    keys = [(s, p) for s, p in sent if s.lstrip().startswith("SELECT products.id") and "ORDER BY" in s]
    assert len(keys) == 1, sent
    return keys[0]


def _plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        # A few rows are cheaper to sort than to walk an index: forbid the sort, so the plan shows whether an
        # index can give the order at all (as it must for 100,000 rows).
        conn.exec_driver_sql("SET LOCAL enable_sort = off")  # this transaction only (rolled back)
        return [str(row[0]) for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"], indirect=True)  # MariaDB indexes no expression
def test_every_stock_page_is_read_from_an_index_first_pages_and_far_ones(engine: Engine) -> None:
    account, _ids = _store(engine)
    last = -(-len(QUANTITIES) // 2)
    for direction, index in (("asc", STOCK_ASC_INDEX), ("desc", STOCK_DESC_INDEX)):
        for number in (1, last):  # the last page is read backwards from the end of the same index
            table = TableQuery(sort="stock", dir=direction, per_page=2, page=number)

            def show(table: TableQuery = table) -> None:
                with session_scope(engine) as session:
                    rows, _page = channel_products_page(session, account, "st", table)
                    assert len(rows) == 2

            plan = _plan(engine, *_keys_statement(engine, show))
            assert any(index in line for line in plan), (direction, number, plan)
            assert not any("TEMP B-TREE" in line or "Sort" in line for line in plan), (direction, number, plan)


def test_stocks_stored_before_the_upgrade_order_the_products_table_after_it(engine: Engine) -> None:
    account, ids = _store(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    before = ScriptDirectory.from_config(config).get_revision("0011").down_revision
    command.downgrade(config, str(before))  # the products table without its quantity; the stocks stay
    command.upgrade(config, "head")
    engine.dispose()  # pooled connections may hold the table as it was

    stocked = sorted((q, i) for i, q in zip(ids, QUANTITIES, strict=True) if q is not None)
    unstocked = [i for i, q in zip(ids, QUANTITIES, strict=True) if q is None]
    with session_scope(engine) as session:
        rows, _page = channel_products_page(session, account, "st", TableQuery(sort="stock", per_page=50))
        assert [(r.product.id, r.quantity) for r in rows] == [(i, q) for q, i in stocked] + [(i, None)
                                                                                            for i in unstocked]
        rows, _page = channel_products_page(session, account, "st", TableQuery(sort="stock", dir="desc"))
        assert [r.product.id for r in rows] == [i for _q, i in reversed(stocked)] + unstocked[::-1]
