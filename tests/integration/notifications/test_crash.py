"""kill -9 of a real worker process (tests/integration/notifications/crash_worker.py, sharing the test's database
and the sandbox server): between detection and delivery, in the middle of a sync (its lease then blocks the cabinet
for at most two sync intervals), and in the middle of sending. Nothing is lost and nothing is duplicated; only the
one message in flight when the sender died may arrive twice (Telegram has no idempotency key), and no message
recorded as sent is ever sent again. On SQLite (a file both processes open), PostgreSQL and MariaDB."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketsync.db import session_scope
from marketsync.notifications import tasks
from marketsync.notifications.delivery import deliver
from marketsync.settings import get_settings
from marketsync.sync.models import SyncRun

from .notify_helpers import BOT_TOKEN, sync

WORKER = Path(__file__).with_name("crash_worker.py")
OWNER, PARTNER = 9101, 9102
pytestmark = pytest.mark.timeout(180)


@contextmanager
def worker(*args: str) -> Iterator[subprocess.Popen[str]]:
    """Start the crash worker with this test's environment; make sure it is gone afterwards."""
    process = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


def first_line(process: subprocess.Popen[str]) -> str:
    """The worker's first line on stdout (its stderr told when it died instead)."""
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline().strip()
    if not line:
        raise AssertionError(f"the worker said nothing: {process.stderr.read()}")
    return line


def kill_9(process: subprocess.Popen[str]) -> None:
    """SIGKILL: no cleanup, no rollback but the database's own."""
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(30) == -signal.SIGKILL


