"""`make bench`: request counts and ratios of the Evotor → VK mirror against the sandbox, never timed asserts.

1. First mirror of N products (default 10,000) at VK's real 3 requests/s per token: HTTP requests to VK
   against the minimum (write calls / 25, plus one upload per distinct photo) and against one request per
   product; wall time against the rate-limit floor (requests / 3 per second).
2. A no-change re-sync: write requests (target 0) and read requests (pages only).
3. Peak memory of the process running the sync at 2,000 and at 20,000 products (it must not grow in
   proportion); the sync runs in a child process (`marketsync sync catalog`) so its RSS is its own.

Options: --products N, --skip-memory, --fast (no rate limit: counts only, wall time not meaningful).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.state import SandboxState

WRITE_METHODS = ("market.add", "market.edit", "market.addAlbum", "market.addToAlbum", "market.delete")
UPLOAD_REQUESTS = 3  # getProductPhotoUploadServer, the POST to the upload server, saveProductPhoto


def _env(workdir: Path, sandbox_url: str, *, rate: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "EVOTOR_API_URL": f"{sandbox_url}/evotor",
        "VK_API_URL": f"{sandbox_url}/vk",
        "VK_REQUESTS_PER_SECOND": str(rate),
        "EVOTOR_REQUESTS_PER_SECOND": "1000",
        "SECRET_KEY": "bench",
    }


def _cli(env: dict[str, str], *args: str) -> tuple[str, int]:
    """Run the CLI in a child process; return its last output line and its peak RSS in KiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-m", "marketsync", *args], env=env, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        raise SystemExit(f"`marketsync {' '.join(args)}` failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    lines = proc.stdout.strip().splitlines()
    return (lines[-1] if lines else ""), max(peak, before)


def _prepare(state: SandboxState, env: dict[str, str], products: int) -> None:
    creds = state.seed(products=products, seed=42)
    state.vk.item_limit = max(state.vk.item_limit, products + 100)
    email = "bench@example.ru"
    _cli(env, "migrate")
    _cli(env, "user", "create", email, "--password", "bench-password")
    _cli(env, "connect", "evotor", "--user", email, "--token", creds["evotor_token"])
    _cli(env, "connect", "vk", "--user", email, "--token", creds["vk_token"], "--group-id", str(creds["vk_group_id"]))
    _cli(env, "filters", "enable", "--user", email, "--all")


def _vk_counts(state: SandboxState) -> dict[str, Any]:
    stats = state.stats.snapshot()["vk"]
    by_method = stats["by_method"]
    return {"requests": stats["requests"], "writes": sum(by_method.get(m, 0) for m in WRITE_METHODS),
            "execute": by_method.get("execute", 0), "by_method": by_method}


def bench_requests(products: int, *, fast: bool) -> None:
    """Sections 1 and 2."""
    state = SandboxState()
    rate = 1000 if fast else 3
    with ServerThread(create_sandbox_app(state)) as server, tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp), server.url, rate=rate)
        _prepare(state, env, products)
        state.vk.rate_limit = None if fast else 3
        state.stats.reset()
        started = time.monotonic()
        summary, _ = _cli(env, "sync", "catalog", "--user", "bench@example.ru")
        wall = time.monotonic() - started
        first = _vk_counts(state)
        eligible = int(summary.split("created=")[1].split()[0])
        photos = len(state.vk.photos(int(next(iter(state.vk.groups())).id)))
        minimum = math.ceil(first["writes"] / 25) + photos * UPLOAD_REQUESTS
        write_requests = first["execute"] + photos * UPLOAD_REQUESTS
        reads = first["requests"] - write_requests
        print(f"## First mirror of {products} source products ({summary})")
        print(f"- VK HTTP requests: {first['requests']} (writes {write_requests}, reads {reads})")
        print(f"- write calls inside execute: {first['writes']}; minimum write requests "
              f"ceil(writes/25) + {UPLOAD_REQUESTS}×{photos} photo = {minimum}; "
              f"actual write requests {write_requests} = {write_requests / minimum:.2f}× the minimum")
        print(f"- against one request per created product ({eligible}): "
              f"{first['requests'] / max(eligible, 1):.3f} requests per product")
        if not fast:
            floor = first["requests"] / 3
            print(f"- wall time {wall:.0f} s against the 3 req/s floor of {floor:.0f} s: {wall / floor:.2f}×")
        state.stats.reset()
        summary2, _ = _cli(env, "sync", "catalog", "--user", "bench@example.ru")
        second = _vk_counts(state)
        print(f"\n## No-change re-sync ({summary2})")
        print(f"- write requests: {second['execute']} (target 0); write calls: {second['writes']}")
        print(f"- read requests: {second['requests'] - second['execute']} "
              f"(market.get pages: {second['by_method'].get('market.get', 0)}, "
              f"minimum ceil({eligible}/200) = {math.ceil(eligible / 200)}; "
              f"albums {second['by_method'].get('market.getAlbums', 0)}, "
              f"groups.getById {second['by_method'].get('groups.getById', 0)})")


def bench_memory() -> None:
    """Section 3: peak RSS of the sync process at 2,000 and 20,000 products."""
    peaks: dict[int, int] = {}
    for products in (2000, 20000):
        state = SandboxState()
        with ServerThread(create_sandbox_app(state)) as server, tempfile.TemporaryDirectory() as tmp:
            env = _env(Path(tmp), server.url, rate=1000)
            _prepare(state, env, products)
            state.vk.rate_limit = None
            # RUSAGE_CHILDREN keeps the largest child so far; measure each size in a fresh grandchild.
            code = ("import resource,subprocess,sys;"
                    "subprocess.run([sys.executable,'-m','marketsync','sync','catalog','--user','bench@example.ru'],"
                    "check=True,capture_output=True);"
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
            out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
            peaks[products] = int(out.stdout.strip().splitlines()[-1])
    print("\n## Peak memory of the sync process")
    for products, kib in peaks.items():
        print(f"- {products} products: {kib / 1024:.0f} MiB")
    print(f"- 10× the products → {peaks[20000] / peaks[2000]:.2f}× the memory")


def main() -> None:
    """Run the benchmarks and print the figures as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--fast", action="store_true", help="no rate limit (counts only)")
    args = parser.parse_args()
    bench_requests(args.products, fast=args.fast)
    if not args.skip_memory:
        bench_memory()


if __name__ == "__main__":
    main()
