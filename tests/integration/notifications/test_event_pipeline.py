"""pull_events with detection and the outbox, on SQLite, PostgreSQL and MariaDB, against the WB sandbox over real
HTTP: a seller seeded there, a real WB connection (a token, no warehouse), buyers' events made by the sandbox's
event generator; what each sync stores and whom it tells."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from marketsync.connectors.wildberries.feed import WildberriesEventFeed
from marketsync.db import session_scope, utcnow
from marketsync.orders.models import EventCursor, Order, Sale, SizeStockTotal
from marketsync.orders.moscow import MSK
from marketsync.orders.service import cabinets_due, sync_cabinet_events
from marketsync.settings import get_settings
from marketsync.sync.models import SyncLock, SyncRun
from marketsync.sync.pipelines.events import PULL_EVENTS

from .notify_helpers import sync

OWNER, PARTNER = 5001, 5002


def initial_state(market) -> None:  # type: ignore[no-untyped-def]
    """What the seller's shop holds before the first sync: two products, three orders (one bought out), a bad
    review and product 101's size M at two of WB's warehouses (5 + 3 units)."""
    market.card("101", "Рубашка льняная")
    market.card("102", "Брюки", photos=0)
    market.order("o0")
    market.order("o9")
    market.sale("S9", "o9")
    market.review("rv0", 1)
    market.stock("101", "Коледино", 5)
    market.stock("101", "Казань", 3)
    market.order("o1")


def six_events(market) -> None:  # type: ignore[no-untyped-def]
    """One event of each type on top of the initial state."""
    market.order("o2", product="102")  # new order
    market.cancel("o1")  # cancellation of a known order
    market.sale("S1", "o0")  # buyout
    market.sale("R1", "o9")  # return of the unit bought out before
    market.review("rv1", 2)  # negative review
    market.review("rv2", 5)  # not negative
    market.stock("101", "Коледино", 1)  # 5 + 3 → 1 + 1: falls to the threshold
    market.stock("101", "Казань", 1)


EXPECTED = [("new_orders", "o2"), ("order_cancellations", "o1"), ("order_buyouts", "S1"), ("order_returns", "R1"),
            ("negative_reviews", "rv1"), ("critical_stocks", "101")]


def test_initial_sync_stores_everything_and_notifies_nobody(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    outcome = sync(cabinet)
    assert outcome.ok and cabinet.outbox() == []
    with session_scope(engine) as session:
        run = session.get(SyncRun, outcome.run_id)
        assert run is not None and run.pipeline == PULL_EVENTS and run.source == "wildberries"
        assert run.details["initial"] is True and run.details["silent"] is True
        assert session.scalar(select(func.count()).select_from(Order)) == 3
        assert session.scalar(select(func.count()).select_from(Sale)) == 1
        assert session.scalar(select(SizeStockTotal.total)) == 8
        assert session.scalar(select(EventCursor.id).where(EventCursor.feed == "initial")) is not None
    # The initial sync read INITIAL_SYNC_DAYS back (WB was asked in Moscow time: the log shows it).
    since = cabinet.asked("orders")[0]
    assert timedelta(days=6, hours=23) < utcnow() - since <= timedelta(days=7, minutes=1)


def test_each_of_the_six_events_tells_each_person_once(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    market = cabinet.market
    initial_state(market)
    sync(cabinet)
    six_events(market)
    outcome = sync(cabinet)
    assert outcome.ok, outcome.error
    assert cabinet.told() == sorted((tg, kind, name) for tg in (OWNER, PARTNER) for kind, name in EXPECTED)
    assert outcome.events == {kind: 1 for kind, _ in EXPECTED}
    rows = cabinet.outbox()
    assert {row.state for row in rows} == {"pending"}
    assert {row.chat_id for row in rows} == {OWNER, PARTNER}
    of_101 = {row.photo_url for row in rows if market.name(row.wb_id) in ("o1", "S1", "R1", "101", "rv1")}
    assert of_101 == {market.photo("101")} and market.photo("101")
    assert {row.photo_url for row in rows if market.name(row.wb_id) == "o2"} == {None}  # 102 has no photo
    with session_scope(engine) as session:
        cancelled = market.orders["o1"].srid
        assert session.scalar(select(Order.cancelled_seen_at).where(Order.external_id == cancelled)) is not None
        assert session.scalar(select(func.count()).select_from(Sale)) == 3
    # The next sync reads orders from the last lastChangeDate stored (flag=0), not from the start.
    sync(cabinet)
    last_change = max(order.changed_at for order in market.orders.values())  # Moscow time, as WB keeps it
    assert cabinet.asked("orders")[-1] == last_change.replace(tzinfo=MSK).astimezone(UTC)


def test_a_repeated_or_retried_sync_never_makes_a_second_row(make_cabinet: Callable, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    six_events(cabinet.market)
    sync(cabinet)
    first = cabinet.told()
    assert len(first) == 6
    sync(cabinet)
    assert cabinet.told() == first
    # A retried sync that reads everything again (its cursors lost) finds every row stored: no event.
    with session_scope(engine) as session:
        for row in session.scalars(select(EventCursor).where(EventCursor.feed != "initial")):
            session.delete(row)
    assert sync(cabinet).events == {}
    assert cabinet.told() == first


def _fail_after_first_page(monkeypatch, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    """WB starts answering 500 once the first page of orders was handed over (and stored, and committed)."""
    original = WildberriesEventFeed.iter_orders

    def iter_orders(self: WildberriesEventFeed, since: datetime) -> Iterator[list[Any]]:
        for page in original(self, since):
            yield page
            sandbox_state.faults.configure("wildberries", rate=1.0, kinds=["500"])

    monkeypatch.setattr(WildberriesEventFeed, "iter_orders", iter_orders)


def test_a_crash_mid_sync_loses_no_event_and_the_next_sync_duplicates_none(make_cabinet: Callable, monkeypatch,  # type: ignore[no-untyped-def,type-arg]
                                                                          sandbox_state) -> None:
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    for number in range(7):
        cabinet.market.order(f"n{number}")
    # Pages of 3 rows, taken as full ones (as 80,000 are at WB), so the orders come in three pages.
    sandbox_state.wildberries.statistics_page_size = 3
    monkeypatch.setattr("marketsync.connectors.wildberries.client_reports.LAST_PAGE_BELOW", 3)
    monkeypatch.setenv("HTTP_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    with monkeypatch.context() as failing:
        _fail_after_first_page(failing, sandbox_state)
        crashed = sync(cabinet)
    assert not crashed.ok and "500" in (crashed.error or ""), crashed.error
    # The first page was o1 again (flag=0 reads from its lastChangeDate, inclusive), n0 and n1: stored and told.
    assert [name for _, _, name in cabinet.told()] == ["n0", "n1"]
    sandbox_state.faults.clear()
    assert sync(cabinet).ok
    assert sorted(name for _, _, name in cabinet.told()) == [f"n{number}" for number in range(7)]


def _join_on_first_orders_read(monkeypatch, cabinet, telegram_id: int) -> None:  # type: ignore[no-untyped-def]
    original = WildberriesEventFeed.iter_orders

    def iter_orders(self: WildberriesEventFeed, since: datetime) -> Iterator[list[Any]]:
        cabinet.join(telegram_id)  # while the sync reads WB
        yield from original(self, since)

    monkeypatch.setattr(WildberriesEventFeed, "iter_orders", iter_orders)


def test_silent_sync_and_a_person_joining_mid_sync_are_told_nothing(make_cabinet: Callable,  # type: ignore[no-untyped-def,type-arg]
                                                                    monkeypatch) -> None:
    cabinet = make_cabinet(OWNER)
    initial_state(cabinet.market)
    sync(cabinet)
    cabinet.market.order("o2")
    assert sync(cabinet, silent=True).ok  # the sync in which a second person joins
    assert cabinet.outbox() == []
    cabinet.market.order("o3")
    with monkeypatch.context() as joining:
        _join_on_first_orders_read(joining, cabinet, PARTNER)
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
    market.move("101", "Коледино", "Казань", 5)  # a move: 0 + 8, still 8
    assert sync(cabinet).events == {}
    market.move("101", "Казань", "Коледино", 6)  # a move that leaves one warehouse at 2: still 8 in all
    assert sync(cabinet).events == {}
    market.stock("101", "Коледино", 0)  # 0 + 2 = 2: critical
    sync(cabinet)
    market.stock("101", "Казань", 1)  # still critical: no second event
    sync(cabinet)
    market.stock("101", "Казань", 6)  # back above
    sync(cabinet)
    market.stock("101", "Казань", 0)  # falls again
    sync(cabinet)
    rows = [row for row in cabinet.outbox() if row.type == "critical_stocks"]
    assert len(rows) == 2 and len({row.dedupe_key for row in rows}) == 2
    assert [row.payload["total"] for row in rows] == [2, 0]
    assert {market.name(row.wb_id) for row in rows} == {"101"}


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
