"""A feed built from the database streams: keyset pages of products through the writer, so the build's peak
memory does not grow with the catalog (2,000 against 8,000 products, on SQLite; the writer alone is measured
at 20,000 in tests/unit/feeds)."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from feed_builders import cabinet, hub_catalog, product_fields
from marketsync.db import session_scope
from marketsync.feeds import service
from marketsync.hub.models import HubProduct


def _grow(engine: Engine, account: int, category: int, start: int, count: int) -> None:
    rows = [{**product_fields(i, category), "account_id": account, "content_hash": str(i), "kind": "single",
             "price": Decimal("10.00") + i} for i in range(start, start + count)]
    with engine.begin() as conn:
        conn.execute(insert(HubProduct), rows)


def _peak_build(engine: Engine, account: int) -> tuple[int, int]:
    with session_scope(engine) as session:
        feed = service.feed_by_name(session, account_id=account, name="big")
        tracemalloc.start()
        try:
            service.rebuild(session, feed)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return peak, feed.offers_count or 0


def test_a_feed_build_streams_with_memory_flat_in_the_catalog_size(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    category = hub_catalog(sqlite_engine, account, products=0)["Смартфоны"]
    with session_scope(sqlite_engine) as session:
        service.create_feed(session, account_id=account, name="big")
    _grow(sqlite_engine, account, category, 0, 2_000)
    small, small_count = _peak_build(sqlite_engine, account)
    _grow(sqlite_engine, account, category, 2_000, 6_000)
    large, large_count = _peak_build(sqlite_engine, account)
    assert (small_count, large_count) == (2_000, 8_000)
    # Four times the products: the peak stays the size of one page of them (holding them would take ~4x).
    assert large < small * 1.5, (small, large)
