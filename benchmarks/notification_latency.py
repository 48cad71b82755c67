"""Latency from a buyer's event to the seller's Telegram message, end to end: `marketsync demo` runs as a user
starts it (web, embedded worker and beat, the bot, every sandbox), its demo seller has opened the bot; this script
places orders in the WB sandbox at random moments and watches the sandbox chat for each one's message.

Each order names its own warehouse ("Бенч-<n>"), which the message repeats, so the demo's own stream of events
does not confuse the count. Prints each latency and the worst against the target SYNC_INTERVAL + 5 s (WB's
statistics allow one orders read a minute, so an interval under 60 s adds WB's wait on top).

Options: --interval SECONDS (SYNC_INTERVAL for the run, default 60), --events N (default 6), --port P.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from marketsync.sandbox.telegram.chat import DEMO_PERSON_CHAT_ID
from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chat(base: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{base}/sandbox/_control/telegram/chat",
                       params={"token": DEMO_BOT_TOKEN, "chat_id": DEMO_PERSON_CHAT_ID}, timeout=10)
    return list(answer.raise_for_status().json()["messages"])


def _wait_for(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except httpx.HTTPError:
            found = None
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"timed out waiting for {what}")


def main() -> None:
    """Start the demo, place orders, print the latency of each one's message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=int, default=60)
    parser.add_argument("--events", type=int, default=6)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "SYNC_INTERVAL": str(args.interval), "SANDBOX_SMTP_PORT": "0"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        demo = subprocess.Popen([sys.executable, "-m", "marketsync", "demo", "--port", str(port)], cwd=folder,
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for("the bot's menu after the initial sync", lambda: any(
                "Синхронизация завершена" in (m["text"] or "") for m in _chat(base)), timeout=600)
            token = next(m["text"] for m in _chat(base) if m["side"] == "user" and not m["text"].startswith("/"))
            print(f"SYNC_INTERVAL={args.interval} s; {args.events} orders at random moments")
            latencies = []
            for n in range(args.events):
                time.sleep(random.uniform(0, args.interval))
                warehouse = f"Бенч-{n}"
                placed = time.time()
                httpx.post(f"{base}/sandbox/_control/wildberries/events", timeout=10, json={
                    "token": token, "kind": "order", "warehouse": warehouse}).raise_for_status()
                _wait_for(f"the message of order {n}", lambda w=warehouse: any(
                    f"Склад: {w}\n" in (m["text"] or "") for m in _chat(base)), timeout=10 * args.interval)
                latencies.append(time.time() - placed)
                print(f"  order {n}: message after {latencies[-1]:5.1f} s")
            target = args.interval + 5
            print(f"latency: median {statistics.median(latencies):.1f} s, worst {max(latencies):.1f} s; "
                  f"target ≤ {target} s (SYNC_INTERVAL + 5 s): {'met' if max(latencies) <= target else 'NOT met'}")
        finally:
            demo.terminate()
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()


if __name__ == "__main__":
    main()
