"""Products table at scale: a cabinet with N products (default 100,000), half of them bound to a VK item,
answered through the web app as a signed-in seller.

1. p50/p95 of the products page for: the first page, a search by name, by article and by barcode, a sort by
   price and by stock (both ways), a search sorted by stock, the last page (also sorted by price and by stock)
   and the overview (the issue's target: under 100 ms p95); and, beyond the target, a search that every product
   matches (what a trigram index cannot narrow).
   Beside the wall-clock times, the CPU time each request used, here and in the PostgreSQL server processes that
   served it (/proc/<pid>/schedstat): on a machine busy with other work a request waits for a core, and its
   wall time grows with the load; its CPU time is what it costs, the time it takes on an idle machine.
2. Peak Python memory (tracemalloc) of an XLSX export of 10% and of all the rows: flat means the two peaks are
   close, not in proportion to the rows.

Not a test: it prints numbers. Options: --products N, --repeat R, --database-url URL (another database, e.g.
PostgreSQL: a scratch one, as its tables are dropped and created again; SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

BENCH_APP = "marketsync-bench"  # the application_name of our PostgreSQL connections, to find their backends


def _env(workdir: Path, database_url: str | None) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(database_url or f"sqlite:///{workdir / 'bench.db'}")
    if url.get_backend_name() == "postgresql":
        url = url.update_query_dict({"application_name": BENCH_APP})
    os.environ.update({
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
    })
    os.environ.pop("REDIS_URL", None)


def _quantity(n: int) -> Decimal | None:
    """Product n's stock, as the importer writes it on the row and in stocks; one in 1,000 has none (a service)."""
    return None if n % 1000 == 999 else Decimal(n % 97)


def _seed(products: int) -> tuple[int, str, int]:
    """Create the schema, a seller, a store with N products and stocks, and VK items for half; return ids."""
    from sqlalchemy import insert, select, text

    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.catalog.models import Product, Stock, Store
    from marketsync.catalog.search import search_text
    from marketsync.connections.models import Connection
    from marketsync.db import get_engine, session_scope, utcnow
    from marketsync.models import metadata
    from marketsync.security import encrypt_json
    from marketsync.sync.models import Binding, ChannelItem

    metadata.drop_all(get_engine())
    metadata.create_all(get_engine())
    with session_scope() as session:
        user = create_user(session, email="bench@example.ru", password="correct-horse-42", name="Bench")
        account = primary_account_id(session, user.id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        vk = Connection(account_id=account, system="vk", settings={"group_id": 1},
                        credentials_encrypted=encrypt_json({}))
        session.add_all([evotor, vk])
        session.flush()
        store = Store(account_id=account, connection_id=evotor.id, external_id="store", name="Склад")
        session.add(store)
        session.flush()
        now = utcnow()
        for start in range(0, products, 10_000):
            batch = range(start, min(products, start + 10_000))
            session.execute(insert(Product), [{
                "account_id": account, "connection_id": evotor.id, "store_external_id": "store",
                "external_id": f"uuid-{n}", "sku": f"A{n:06d}", "barcodes": [f"46{n:011d}"],
                "name": f"Товар номер {n:06d}", "price": Decimal(n % 5000) + Decimal("0.5"), "allow_to_sell": True,
                "attributes": {}, "refreshed_at": now, "quantity": _quantity(n),
                "search_text": search_text(f"Товар номер {n:06d}", f"A{n:06d}", [f"46{n:011d}"])} for n in batch])
            session.execute(insert(Binding), [{
                "account_id": account, "connection_id": vk.id, "kind": "item", "internal_id": f"A{n:06d}",
                "external_id": str(n), "pushed_at": now} for n in batch if n % 2 == 0])
            session.execute(insert(ChannelItem), [{
                "account_id": account, "connection_id": vk.id, "kind": "item", "external_id": str(n),
                "name": f"Товар номер {n:06d}", "price": Decimal(n % 5000), "hidden": False, "album_ids": [],
                "refreshed_at": now} for n in batch if n % 2 == 0])
        stocked = session.execute(select(Product.id, Product.quantity).where(Product.quantity.is_not(None))).all()
        session.execute(insert(Stock), [{"account_id": account, "product_id": i, "quantity": quantity,
                                         "updated_at": now} for i, quantity in stocked])
        store_id = store.id
    # Fresh statistics and (PostgreSQL) the visibility map, as autovacuum would leave them after a bulk load.
    with get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))
    return account, "store", store_id


