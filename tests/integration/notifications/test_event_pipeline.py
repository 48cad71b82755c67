"""pull_events with detection and the outbox, on SQLite, PostgreSQL and MariaDB, driven through the in-test
EventFeed (tests/event_feed_fake.py) registered as "wildberries": what each sync stores and whom it tells."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select

from marketsync.db import session_scope, utcnow
from marketsync.orders.models import EventCursor, Order, Sale, SizeStockTotal
from marketsync.orders.service import cabinets_due, sync_cabinet_events
from marketsync.sync.models import SyncLock, SyncRun
from marketsync.sync.pipelines.events import PULL_EVENTS

from .notify_helpers import sync

OWNER, PARTNER = 5001, 5002


def six_events(market) -> None:  # type: ignore[no-untyped-def]
    """One event of each type on top of an initial state with order o1 and product 101's stock."""
    market.order("o2", product_id="102")  # new order
    market.cancel("o1")  # cancellation of a known order
    market.sale("S1", "o1")  # buyout
    market.sale("R1", "o1")  # return
    market.review("rv1", 2)  # negative review
    market.review("rv2", 5)  # not negative
    market.stock("101", "bc-m", "Коледино", 1)  # 5 + 3 → 1 + 1: falls to the threshold
    market.stock("101", "bc-m", "Казань", 1)


def initial_state(market) -> None:  # type: ignore[no-untyped-def]
    market.card("101", "Рубашка льняная", "https://img.example/101.jpg")
    market.order("o1")
    market.review("rv0", 1)
    market.stock("101", "bc-m", "Коледино", 5)
    market.stock("101", "bc-m", "Казань", 3)


def test_initial_sync_stores_everything_and_notifies_nobody(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    outcome = sync(cabinet)
    assert outcome.ok and cabinet.outbox() == []
    with session_scope(engine) as session:
        run = session.get(SyncRun, outcome.run_id)
        assert run is not None and run.pipeline == PULL_EVENTS and run.source == "wildberries"
        assert run.details["initial"] is True and run.details["silent"] is True
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(SizeStockTotal.total)) == 8
        assert session.scalar(select(EventCursor.id).where(EventCursor.feed == "initial")) is not None
    # The initial sync read INITIAL_SYNC_DAYS back.
    since = dict(cabinet.market.reads)["orders"]
    assert timedelta(days=6, hours=23) < utcnow() - since <= timedelta(days=7, minutes=1)


