"""Helpers of the notification tests."""

from __future__ import annotations

from typing import Any

from marketsync.orders.service import SyncOutcome, sync_cabinet_events

BOT_TOKEN = "7100000001:notify-test-bot-token-AAAAAAAAAAAAAAAA"


def sync(cabinet: Any, *, silent: bool = False) -> SyncOutcome:
    """Run one event sync of the cabinet in this process."""
    return sync_cabinet_events(cabinet.engine, account_id=cabinet.account_id, silent=silent)