def _backends() -> list[int]:
    """Return the pids of the PostgreSQL backends serving this process's engine (none on SQLite)."""
    from sqlalchemy import text

    from marketsync.db import get_engine

    if get_engine().dialect.name != "postgresql":
        return []
    with get_engine().connect() as conn:  # itself one of them: its CPU counts, as small as it is
        return list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                                 {"name": BENCH_APP}))


def _cpu_ms(backends: list[int]) -> float:
    """Return the CPU time used so far by this process (every thread) and by the given server processes."""
    total = time.process_time_ns()
    for pid in backends:
        with contextlib.suppress(OSError, ValueError):  # the server is elsewhere, or the backend ended
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])  # ns on a CPU
    return total / 1e6


def _p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[max(0, round(0.95 * len(values)) - 1)]


def _timings(client: object, url: str, repeat: int) -> tuple[float, float, float, float]:
    """Return p50 and p95 of the wall time, then of the CPU time, of `repeat` requests to the url."""
    spent, cpu = [], []
    for _ in range(repeat):
        backends = _backends()
        began, began_cpu = time.perf_counter(), _cpu_ms(backends)
        response = client.get(url)  # type: ignore[attr-defined]
        spent.append((time.perf_counter() - began) * 1000)
        cpu.append(_cpu_ms(backends) - began_cpu)
        assert response.status_code == 200, (url, response.status_code)
    return (*_p50_p95(spent), *_p50_p95(cpu))


def _pages(store_id: int, products: int, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from marketsync.web.app import create_app

    with TestClient(create_app(), follow_redirects=False) as client:
        login = client.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', login.text)
        assert token
        client.post("/login", data={"csrftoken": token.group(1), "email": "bench@example.ru",
                                    "password": "correct-horse-42"})
        base = f"/catalog/stores/{store_id}/products"
        last = -(-products // 50)
        cases = {
            "first page": base, "search by name": f"{base}?q=номер 0421", "search by article": f"{base}?q=A004213",
            "search by barcode": f"{base}?q=4600000004213", "sort by price": f"{base}?sort=price",
            "sort by price, descending": f"{base}?sort=price&dir=desc", "sort by stock": f"{base}?sort=stock",
            "sort by stock, descending": f"{base}?sort=stock&dir=desc",
            "search by name, by stock": f"{base}?q=номер 0421&sort=stock",
            "last page": f"{base}?page={last}", "last page sorted by price": f"{base}?sort=price&page={last}",
            "last page sorted by stock": f"{base}?sort=stock&page={last}",
            "last page by stock, desc.": f"{base}?sort=stock&dir=desc&page={last}",
            "the overview (/)": "/", "search, all match (товар)": f"{base}?q=товар",
        }
        print(f"Products page and overview, {products:,} products, {repeat} requests each (ms; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start):")
        print(f"  {'':<28} {'wall p50':>8} {'p95':>7}   {'CPU p50':>8} {'p95':>7}")
        for name, url in cases.items():
            p50, p95, cpu50, cpu95 = _timings(client, url, repeat)
            print(f"  {name:<28} {p50:8.1f} {p95:7.1f}   {cpu50:8.1f} {cpu95:7.1f}")


def _export_peak(account: int, store: str, limit: int, workdir: Path) -> tuple[float, int]:
    from itertools import islice

    from marketsync.db import session_scope
    from marketsync.sync.service import channel_products_export
    from marketsync.web.export import Column, write_xlsx
    from marketsync.web.tables import TableQuery

    columns: list[Column] = [Column("name", lambda r: r.product.name), Column("sku", lambda r: r.product.sku),
                             Column("price", lambda r: r.product.price), Column("stock", lambda r: r.quantity),
                             Column("vk", lambda r: r.channel.price if r.channel else None)]
    tracemalloc.start()
    began = time.perf_counter()
    with session_scope() as session:
        rows = islice(channel_products_export(session, account, store, TableQuery(sort="price")), limit)
        write_xlsx(str(workdir / f"export-{limit}.xlsx"), columns, rows, title="products")
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    """Seed the cabinet, time the page, measure the export's memory, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marketsync-bench-tables-") as tmp:
        workdir = Path(tmp)
        _env(workdir, args.database_url)
        began = time.perf_counter()
        account, store, store_id = _seed(args.products)
        print(f"Seeded {args.products:,} products in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        _pages(store_id, args.products, args.repeat)
        print("XLSX export (peak Python memory while writing):")
        for limit in (args.products // 10, args.products):
            seconds, peak = _export_peak(account, store, limit, workdir)
            print(f"  {limit:>9,} rows: {seconds:6.1f} s, peak {peak / 2**20:6.1f} MiB")


if __name__ == "__main__":
    main()