def test_each_of_the_six_events_tells_each_person_once(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    initial_state(cabinet.market)
    sync(cabinet)
    six_events(cabinet.market)
    outcome = sync(cabinet)
    assert outcome.ok, outcome.error
    expected = [("new_orders", "o2"), ("order_cancellations", "o1"), ("order_buyouts", "S1"),
                ("order_returns", "R1"), ("negative_reviews", "rv1"), ("critical_stocks", "101")]
    assert cabinet.told() == sorted((tg, kind, wb_id) for tg in (OWNER, PARTNER) for kind, wb_id in expected)
    assert outcome.events == {kind: 1 for kind, _ in expected}
    rows = cabinet.outbox()
    assert {row.state for row in rows} == {"pending"}
    assert {row.chat_id for row in rows} == {OWNER, PARTNER}
    assert {row.photo_url for row in rows if row.wb_id in ("o1", "S1", "R1", "101", "rv1")} == \
        {"https://img.example/101.jpg"}
    with session_scope(engine) as session:
        assert session.scalar(select(Order.cancelled_seen_at).where(Order.external_id == "o1")) is not None
        assert session.scalar(select(func.count()).select_from(Sale)) == 2
    # The next sync reads orders from the last lastChangeDate stored (flag=0), not from the start.
    last_change = max(o.changed_at for o in cabinet.market.orders.values())
    sync(cabinet)
    assert [since for feed, since in cabinet.market.reads if feed == "orders"][-1] == last_change


def test_a_repeated_or_retried_sync_never_makes_a_second_row(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    six_events(cabinet.market)
    sync(cabinet)
    first = cabinet.told()
    sync(cabinet)
    assert cabinet.told() == first
    # A retried sync that reads everything again (its cursors lost) finds every row stored: no event.
    with session_scope(engine) as session:
        for row in session.scalars(select(EventCursor).where(EventCursor.feed != "initial")):
            session.delete(row)
    assert sync(cabinet).events == {}
    assert cabinet.told() == first


def test_a_crash_mid_sync_loses_no_event_and_the_next_sync_duplicates_none(make_cabinet: Callable) -> None:  # type: ignore[type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    for number in range(7):
        cabinet.market.order(f"n{number}")
    cabinet.market.fail_after_order_pages = 1  # the worker dies after the first page of orders is stored
    crashed = sync(cabinet)
    assert not crashed.ok and "died" in (crashed.error or "")
    # The first page was o1 again (flag=0 reads from its lastChangeDate, inclusive), n0 and n1: stored and told.
    assert [wb_id for _, _, wb_id in cabinet.told()] == ["n0", "n1"]
    assert sync(cabinet).ok
    assert sorted(wb_id for _, _, wb_id in cabinet.told()) == [f"n{number}" for number in range(7)]


def test_silent_sync_and_a_person_joining_mid_sync_are_told_nothing(make_cabinet: Callable) -> None:  # type: ignore[type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    cabinet.market.order("o2")
    assert sync(cabinet, silent=True).ok  # the sync in which a second person joins
    assert cabinet.outbox() == []
    cabinet.market.order("o3")
    cabinet.market.on_orders = lambda: cabinet.join(PARTNER)  # joins while the sync reads
    sync(cabinet)
    assert cabinet.told() == [(OWNER, "new_orders", "o3")]
    cabinet.market.order("o4")
    sync(cabinet)
    assert (PARTNER, "new_orders", "o4") in cabinet.told()


def test_critical_stock_fires_once_per_crossing_and_not_for_moves(make_cabinet: Callable) -> None:  # type: ignore[type-arg]
    cabinet = make_cabinet(OWNER)
    market = cabinet.market
    initial_state(market)  # 5 + 3 = 8
    sync(cabinet)
    market.stock("101", "bc-m", "Коледино", 0)
    market.stock("101", "bc-m", "Казань", 8)  # a move: still 8
    sync(cabinet)
    market.stock("101", "bc-m", "Казань", 2)  # 2: critical
    sync(cabinet)
    market.stock("101", "bc-m", "Казань", 1)  # still critical: no second event
    sync(cabinet)
    market.stock("101", "bc-m", "Казань", 6)  # back above
    sync(cabinet)
    market.stock("101", "bc-m", "Казань", 0)  # falls again
    sync(cabinet)
    rows = [row for row in cabinet.outbox() if row.type == "critical_stocks"]
    assert len(rows) == 2 and len({row.dedupe_key for row in rows}) == 2
    assert [row.payload["total"] for row in rows] == [2, 0]


def test_a_dead_workers_lease_blocks_the_cabinet_for_at_most_one_interval(make_cabinet: Callable, engine,  # type: ignore[no-untyped-def,type-arg]
                                                                          monkeypatch) -> None:
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    with session_scope(engine) as session:  # a worker died holding the lease, its run "running"
        session.add(SyncLock(pipeline=PULL_EVENTS, account_id=cabinet.account_id, owner="dead",
                             expires_at=utcnow() + timedelta(seconds=170)))
        session.add(SyncRun(account_id=cabinet.account_id, pipeline=PULL_EVENTS, status="running",
                            started_at=utcnow() - timedelta(seconds=10), heartbeat_at=utcnow() - timedelta(seconds=10),
                            details={}, source="wildberries"))
    blocked = sync(cabinet)
    assert not blocked.ok and blocked.skipped
    with session_scope(engine) as session:
        assert cabinets_due(session) == []  # its run looks alive
        # One interval (SYNC_INTERVAL = 180 s) later the lease has lapsed and the silent run is closed.
        assert cabinets_due(session, now=utcnow() + timedelta(seconds=181)) == [cabinet.account_id]
    with session_scope(engine) as session:
        lock = session.scalar(select(SyncLock).where(SyncLock.owner == "dead"))
        assert lock is not None
        lock.expires_at = utcnow() - timedelta(seconds=1)
    assert sync_cabinet_events(engine, account_id=cabinet.account_id).ok
