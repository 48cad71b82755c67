"""The admin's API log at scale (SQLite by default): N logged calls (default 100,000) of two cabinets with bodies
of about a kilobyte, answered through the web app as a signed-in administrator.

1. p50/p95 of the log page: the first page, 100 calls a page, sorted by duration and by status, a status class,
   errors only, one cabinet, a text search, and the last page.
2. Peak Python memory (tracemalloc) and time of the XLSX download of one cabinet's calls (10%) and of all of
   them, through the route (bodies decoded and redacted): flat means the two peaks are close.

Not a test: it prints numbers. Options: --calls N, --repeat R, --database-url URL (a scratch database: its
tables are dropped and created again).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

from tables import _env, _timings


def _seed(calls: int) -> int:
    """Create the schema, an administrator, two cabinets and N calls (one in ten the small cabinet's)."""
    from sqlalchemy import insert, text

    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.connections.models import ApiCall
    from marketsync.db import get_engine, session_scope, utcnow
    from marketsync.models import metadata

    metadata.drop_all(get_engine())
    metadata.create_all(get_engine())
    with session_scope() as session:
        create_user(session, email="admin@example.ru", password="correct-horse-42", name="Admin", admin=True)
        big = primary_account_id(session, create_user(session, email="big@example.ru", password=None).id)
        small = primary_account_id(session, create_user(session, email="small@example.ru", password=None).id)
        now = utcnow()
        items = json.dumps({"response": {"count": 10, "items": [
            {"id": i, "title": f"Товар номер {i}", "price": {"amount": "12300", "currency": "RUB"}}
            for i in range(10)]}}, ensure_ascii=False)
        for start in range(0, calls, 10_000):
            session.execute(insert(ApiCall), [{
                "account_id": small if n % 10 == 0 else big, "system": "vk" if n % 2 else "evotor",
                "method": "POST" if n % 2 else "GET", "url": f"https://api.example/method/market.get?n={n}",
                "request_body": f"owner_id=-1&offset={n}&count=200&access_token=vk1.a.secret&v=5.199",
                "status_code": (500 if n % 97 == 0 else 429 if n % 31 == 0 else 200), "response_body": items,
                "duration_ms": n % 1000, "created_at": now - timedelta(seconds=calls - n)}
                for n in range(start, min(calls, start + 10_000))])
    with get_engine().connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return small


def _signed_in():  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from marketsync.web.app import create_app

    client = TestClient(create_app(), follow_redirects=False)
    client.__enter__()
    login = client.get("/login")
    token = re.search(r'name="csrftoken" value="([^"]+)"', login.text)
    assert token
    client.post("/login", data={"csrftoken": token.group(1), "email": "admin@example.ru",
                                "password": "correct-horse-42"})
    return client


def main() -> None:
    """Seed the log, time its page, measure the download's memory, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="marketsync-bench-log-") as tmp:
        _env(Path(tmp), args.database_url)
        began = time.perf_counter()
        small = _seed(args.calls)
        print(f"Seeded {args.calls:,} calls in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        client = _signed_in()
        cases = {
            "first page": "/admin/logs", "100 a page": "/admin/logs?per_page=100",
            "sort by duration": "/admin/logs?sort=duration&dir=desc", "sort by status": "/admin/logs?sort=status",
            "status class 5xx": "/admin/logs?status_class=5xx", "errors only": "/admin/logs?errors=1",
            "one cabinet": f"/admin/logs?cabinet={small}", "text search": "/admin/logs?text=n%3D4213",
            "last page": f"/admin/logs?page={-(-args.calls // 50)}",
        }
        print(f"API log page, {args.calls:,} calls, {args.repeat} requests each (ms):")
        for name, url in cases.items():
            p50, p95 = _timings(client, url, args.repeat)
            print(f"  {name:<20} p50 {p50:7.1f}   p95 {p95:7.1f}")
        print("XLSX download through the route (peak Python memory while written and read):")
        for label, url in ((f"{args.calls // 10:,} calls", f"/admin/logs/export.xlsx?cabinet={small}"),
                           (f"{args.calls:,} calls", "/admin/logs/export.xlsx")):
            tracemalloc.start()
            began = time.perf_counter()
            size = 0
            with client.stream("GET", url) as response:
                for chunk in response.iter_bytes():
                    size += len(chunk)
            seconds = time.perf_counter() - began
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"  {label:>14}: {seconds:6.1f} s, {size / 2**20:5.1f} MiB file, peak {peak / 2**20:6.1f} MiB")
        client.__exit__(None, None, None)


if __name__ == "__main__":
    main()