def wait_for(what: Callable[[], object], *, timeout: float, message: str) -> None:
    """Return once `what()` is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, f"timed out waiting: {message}"
        time.sleep(0.02)


def people(make_cabinet: Callable, telegram):  # type: ignore[no-untyped-def,type-arg]
    """A cabinet of two people with chats, a shirt at WB, and its initial sync done (silent)."""
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    for person in (OWNER, PARTNER):
        telegram.add_chat(BOT_TOKEN, person)
    cabinet.market.card("101", "Рубашка льняная")
    cabinet.market.order("o0")
    cabinet.market.order("o1")
    assert sync(cabinet).ok
    return cabinet


def test_killed_between_detection_and_delivery_the_next_tick_sends_each_once(make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                                             engine, monkeypatch) -> None:
    cabinet = people(make_cabinet, telegram)
    market = cabinet.market
    market.order("o2")
    market.cancel("o1")
    market.sale("S0", "o0")
    market.review("rv1", 1)
    monkeypatch.setenv("SYNC_INTERVAL", "1")  # the task syncs only a cabinet that is due: half an interval on
    get_settings.cache_clear()
    time.sleep(0.6)
    with worker("sync-then-die", str(cabinet.account_id)) as process:
        assert first_line(process) == "syncing"
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "synced"  # the task's sync is done, its delivery about to start
        kill_9(process)
    # Delivery starts as soon as a page of events is stored: the worker died after the orders, before the rest.
    rows = cabinet.outbox()
    assert rows and len(rows) % 2 == 0 and {row.state for row in rows} == {"pending"}, "what was detected is kept"
    assert telegram.messages(BOT_TOKEN) == []

    assert tasks.deliver() == len(rows)  # the delivery tick sends what the dead worker left
    time.sleep(1.2)  # the dead worker's lease (one SYNC_INTERVAL) has lapsed
    assert tasks.pull_events(cabinet.account_id) is True  # the next sync reads on from the cursors it committed
    assert len(cabinet.outbox()) == 8 and {row.state for row in cabinet.outbox()} == {"sent"}  # 4 events × 2
    for person in (OWNER, PARTNER):
        headings = sorted(m.caption.splitlines()[0] for m in telegram.messages(BOT_TOKEN, person))
        assert headings == sorted(f"{h} · Wildberries" for h in ("🛒 Новый заказ", "❌ Отмена заказа", "✅ Выкуп",
                                                                 "⚠️ Негативный отзыв"))
    assert tasks.deliver() == 0
    assert len(telegram.messages(BOT_TOKEN)) == 8


def test_killed_mid_sync_the_cabinet_is_synced_again_within_two_intervals_and_told_once(  # type: ignore[no-untyped-def]
        make_cabinet: Callable, telegram, engine, sandbox_state, monkeypatch) -> None:  # type: ignore[type-arg]
    cabinet = people(make_cabinet, telegram)
    market = cabinet.market
    for number in range(3):
        market.order(f"n{number}", price=1000 + number)
    market.sale("S0", "o0")
    market.review("rv1", 1)
    interval = 2
    monkeypatch.setenv("SYNC_INTERVAL", str(interval))
    get_settings.cache_clear()
    time.sleep(interval / 2 + 0.1)  # due again
    sandbox_state.faults.configure("wildberries", latency_ms=400)  # a slow WB: the kill lands inside the sync
    with worker("task", str(cabinet.account_id)) as process:
        assert first_line(process) == "syncing"
        wait_for(lambda: cabinet.outbox(), timeout=60, message="the first events detected")
        kill_9(process)
    killed_at = time.monotonic()
    sandbox_state.faults.clear("wildberries")
    with session_scope(engine) as session:
        live = session.scalar(select(func.count()).select_from(SyncRun).where(SyncRun.status == "running"))
    assert live == 1  # the dead worker's run, its lease held
    assert {row.type for row in cabinet.outbox()} == {"new_orders"}  # what it found before dying is kept
    assert telegram.messages(BOT_TOKEN) == []

    while not tasks.pull_events(cabinet.account_id):  # beat's next ticks: blocked while the dead lease lives
        assert time.monotonic() - killed_at < 2 * interval + 1, "a dead worker's lease blocked the cabinet"
        time.sleep(0.2)
    told = Counter((m.chat_id, m.caption.splitlines()[0].removesuffix(" · Wildberries"))
                   for m in telegram.messages(BOT_TOKEN))
    assert told == Counter({(chat, heading): count for chat in (OWNER, PARTNER) for heading, count in (
        ("🛒 Новый заказ", 3), ("✅ Выкуп", 1), ("⚠️ Негативный отзыв", 1))})
    assert len({(m.chat_id, m.caption) for m in telegram.messages(BOT_TOKEN)}) == 10  # ten different messages
    assert {row.state for row in cabinet.outbox()} == {"sent"} and tasks.deliver() == 0


def test_killed_while_sending_every_message_arrives_and_at_most_the_one_in_flight_twice(  # type: ignore[no-untyped-def]
        make_cabinet: Callable, telegram, engine, sandbox_state) -> None:  # type: ignore[type-arg]
    cabinet = people(make_cabinet, telegram)
    for number in range(15):  # each order its own price, so each message its own text
        cabinet.market.order(f"n{number}", price=1000 + number)
    assert sync(cabinet).ok
    assert len(cabinet.outbox()) == 30
    sandbox_state.faults.configure("telegram", latency_ms=150)  # a slow Telegram: the kill lands mid-way
    with worker("deliver", "2") as process:
        assert first_line(process) == "delivering"
        wait_for(lambda: len(telegram.messages(BOT_TOKEN)) >= 8, timeout=60, message="some messages sent")
        kill_9(process)
    sandbox_state.faults.clear("telegram")
    before = cabinet.outbox()
    sent_before = {row.id for row in before if row.state == "sent"}
    # Killed mid-way; the last message Telegram took may not be recorded yet (the one-message window).
    assert 7 <= len(sent_before) < 30
    texts_before = Counter((m.chat_id, m.caption) for m in telegram.messages(BOT_TOKEN))

    deliver(engine, chat_interval=0)  # the next tick: everything but a row the dead sender still holds
    time.sleep(2.1)  # that row's lease (2 s here, 60 in production) runs out
    deliver(engine, chat_interval=0)

    after = cabinet.outbox()
    assert {row.state for row in after} == {"sent"}
    arrived = Counter((m.chat_id, m.caption) for m in telegram.messages(BOT_TOKEN))
    by_row = {row.id: (row.chat_id, row.telegram_message_id) for row in after}
    captions = {(m.chat_id, m.message_id): m.caption for m in telegram.messages(BOT_TOKEN)}
    expected = Counter((chat, captions[(chat, message_id)]) for chat, message_id in by_row.values())
    assert len(expected) == 30  # every row's message is in its chat, each of its own text
    duplicates = arrived - expected
    assert sum(duplicates.values()) <= 1, duplicates  # at most the one in flight, once more
    in_flight = [row.id for row in before if row.state == "pending" and row.claimed_until is not None]
    assert len(in_flight) <= 1  # the dead sender held one row at a time
    assert set(duplicates) <= {(by_row[row_id][0], captions[by_row[row_id]]) for row_id in in_flight}
    for row in before:
        if row.id in sent_before:  # recorded as sent before the kill: never sent again
            key = (row.chat_id, captions[(row.chat_id, row.telegram_message_id)])
            assert arrived[key] == 1 and texts_before[key] == 1
    assert all(row.attempts <= 2 for row in after)
    assert deliver(engine, chat_interval=0).sent == 0
