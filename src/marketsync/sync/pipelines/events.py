"""pull_events: one cabinet's marketplace events (orders, buyouts and returns, reviews, size stocks, product cards)
read through the EventFeed capability into orders/, with detection against the state before the sync.

Each page of a feed is handled in one transaction: look up what is stored of its ids, ask notifications.detect
what happened, upsert the page, queue one outbox row per event and subscriber, move the feed's cursor (WB:
flag=0 from the last lastChangeDate stored), commit and renew the lease. So a crash anywhere loses no event and
a rerun finds the page stored and makes no second row (unique dedupe keys). Nothing is queued on the cabinet's
initial sync (no 'initial' cursor yet; it reads INITIAL_SYNC_DAYS back) nor on a silent one (the sync in which a
second person joins), and only for members subscribed when the sync started. Each run is a `sync_runs` row
(pipeline pull_events, source = the marketplace) under a lease per cabinet that lives SYNC_INTERVAL seconds, kept
alive by a thread while the run waits on WB's limits (sync.lease_keeper), so a dead worker's lease never blocks the
cabinet for longer than two intervals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connections.service import open_event_feed, recorder_for
from marketsync.connectors.capabilities import EventFeed
from marketsync.connectors.errors import ConfigError, RejectedError
from marketsync.db import utcnow
from marketsync.notices import notice, of_error
from marketsync.notifications import detect
from marketsync.notifications.outbox import Subscriber, add_events, subscribers
from marketsync.orders import store
from marketsync.orders.models import Review, Sale
from marketsync.settings import get_settings
from marketsync.sync import runs
from marketsync.sync.lease_keeper import lease_kept
from marketsync.sync.models import SyncRun

PULL_EVENTS = "pull_events"
CARDS_REFRESH_SECONDS = 3600  # product cards (titles, photos) change rarely; new products are read at once


def lease_ttl() -> int:
    """Return the event lease's time to live: one sync interval."""
    return get_settings().SYNC_INTERVAL


@dataclass
class EventSync:
    """One run's context: where it writes, who is told, what it found."""

    session: Session
    checkpoint: runs.Checkpoint
    conn: Connection
    feed: EventFeed
    people: list[Subscriber]
    notify: bool
    found: dict[str, int] = field(default_factory=dict)
    products: set[str] = field(default_factory=set)
    # Called after a commit that queued messages, so they go out while the rest of the sync is still read.
    on_events: Callable[[], None] | None = None
    pending: bool = False

    @property
    def run(self) -> SyncRun:
        """The run's row."""
        return self.checkpoint.run

    def queue(self, events: Sequence[detect.Event]) -> None:
        """Count the events and, unless the run is silent, queue them for the subscribers."""
        for event in events:
            self.found[event.type] = self.found.get(event.type, 0) + 1
            if event.product_id:
                self.products.add(event.product_id)
        if self.notify and events:
            self.pending = True
            account_id, source = self.conn.account_id, self.conn.system
            photos = store.card_photos(self.session, account_id, source, (e.product_id for e in events
                                                                            if e.product_id))
            add_events(self.session, account_id=account_id, source=source, events=events, people=self.people,
                       photos=photos)

    def commit(self, rows: int) -> None:
        """Record progress, commit the page and renew the lease."""
        self.run.updated = (self.run.updated or 0) + rows
        self.run.created = sum(self.found.values())
        self.run.details = {**self.run.details, "events": dict(self.found)}
        runs.heartbeat(self.run, done=self.run.updated)
        self.checkpoint.commit()
        if self.pending and self.on_events is not None:
            self.pending = False
            self.on_events()


@contextmanager
def event_run(session: Session, engine: Engine, conn: Connection, *, owner: str | None = None,
              ) -> Iterator[tuple[runs.Checkpoint, EventFeed]]:
    """Open a run with the cabinet's event lease and its EventFeed; close both whatever happens."""
    run = runs.start_run(session, account_id=conn.account_id, pipeline=PULL_EVENTS, source=conn.system)
    session.commit()
    owner = owner or f"run-{run.id}"
    ttl = lease_ttl()
    runs.lease_or_skip(session, engine, run, lease=PULL_EVENTS, owner=owner, busy="events_already_running", ttl=ttl)
    recorder = recorder_for(conn)
    checkpoint = runs.Checkpoint(session=session, engine=engine, run=run, pipeline=PULL_EVENTS, owner=owner,
                                 buffers=[recorder], ttl=ttl)
    feed: EventFeed | None = None
    try:
        feed = open_event_feed(conn, recorder)
        with lease_kept(engine, run_id=run.id, pipeline=PULL_EVENTS, account_id=conn.account_id, owner=owner,
                        ttl=ttl):
            yield checkpoint, feed
        runs.finish_run(run)
    except Exception as exc:
        session.rollback()
        runs.finish_run(run, error=of_error(exc))
        raise
    finally:
        session.commit()
        checkpoint.flush()
        if feed is not None:
            feed.close()
        runs.release_lock(engine, pipeline=PULL_EVENTS, account_id=conn.account_id, owner=owner)


