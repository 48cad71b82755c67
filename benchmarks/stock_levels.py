"""The stock source at scale: `sync.publishing.offered_stocks` (what the stock pipelines read) over a cabinet of
N products in three enabled stores, for N = 10,000 and N = 100,000 (the second by default 10× the first).

Prints, per size: keys yielded, wall time and queries of the whole read, and its peak Python memory (tracemalloc,
a second read); flat means the two peaks are close, not in proportion to the products.

Not a test: it prints numbers. Options: --products N (the large size), --database-url URL (a scratch database:
its tables are dropped and created again; SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

STORES = ("store-a", "store-b", "store-c")


def _env(workdir: Path, database_url: str | None) -> None:
    os.environ.update({
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
    })
    os.environ.pop("REDIS_URL", None)


def _seed(products: int) -> int:
    """Create the schema and a seller whose N products lie in three stores (a quarter keyed by an article shared
    by two stores, the rest by code), each with a stock row (fractions, zeros and negatives); return the account."""
    from sqlalchemy import insert, select, text

    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.catalog.models import Product, Stock, Store
    from marketsync.connections.models import Connection
    from marketsync.db import get_engine, session_scope, utcnow
    from marketsync.models import metadata
    from marketsync.security import encrypt_json
    from marketsync.sync.filters import set_store

    metadata.drop_all(get_engine())
    metadata.create_all(get_engine())
    with session_scope() as session:
        user = create_user(session, email="bench@example.ru", password="correct-horse-42", name="Bench")
        account = primary_account_id(session, user.id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        session.add(evotor)
        session.flush()
        for store in STORES:
            session.add(Store(account_id=account, connection_id=evotor.id, external_id=store, name=store))
            set_store(session, account, store, enabled=True, all_groups=True)
        now = utcnow()
        for start in range(0, products, 10_000):
            session.execute(insert(Product), [{
                "account_id": account, "connection_id": evotor.id, "store_external_id": STORES[n % 3],
                "external_id": f"uuid-{n}", "sku": f"{n}",
                "article_number": f"ART-{n // 2:06d}" if n % 4 < 2 else None,
                "barcodes": [f"46{n:011d}"], "name": f"Товар номер {n:06d}", "price": Decimal("99.90"),
                "allow_to_sell": True, "attributes": {}, "refreshed_at": now}
                for n in range(start, min(products, start + 10_000))])
        ids = session.scalars(select(Product.id).where(Product.account_id == account)).all()
        for start in range(0, len(ids), 10_000):
            session.execute(insert(Stock), [{"account_id": account, "product_id": i,
                                             "quantity": Decimal(i % 41 - 5) + Decimal("0.25"), "updated_at": now}
                                            for i in ids[start:start + 10_000]])
    with get_engine().connect() as conn:  # fresh statistics, as autovacuum would have them after a bulk load
        mariadb = conn.dialect.name in {"mysql", "mariadb"}
        conn.execute(text("ANALYZE TABLE products, stocks" if mariadb else "ANALYZE"))
        conn.commit()
    return account


def _read(account: int) -> tuple[int, float, int, int]:
    """Read every key's offered stock twice (timed, then under tracemalloc, which slows Python several times);
    return (keys, seconds, queries, peak bytes)."""
    from sqlalchemy import event

    from marketsync.db import get_engine, session_scope
    from marketsync.sync.publishing import offered_stocks

    queries = 0

    def count(*_args: object) -> None:
        nonlocal queries
        queries += 1

    def read_all() -> int:
        with session_scope() as session:
            return sum(len(chunk) for chunk in offered_stocks(session, account_id=account, reserve=2))

    event.listen(get_engine(), "before_cursor_execute", count)
    began = time.perf_counter()
    keys = read_all()
    seconds = time.perf_counter() - began
    event.remove(get_engine(), "before_cursor_execute", count)
    tracemalloc.start()
    read_all()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return keys, seconds, queries, peak


def main() -> None:
    """Seed two cabinet sizes in turn and read their stock; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory() as folder:
        _env(Path(folder), args.database_url)
        print("Offered stock over three enabled stores (sync.publishing.offered_stocks, 1,000 keys a chunk):")
        peaks = []
        for size in (args.products // 10, args.products):
            account = _seed(size)
            keys, seconds, queries, peak = _read(account)
            peaks.append(peak)
            print(f"  {size:>8,} products → {keys:>7,} keys   {seconds:6.2f} s   {queries:4} queries   "
                  f"peak {peak / 2**20:6.1f} MiB")
        print(f"  peak memory at 10× the products: {peaks[1] / peaks[0]:.2f}×")


if __name__ == "__main__":
    main()
