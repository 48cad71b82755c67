"""The catalog hub's supplier import at scale: a YML file of 20,000 offers, then one of 200,000 (by default), each
imported into an empty SQLite database by `hub.import_service.import_catalog` in a child process of its own, then
imported a second time (nothing to write).

Prints, per size: the file's size, the first import's time, the second's, and the child's peak RSS (resource's
ru_maxrss: the whole process, interpreter and libraries included) with its RSS before the import; then the ratios
large/small. Flat memory means the peaks are close while the offers grow tenfold.

Not a test: it prints numbers. Options: --small N, --large N.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _env(workdir: Path) -> None:
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
    })
    os.environ.pop("REDIS_URL", None)


def _child(workdir: Path, feed: Path) -> None:
    """Create the schema and a seller, import the feed twice; print one JSON line of figures."""
    _env(workdir)
    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.db import get_engine, session_scope
    from marketsync.hub.import_service import import_catalog
    from marketsync.models import metadata

    metadata.create_all(get_engine())
    with session_scope() as session:
        user = create_user(session, email="bench@example.ru", password="correct-horse-42", name="Bench")
        account = primary_account_id(session, user.id)
    before_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings, counts = [], []
    for _run in range(2):
        started = time.perf_counter()
        with session_scope() as session:
            report = import_catalog(session, account_id=account, supplier_name="Bench", source=feed)
            counts.append((report.read, report.created, report.updated, report.unchanged, report.rejected))
        timings.append(time.perf_counter() - started)
    print(json.dumps({"first_s": timings[0], "second_s": timings[1], "counts": counts, "before_kib": before_kib,
                      "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def _measure(offers: int) -> dict[str, object]:
    from marketsync.sandbox.suppliers.feeds import pool_offers, write_yml

    with tempfile.TemporaryDirectory(prefix="marketsync-bench-hub-") as folder:
        workdir = Path(folder)
        feed = workdir / "feed.yml"
        with feed.open("w", encoding="utf-8") as sink:
            write_yml(sink, pool_offers(offers), shop="Bench")
        proc = subprocess.run([sys.executable, __file__, "--child", str(workdir), str(feed)], capture_output=True,
                              text=True, env={**os.environ})
        if proc.returncode != 0:
            raise SystemExit(f"the import of {offers} offers failed:\n{proc.stderr[-3000:]}")
        figures: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
        figures["file_mb"] = feed.stat().st_size / 1e6
        return figures


def main() -> None:
    """Measure both sizes and print the figures as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child[0]), Path(args.child[1]))
        return
    results = {size: _measure(size) for size in (args.small, args.large)}
    print("## Supplier YML import (SQLite, one child process per size)\n")
    print("| offers | file MB | first import s | second import s | RSS before MiB | peak RSS MiB | counts (2nd) |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for size, f in results.items():
        print(f"| {size:,} | {f['file_mb']:.1f} | {f['first_s']:.1f} | {f['second_s']:.1f} | "
              f"{int(f['before_kib']) / 1024:.0f} | {int(f['peak_kib']) / 1024:.0f} | {f['counts'][1]} |")  # type: ignore[index]
    small, large = results[args.small], results[args.large]
    print(f"\nratios large/small: offers {args.large / args.small:.1f}×, first import "
          f"{float(large['first_s']) / float(small['first_s']):.2f}×, second import "  # type: ignore[arg-type]
          f"{float(large['second_s']) / float(small['second_s']):.2f}×, peak RSS "  # type: ignore[arg-type]
          f"{int(large['peak_kib']) / int(small['peak_kib']):.2f}×")  # type: ignore[call-overload]


if __name__ == "__main__":
    main()