def pull_events(session: Session, engine: Engine, conn: Connection, *, silent: bool = False,
                on_events: Callable[[], None] | None = None) -> SyncRun:
    """Read a cabinet's marketplace events, store them and queue what its subscribers are told (`on_events` is
    called after each commit that queued some: delivery need not wait for the end of the sync); return the run."""
    settings = get_settings()
    account_id, source = conn.account_id, conn.system
    initial = store.cursor(session, account_id, source, store.INITIAL) is None
    # Who is told is fixed when the sync starts: a person joining during it is not told of what it finds.
    people = [] if initial or silent else subscribers(session, account_id)
    with event_run(session, engine, conn) as (checkpoint, feed):
        sync = EventSync(session, checkpoint, conn, feed, people, notify=not (initial or silent), on_events=on_events)
        started = checkpoint.run.started_at or utcnow()
        checkpoint.run.details = {"initial": initial, "silent": initial or silent, "subscribers": len(people)}
        back = started - timedelta(days=settings.INITIAL_SYNC_DAYS)
        cards = store.cursor(session, account_id, source, store.CARDS)
        sync.commit(0)  # every read of the feed starts with no write transaction open
        if cards is None or cards.updated_at < started - timedelta(seconds=CARDS_REFRESH_SECONDS):
            _optional(sync, "cards", lambda: _read_cards(sync))
        _read_orders(sync, _since(session, account_id, source, store.ORDERS, back))
        _read_sales(sync, _since(session, account_id, source, store.SALES, back))
        reviews_since = _since(session, account_id, source, store.REVIEWS, back)
        _optional(sync, "reviews", lambda: _read_reviews(sync, reviews_since, settings.NEGATIVE_REVIEW_MAX_RATING))
        _optional(sync, "stock_report", lambda: _read_stocks(sync, settings.CRITICAL_STOCK_THRESHOLD))
        if store.missing_cards(session, account_id, source, sync.products):
            # A product first ordered now: its title and photo for the messages.
            _optional(sync, "cards", lambda: _read_cards(sync))
        if initial:
            store.move_cursor(session, account_id, source, store.INITIAL, started)
        sync.commit(0)
        return checkpoint.run


def _optional(sync: EventSync, feed: str, read: Callable[[], None]) -> None:
    """Read a feed the notifications can do without (cards, reviews, the stock report): a key without that
    category (403), or a host that refuses it, is noted on the run and the sync goes on with orders and sales."""
    try:
        read()
    except (ConfigError, RejectedError) as exc:
        sync.session.rollback()
        runs.note_error(sync.run, notice(f"{feed}_unavailable", system=sync.conn.system, cause=of_error(exc).dump()))
        sync.commit(0)


def _since(session: Session, account_id: int, source: str, feed: str, back: datetime) -> datetime:
    row = store.cursor(session, account_id, source, feed)
    return row.position if row is not None and row.position is not None else back


def _read_cards(sync: EventSync) -> None:
    runs.heartbeat(sync.run, stage="cards")
    now = utcnow()
    for page in sync.feed.iter_cards():
        store.save_cards(sync.session, sync.conn.account_id, sync.conn.system, page, now)
        sync.commit(len(page))
    store.move_cursor(sync.session, sync.conn.account_id, sync.conn.system, store.CARDS, now)
    sync.commit(0)  # never hold a write transaction across the next read (SQLite has one writer)


def _read_orders(sync: EventSync, since: datetime) -> None:
    runs.heartbeat(sync.run, stage="orders")
    account_id, source = sync.conn.account_id, sync.conn.system
    for page in sync.feed.iter_orders(since):
        now = utcnow()
        for part in store.chunks(page):
            known = store.known_orders(sync.session, account_id, source, [o.order_id for o in part])
            sync.queue(detect.order_events({k: v[0] for k, v in known.items()}, part))
            store.save_orders(sync.session, account_id, source, part, known, now)
        if page:
            store.move_cursor(sync.session, account_id, source, store.ORDERS, max(o.changed_at for o in page))
        sync.commit(len(page))


def _read_sales(sync: EventSync, since: datetime) -> None:
    runs.heartbeat(sync.run, stage="sales")
    account_id, source = sync.conn.account_id, sync.conn.system
    for page in sync.feed.iter_sales(since):
        now = utcnow()
        for part in store.chunks(page):
            known = store.known_ids(sync.session, Sale, account_id, source, [s.sale_id for s in part])
            sync.queue(detect.sale_events(known, part))
            store.save_sales(sync.session, account_id, source, part, now)
        if page:
            store.move_cursor(sync.session, account_id, source, store.SALES, max(s.changed_at for s in page))
        sync.commit(len(page))


def _read_reviews(sync: EventSync, since: datetime, max_rating: int) -> None:
    runs.heartbeat(sync.run, stage="reviews")
    account_id, source = sync.conn.account_id, sync.conn.system
    for page in sync.feed.iter_reviews(since):
        now = utcnow()
        for part in store.chunks(page):
            known = store.known_ids(sync.session, Review, account_id, source, [r.review_id for r in part])
            sync.queue(detect.review_events(known, part, max_rating=max_rating))
            store.save_reviews(sync.session, account_id, source, part, now)
        if page:
            store.move_cursor(sync.session, account_id, source, store.REVIEWS, max(r.created_at for r in page))
        sync.commit(len(page))


def _read_stocks(sync: EventSync, threshold: int) -> None:
    """Sum every size over all warehouses first (a size spans rows and pages), then compare with the totals
    stored; a size the marketplace did not report this time keeps its stored state."""
    runs.heartbeat(sync.run, stage="stocks")
    account_id, source = sync.conn.account_id, sync.conn.system
    totals = list(detect.size_totals(row for page in sync.feed.iter_size_stocks() for row in page).values())
    now = utcnow()
    for part in store.chunks(totals):
        known = store.known_stocks(sync.session, account_id, source, [(s.product_id, s.size_key) for s in part])
        events, critical = detect.stock_events(known, part, threshold=threshold, run_id=sync.run.id)
        sync.queue(events)
        crossed = {(e.product_id or "", str(e.payload["size_key"])): sync.run.id for e in events}
        store.save_stocks(sync.session, account_id, source, part, critical, crossed, now)
        sync.commit(len(part))
