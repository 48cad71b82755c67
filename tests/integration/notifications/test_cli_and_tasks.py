"""`marketsync notifications settings|history` (a fixed interface) and the Celery tasks run in-process: beat's
look finds the cabinets that are due, a sync is followed by its delivery, and the delivery tick sends what a
crash left pending."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from typer.testing import CliRunner

from marketsync.cli.app import app
from marketsync.notifications import tasks
from marketsync.settings import get_settings
from marketsync.worker import beat_schedule

from .notify_helpers import BOT_TOKEN, sync

OWNER, PARTNER = 7001, 7002


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_switches_and_history(make_cabinet: Callable, telegram, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    telegram.add_chat(BOT_TOKEN, OWNER)
    cabinet.market.card("101", "Рубашка льняная")
    cabinet.market.order("o1")
    cabinet.market.sale("S1", "o1")
    sync(cabinet)
    code, out = cli("notifications", "settings", "--telegram-id", str(OWNER), "--type", "order_returns", "--off")
    assert code == 0 and "order_returns=off" in out and "new_orders=on" in out
    cabinet.market.order("o2")
    cabinet.market.sale("R1", "o1")
    sync(cabinet)
    assert tasks.deliver() == 1  # the return is skipped: switched off
    code, out = cli("notifications", "history", "--telegram-id", str(OWNER), "--json")
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert {(line["type"], cabinet.market.name(line["wb_id"]), line["state"]) for line in lines} == {
        ("new_orders", "o2", "sent"), ("order_returns", "R1", "skipped")}
    assert all(set(line) == {"type", "wb_id", "state", "sent_at"} for line in lines)
    assert next(line for line in lines if line["state"] == "sent")["sent_at"]
    assert next(line for line in lines if line["state"] == "skipped")["sent_at"] is None
    code, out = cli("notifications", "settings", "--telegram-id", str(OWNER), "--on")
    assert code == 0 and "all=on" in out
    code, out = cli("notifications", "settings", "--telegram-id", "999", "--off")
    assert code == 1 and "999" in out
    code, out = cli("notifications", "settings", "--telegram-id", str(OWNER), "--type", "nope", "--off")
    assert code == 1 and "unknown notification type" in out


def test_beat_syncs_each_due_cabinet_and_delivers_after_it(make_cabinet: Callable, telegram, engine,  # type: ignore[no-untyped-def,type-arg]
                                                          monkeypatch) -> None:
    sent: list[int] = []
    monkeypatch.setattr("marketsync.orders.service.enqueue_sync", sent.append)
    cabinet = make_cabinet(OWNER)
    telegram.add_chat(BOT_TOKEN, OWNER)
    cabinet.market.card("101", "Рубашка льняная")
    assert tasks.sync_cabinets() == 1 and sent == [cabinet.account_id]
    assert tasks.pull_events(cabinet.account_id) is True  # the initial sync: nothing told
    assert tasks.pull_events(cabinet.account_id) is False  # a duplicate finds the cabinet synced just now
    assert tasks.sync_cabinets() == 0
    cabinet.market.order("o1")
    monkeypatch.setenv("SYNC_INTERVAL", "1")  # half an interval later it is due again
    get_settings.cache_clear()
    time.sleep(0.6)
    assert tasks.pull_events(cabinet.account_id) is True
    assert [m.text.splitlines()[0] for m in telegram.messages(BOT_TOKEN, OWNER)] == ["🛒 Новый заказ · Wildberries"]
    schedule = beat_schedule(get_settings())
    assert schedule["event-syncs"]["schedule"] == 1.0
    assert schedule["event-syncs"]["task"] == "marketsync.notifications.sync_cabinets"
    assert schedule["notifications-deliver"]["schedule"] <= 1.0
