"""A worker process for the crash tests, to be killed with SIGKILL by them. Its settings (DATABASE_URL, the
sandbox's WB and Telegram addresses, BOT_TOKEN) come from the environment the test hands it.

    python crash_worker.py sync-then-die ACCOUNT_ID
        runs the worker's task `marketsync.notifications.pull_events` for the cabinet: the event sync, then the
        delivery; at the moment the delivery would start it prints "synced" and waits to be killed.
    python crash_worker.py task ACCOUNT_ID
        runs that task whole (a test kills it mid-sync).
    python crash_worker.py deliver LEASE_SECONDS
        prints "delivering" and runs one delivery pass of every cabinet, a claimed row's lease being
        LEASE_SECONDS (60 in production), so a test need not wait a minute for a dead sender's row.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def _wait_to_be_killed(*_args: Any, **_kwargs: Any) -> Any:
    print("synced", flush=True)
    time.sleep(600)
    raise SystemExit("nobody killed me")


def main(argv: list[str]) -> int:
    """Run the command of argv (see the module's docstring)."""
    command, value = argv[1], int(argv[2])
    if command in ("sync-then-die", "task"):
        from marketsync.notifications import service, tasks

        if command == "sync-then-die":
            service.deliver = _wait_to_be_killed  # type: ignore[assignment]
        print("syncing", flush=True)
        return 0 if tasks.pull_events(value) else 1
    if command == "deliver":
        from marketsync.db import get_engine
        from marketsync.notifications import delivery

        delivery.LEASE_SECONDS = value
        print("delivering", flush=True)
        report = delivery.deliver(get_engine(), chat_interval=0)
        print(f"sent {report.sent}", flush=True)
        return 0
    raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
