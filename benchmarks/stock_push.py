"""Stock push at scale: N = items/10 and N = items matched offers per marketplace, against the emulators at
their real, documented rate limits (never relaxed). Per size and marketplace, three pushes:

1. the first push (nothing pushed before, every item differs from what the marketplace holds: all N written);
2. a push with no change (target: 0 writes);
3. a push after 1 % of the stocks changed.

Prints per push: items changed, write requests against the minimum ceil(changed / batch maximum) (Ozon 100, WB
1,000, YM 2,000), read requests, requests the emulator refused for passing its own limit (target 0), wall time
against the floor the documented limits set, and the peak RSS of the process that pushed. Each push runs in a
child process (this file with --child), so its memory is its own, not the emulator's; the emulators are served
in this process (marketsync.sandbox.server.ServerThread). After the last push every offer is checked against the
emulator: ours hold our stock, foreign ones what they held.

Options: --items N (the large size, default 100,000), --systems ozon,wb,ym, --database-url URL (a scratch
database: its tables are dropped and created again; SQLite in a temporary folder by default), --profile (instead
of measuring: one test-mode first push per size under tracemalloc, the lines holding the most memory once the
plan is made), --lifted (the emulators' limits and our own pacing off: minutes instead of an hour, for the
memory and request counts only; its wall times say nothing about the limits). Ozon at 100,000 items needs
about 13 minutes (1,000 writes at 80 a minute), WB and YM about 10 minutes a push (their offer lists: 100 a page
at 100 requests a minute): `--systems` skips what you do not need.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import stock_push_world as world

BATCH_MAX = {"ozon": 100, "wildberries": 1000, "yandex_market": 2000}
TITLES = {"ozon": "Ozon", "wildberries": "Wildberries", "yandex_market": "Yandex Market"}


def floor_seconds(system: str, by_method: dict[str, int], changed: int, matched: int) -> tuple[float, str]:
    """The least time the documented limits allow these requests, at their sustained rates (a burst or a fresh
    window may let a short run go faster); return it and how it was counted."""
    count = by_method.get
    if system == "ozon":  # /v2/products/stocks 80 a minute; 50 requests a second per Client-Id, every method
        writes = count("/v2/products/stocks", 0)
        reads = sum(by_method.values()) - writes
        return writes * 60 / 80 + reads / 50, f"{writes} writes at 80/min + {reads} reads at 50/s"
    if system == "wildberries":  # content 100/min; seller-stock and seller-warehouse methods 300/min each
        content = sum(n for m, n in by_method.items() if "/content/" in m)
        stocks = sum(n for m, n in by_method.items() if "/api/v3/stocks/" in m)
        other = sum(by_method.values()) - content - stocks
        return ((content * 60 / 100 + stocks * 60 / 300 + other * 60 / 300),
                f"{content} card pages at 100/min + {stocks} stock requests at 300/min + {other} at 300/min")
    # Yandex Market: getOfferMappings 100/min; getStocks 100,000 offers/min (≤ 500 a request here, at most the
    # matched ones); updateStocks 100,000 SKUs/min; getCampaign 5,000/hour.
    pages, campaign = count("getOfferMappings", 0), count("getCampaign", 0)
    read = min(500 * count("getStocks", 0), matched)
    return (pages * 60 / 100 + read * 60 / 100_000 + changed * 60 / 100_000 + campaign * 3600 / 5000,
            f"{pages} offer pages at 100/min + {read} offers read and {changed} SKUs written at 100,000/min")


def _env(workdir: Path, database_url: str | None, sandbox_url: str) -> None:
    os.environ.update({
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
        "OZON_API_URL": f"{sandbox_url}/ozon", "YM_API_URL": f"{sandbox_url}/yandex_market",
        **{f"WB_{host.upper()}_API_URL": f"{sandbox_url}/wildberries/{host}"
           for host in ("content", "marketplace", "statistics", "feedbacks", "common")},
    })
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("BATCH_SIZE", None)


def _push(account: int, system: str, *, profile: bool = False) -> dict[str, Any]:
    """Run one push in a child process; return what it printed (report, wall time, memory)."""
    command = [sys.executable, __file__, "--child", system, "--account", str(account)]
    proc = subprocess.run(command + (["--profile"] if profile else []), capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the {system} push failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _memory_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process in KiB. Not ru_maxrss: Linux carries the parent's high-water
    mark into a child across fork and exec, so a child of the process serving the emulators would report theirs."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _held_by_line(snapshot: Any) -> list[str]:
    """Memory alive in a tracemalloc snapshot, by the innermost marketsync line that allocated it (what a library
    allocates on our behalf, a row or a pydantic model, counts against our line that asked for it)."""
    from collections import Counter

    sizes: Counter[str] = Counter()
    blocks: Counter[str] = Counter()
    for stat in snapshot.statistics("traceback"):  # grouped by whole traceback in C: far fewer than traces
        frame = next((f for f in reversed(stat.traceback) if "/marketsync/" in f.filename), None)
        where = f"{frame.filename.split('/marketsync/')[-1]}:{frame.lineno}" if frame else "(no marketsync frame)"
        sizes[where] += stat.size
        blocks[where] += stat.count
    lines = [f"allocated after the offer listing and alive after planning: {sum(sizes.values()) / 2**20:.1f} MiB"]
    return lines + [f"{size / 2**20:7.1f} MiB {blocks[where]:>8} blocks  {where}"
                    for where, size in sizes.most_common(14)]


def child(system: str, account: int, *, profile: bool) -> None:
    """In the child: push one marketplace of one cabinet (the service the CLI calls, without the Evotor refresh,
    since the catalog was seeded into the database) and print one JSON line."""
    import marketsync.models  # noqa: F401  every table, as the CLI loads them
    from marketsync.db import get_engine
    from marketsync.stocks.service import sync_stocks

    engine = get_engine()
    if os.environ.get("BENCH_LIFTED") == "1":
        from marketsync.http import HttpClient

        HttpClient._acquire = lambda *args, **kwargs: None  # type: ignore[method-assign]
    base = _memory_kib("VmRSS")
    top: list[str] = []
    if profile:
        import tracemalloc

        from marketsync.sync.pipelines import stocks as pipeline

        planner = pipeline.plan_stocks

        def plan_and_snapshot(*args: Any, **kwargs: Any) -> Any:
            # Everything the push holds for its plan is alive here: offers, levels, matches, items, actions.
            actions = planner(*args, **kwargs)
            top.extend(_held_by_line(tracemalloc.take_snapshot()))
            return actions

        lister = pipeline.refresh_offers

        def list_then_trace(*args: Any, **kwargs: Any) -> Any:
            # Tracing from here (40 frames, deep enough to reach our line below any library's) makes Python
            # several times slower; the offer listing before it only pages through HTTP into the database.
            count = lister(*args, **kwargs)
            tracemalloc.start(40)
            return count

        pipeline.plan_stocks = plan_and_snapshot  # type: ignore[assignment]
        pipeline.refresh_offers = list_then_trace  # type: ignore[assignment]
    began = time.perf_counter()
    outcome = sync_stocks(engine, account_id=account, systems=[system], refresh=False, test_mode=profile)[0]
    wall = time.perf_counter() - began
    if outcome.report is None:
        raise SystemExit(f"{system}: {outcome.error}")
    result: dict[str, Any] = {
        "matched": outcome.report.matched, "unmatched": outcome.report.unmatched, "changed": outcome.report.changed,
        "pushed": outcome.report.pushed, "rejected": outcome.report.rejected, "wall": wall,
        "rss_base_kib": base, "rss_peak_kib": _memory_kib("VmHWM")}
    if profile:
        import tracemalloc

        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        result["top"] = top
    print(json.dumps(result))


def _line(name: str, push: dict[str, Any], system: str, stats: dict[str, Any]) -> str:
    writes, requests = stats["writes"], stats["requests"]
    minimum = math.ceil(push["changed"] / BATCH_MAX[system])
    floor, _how = floor_seconds(system, stats["by_method"], push["changed"], push["matched"])
    versus = f"{push['wall'] / floor:5.2f}×" if floor >= 1 else "   — "
    return (f"  {name:<11} {push['changed']:>7,} {push['pushed']:>7,} {push['rejected']:>4} "
            f"{writes:>6} {minimum:>6} {requests - writes:>6} {stats['limited']:>4} "
            f"{push['wall']:>8.1f} {floor:>8.1f} {versus}  {push['rss_peak_kib'] / 1024:6.0f} MiB")


def measure(state: Any, system: str, keys: int, *, profile: bool) -> dict[str, Any]:
    """Seed a cabinet and one emulator, push three times (or profile one push); print and return the figures."""
    from marketsync.connections.service import save_connection
    from marketsync.db import session_scope

    started = time.monotonic()
    state.reset()  # the documented limits, every window empty
    if os.environ.get("BENCH_LIFTED") == "1":
        state.ozon.requests_per_second = state.ozon.stock_updates_per_minute = None
        state.yandex_market.limits = dict.fromkeys(state.yandex_market.limits)
        state.wildberries.relax_limits()
    world.create_schema()
    account = world.seed_cabinet(keys)
    credentials = world.seed_marketplace(state, system, keys)
    with session_scope() as session:
        save_connection(session, account_id=account, system=system, credentials=credentials)  # a real check
    seeded = time.monotonic() - started
    if profile:
        state.stats.reset()
        result = _push(account, system, profile=True)
        print(f"\n{TITLES[system]}, {keys:,} items, first push in test mode under tracemalloc "
              f"(traced peak {result['traced_peak'] / 2**20:.1f} MiB, RSS {result['rss_peak_kib'] / 1024:.0f} MiB):")
        print("\n".join(f"  {line}" for line in result["top"]))
        return {"first": result}
    print(f"\n{TITLES[system]}, {keys:,} items ({len(range(500, keys, world.BY_BARCODE_EVERY))} matched by "
          f"barcode only, {len(world.foreign_ids(system, keys))} foreign offers; seeded in {seeded:.0f} s):")
    print("  push        changed  pushed  rej writes    min  reads  lim   wall s  floor s  wall/floor  peak RSS")
    pushes: dict[str, Any] = {}
    for name in ("first", "no change", "1 % changed"):
        if name == "1 % changed":
            world.change_one_percent(account, keys)
        state.stats.reset()
        push = _push(account, system)
        stats = state.stats.snapshot().get(system, {"requests": 0, "writes": 0, "limited": 0, "by_method": {}})
        push["stats"] = stats
        pushes[name] = push
        print(_line(name, push, system, stats))
    for name, push in pushes.items():
        _, how = floor_seconds(system, push["stats"]["by_method"], push["changed"], push["matched"])
        print(f"  floor of {name}: {how}; requests by method: {push['stats']['by_method']}")
    first = pushes["first"]
    print(f"  matched {first['matched']:,}, unmatched offers {first['unmatched']}; baseline RSS of the pushing "
          f"process before its push {first['rss_base_kib'] / 1024:.0f} MiB")
    holds = world.held(state, system, credentials)
    wanted = world.expected(system, keys, changed=True)
    wrong = sum(1 for offer, units in wanted.items() if holds.get(offer) != units)
    print(f"  after the last push: {len(wanted) - wrong:,} of {len(wanted):,} offers hold what they must "
          f"(ours our stock, foreign ones untouched); wrong: {wrong}")
    return pushes


def main() -> None:
    """Measure each size and marketplace in turn and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--systems", default="ozon,wb,ym")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--lifted", action="store_true")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--account", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lifted:
        os.environ["BENCH_LIFTED"] = "1"  # read here and by every child
    if args.child:
        child(args.child, args.account, profile=args.profile)
        return
    systems = [world.SYSTEMS[name.strip()] for name in args.systems.split(",") if name.strip()]
    from marketsync.sandbox.app import create_sandbox_app
    from marketsync.sandbox.server import ServerThread
    from marketsync.sandbox.state import SandboxState

    state = SandboxState()
    with ServerThread(create_sandbox_app(state)) as server, tempfile.TemporaryDirectory() as folder:
        _env(Path(folder), args.database_url, server.url)
        from marketsync.settings import get_settings

        get_settings.cache_clear()
        limits = "with every limit lifted (memory and request counts only)" if args.lifted else \
            "at their documented limits"
        print(f"Stock push against the emulators {limits}; load average at start "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results: dict[tuple[str, int], dict[str, Any]] = {}
        for keys in (args.items // 10, args.items):
            for system in systems:
                results[system, keys] = measure(state, system, keys, profile=args.profile)
        print(f"\nPeak RSS of the first push, {args.items // 10:,} → {args.items:,} items:")
        for system in systems:
            small, large = results[system, args.items // 10]["first"], results[system, args.items]["first"]
            grown = [(r["rss_peak_kib"] - r["rss_base_kib"]) / 1024 for r in (small, large)]
            print(f"  {TITLES[system]:<14} {small['rss_peak_kib'] / 1024:5.0f} → "
                  f"{large['rss_peak_kib'] / 1024:5.0f} MiB "
                  f"({large['rss_peak_kib'] / small['rss_peak_kib']:.2f}×); above the process's baseline "
                  f"{grown[0]:.0f} → {grown[1]:.0f} MiB")
        print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
