"""The stock pages at scale: a cabinet with N products (default 50,000) in one enabled store, every product
matched to an Ozon offer and every other one to a Wildberries offer too (1.5 N stock lines), with what was
pushed, what the marketplaces report (FBS at our warehouse and at another one, FBO for every fifth), a few
refusals, and N / 20 offers without a product, answered through the web app as a signed-in seller.

1. p50/p95 of /stocks (first page, searches, filters, sorts, the last page), a product's page, the unmatched
   offers and the products without an offer.
2. Peak Python memory (tracemalloc) of the CSV and XLSX exports of 10% and of all the lines: flat means the two
   peaks are close, not in proportion to the lines.

Not a test: it prints numbers. Options: --products N, --repeat R, --database-url URL (a scratch database: its
tables are dropped and created again; SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path


def _env(workdir: Path, database_url: str | None) -> None:
    os.environ.update({
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
    })
    os.environ.pop("REDIS_URL", None)


def _seed(products: int) -> int:
    """Create the schema, a seller, a store with N products and their marketplace stock state; return the
    cabinet."""
    from sqlalchemy import insert, text

    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.catalog.models import Product, Stock, Store
    from marketsync.connections.models import Connection
    from marketsync.db import get_engine, session_scope, utcnow
    from marketsync.models import metadata
    from marketsync.security import encrypt_json
    from marketsync.stocks.models import MarketStock, OfferRow, StockPush
    from marketsync.sync.filters import set_store

    metadata.drop_all(get_engine())
    metadata.create_all(get_engine())
    with session_scope() as session:
        user = create_user(session, email="bench@example.ru", password="correct-horse-42", name="Bench")
        account = primary_account_id(session, user.id)
        conns = {system: Connection(account_id=account, system=system, settings=settings,
                                    credentials_encrypted=encrypt_json({}))
                 for system, settings in (("evotor", {}), ("ozon", {"client_id": "1", "warehouse_id": "100"}),
                                          ("wildberries", {"warehouse_id": 200}))}
        session.add_all(conns.values())
        session.flush()
        evotor, ozon, wb = conns["evotor"].id, conns["ozon"].id, conns["wildberries"].id
        session.add(Store(account_id=account, connection_id=evotor, external_id="store", name="Склад"))
        set_store(session, account, "store", enabled=True, all_groups=True)
        now = utcnow()
        for start in range(0, products, 10_000):
            batch = range(start, min(products, start + 10_000))
            session.execute(insert(Product), [{
                "account_id": account, "connection_id": evotor, "store_external_id": "store",
                "external_id": f"uuid-{n}", "article_number": f"A{n:06d}", "stock_key": f"A{n:06d}",
                "barcodes": [f"46{n:011d}"], "name": f"Товар номер {n:06d}", "price": Decimal("10"),
                "allow_to_sell": True, "attributes": {}, "refreshed_at": now} for n in batch])
            lines = [(ozon, f"A{n:06d}", f"A{n:06d}", n) for n in batch] + \
                [(wb, str(900_000_000 + n), f"WB-A{n:06d}", n) for n in batch if n % 2 == 0]
            session.execute(insert(OfferRow), [{
                "account_id": account, "connection_id": conn, "stock_key": key, "offer_id": offer,
                "barcodes": [f"46{n:011d}"], "name": f"Карточка {n}", "archived": False,
                "product_key": f"A{n:06d}", "match_rule": "key", "seen_at": now} for conn, key, offer, n in lines])
            session.execute(insert(StockPush), [{
                "account_id": account, "connection_id": conn, "stock_key": key, "product_key": f"A{n:06d}",
                "offered": n % 97, "pushed_amount": n % 97 if n % 11 else None, "pushed_at": now if n % 11 else None,
                "error": "refused" if n % 101 == 0 else None, "error_code": "E" if n % 101 == 0 else None,
            } for conn, key, offer, n in lines])
            session.execute(insert(MarketStock), [{
                "account_id": account, "connection_id": conn, "stock_key": key,
                "warehouse_id": "100" if conn == ozon else "200", "fulfillment": "fbs",
                "quantity": n % 97 if n % 13 else 0, "reserved": 0, "synced_at": now}
                for conn, key, offer, n in lines])
            session.execute(insert(MarketStock), [{
                "account_id": account, "connection_id": conn, "stock_key": key, "warehouse_id": "FBO-1",
                "fulfillment": "fbo", "quantity": 5, "reserved": 0, "synced_at": now}
                for conn, key, offer, n in lines if n % 5 == 0])
            session.execute(insert(OfferRow), [{
                "account_id": account, "connection_id": ozon, "stock_key": f"FOREIGN-{n}", "offer_id": f"FOREIGN-{n}",
                "barcodes": [], "name": f"Чужое {n}", "archived": False, "product_key": None,
                "unmatched_reason": "no product with this offer id or barcode", "seen_at": now}
                for n in batch if n % 20 == 0])
        ids = session.execute(Product.__table__.select().with_only_columns(Product.id)).scalars().all()
        session.execute(insert(Stock), [{"account_id": account, "product_id": i, "quantity": Decimal(i % 97),
                                         "updated_at": now} for i in ids])
    with get_engine().connect() as conn:  # fresh statistics, as autovacuum would have them after a bulk load
        conn.execute(text("ANALYZE"))
        conn.commit()
    return account


def _timings(client: object, url: str, repeat: int) -> tuple[float, float]:
    spent = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        spent.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    spent.sort()
    return statistics.median(spent), spent[max(0, round(0.95 * len(spent)) - 1)]


def _pages(products: int, repeat: int) -> None:
    from fastapi.testclient import TestClient

    from marketsync.web.app import create_app

    with TestClient(create_app(), follow_redirects=False) as client:
        login = client.get("/login")
        token = re.search(r'name="csrftoken" value="([^"]+)"', login.text)
        assert token
        client.post("/login", data={"csrftoken": token.group(1), "email": "bench@example.ru",
                                    "password": "correct-horse-42"})
        last = -(-(products + products // 2) // 50)
        cases = {
            "first page": "/stocks", "search by key": "/stocks?q=A004213", "search by name": "/stocks?q=номер 0421",
            "marketplace filter": "/stocks?marketplace=wildberries", "state: error": "/stocks?state=error",
            "state: differs": "/stocks?state=differs", "sort by our stock": "/stocks?sort=stock&dir=desc",
            "sort by reported": "/stocks?sort=reported", "last page": f"/stocks?page={last}",
            "a product's page": "/stocks/product?key=A004213", "offers without a product": "/stocks/unmatched",
            "products without an offer": "/stocks/unmatched/products?marketplace=wildberries",
            "the overview (/)": "/",
        }
        print(f"Stock pages, {products:,} products ({products + products // 2:,} stock lines), "
              f"{repeat} requests each (ms):")
        for name, url in cases.items():
            p50, p95 = _timings(client, url, repeat)
            print(f"  {name:<28} p50 {p50:7.1f}   p95 {p95:7.1f}")


def _export_peak(account: int, limit: int, fmt: str, workdir: Path) -> tuple[float, int]:
    from itertools import islice

    from marketsync.db import session_scope
    from marketsync.stocks.table_service import stock_lines_export
    from marketsync.web.export import Column, _csv_lines, write_xlsx
    from marketsync.web.tables import TableQuery

    columns: list[Column] = [Column("key", lambda r: r.product_key), Column("name", lambda r: r.name),
                             Column("stock", lambda r: r.stock), Column("offered", lambda r: r.offered),
                             Column("reported", lambda r: r.reported), Column("at", lambda r: r.pushed_at)]
    tracemalloc.start()
    began = time.perf_counter()
    with session_scope() as session:
        rows = islice(stock_lines_export(session, account, TableQuery(sort="key")), limit)
        if fmt == "xlsx":
            write_xlsx(str(workdir / f"export-{limit}.xlsx"), columns, rows, title="stocks")
        else:
            with open(workdir / f"export-{limit}.csv", "wb") as out:
                for chunk in _csv_lines(columns, rows):
                    out.write(chunk)
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    """Seed the cabinet, time the pages, measure the exports' memory, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marketsync-bench-stocks-") as tmp:
        workdir = Path(tmp)
        _env(workdir, args.database_url)
        began = time.perf_counter()
        account = _seed(args.products)
        print(f"Seeded {args.products:,} products in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        _pages(args.products, args.repeat)
        lines = args.products + args.products // 2
        for fmt in ("csv", "xlsx"):
            print(f"{fmt.upper()} export (peak Python memory while writing):")
            for limit in (lines // 10, lines):
                seconds, peak = _export_peak(account, limit, fmt, workdir)
                print(f"  {limit:>9,} lines: {seconds:6.1f} s, peak {peak / 2**20:6.1f} MiB")


if __name__ == "__main__":
    main()
