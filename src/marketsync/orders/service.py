"""Order and event use cases for the bot, the tasks and the CLI: sync one cabinet's marketplace events now,
which cabinets are due for a sync, and what buyers did today (in Moscow time) and lately."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.billing import service as billing
from marketsync.connections.models import Connection
from marketsync.connections.service import ConnectionSetupError
from marketsync.connectors.errors import ConnectorError
from marketsync.db import session_factory, utcnow
from marketsync.notices import Notice, load, notice, of_error, plain
from marketsync.orders.models import Order
from marketsync.orders.moscow import day_bounds
from marketsync.settings import get_settings
from marketsync.sync.models import SyncLock, SyncRun
from marketsync.sync.pipelines.events import PULL_EVENTS, lease_ttl, pull_events
from marketsync.sync.runs import LIVE, SyncError, set_error

log = logging.getLogger(__name__)
EVENT_SYSTEMS = ("wildberries", "ozon")  # marketplaces whose buyers' events are read, in this order


@dataclass
class SyncOutcome:
    """How one cabinet's event sync ended: ok, or the error (skipped: another sync of it was under way)."""

    account_id: int
    ok: bool
    error: str | None = None
    skipped: bool = False
    run_id: int | None = None
    events: dict[str, int] = field(default_factory=dict)
    reasons: tuple[Notice, ...] = ()  # the errors as notices, for a reader of another language (the bot's Russian)

    def error_in(self, locale: str) -> str | None:
        """Say the error in `locale` (the English text for what has no notice)."""
        return "; ".join(reason.say(locale) for reason in self.reasons) or self.error


def event_connections(session: Session, account_id: int) -> list[Connection]:
    """Return the cabinet's marketplace connections whose buyers' events are read (Wildberries, then Ozon)."""
    found = {c.system: c for c in session.scalars(select(Connection).where(
        Connection.account_id == account_id, Connection.system.in_(EVENT_SYSTEMS)))}
    return [found[system] for system in EVENT_SYSTEMS if system in found]


def sync_cabinet_events(engine: Engine, *, account_id: int, silent: bool = False,
                        on_events: Callable[[], None] | None = None) -> SyncOutcome:
    """Read the cabinet's orders, sales, reviews, stocks and cards from each of its marketplaces now and queue
    its notifications; the outcome is ok when every marketplace's sync was.

    `silent`: store everything and notify nobody (the sync in which a second person joins the cabinet)."""
    with session_factory(engine)() as session:
        conns = [conn.id for conn in event_connections(session, account_id)]
    if not conns:
        missing = notice("not_connected", system="wildberries")
        return SyncOutcome(account_id, ok=False, error=missing.english, reasons=(missing,))
    outcomes = [_sync_one(engine, account_id, conn_id, silent=silent, on_events=on_events) for conn_id in conns]
    events: dict[str, int] = {}
    for outcome in outcomes:
        for kind, count in outcome.events.items():
            events[kind] = events.get(kind, 0) + count
    errors = [outcome.error for outcome in outcomes if outcome.error]
    return SyncOutcome(account_id, ok=all(o.ok for o in outcomes), error="; ".join(errors) or None,
                       skipped=any(o.skipped for o in outcomes), run_id=outcomes[-1].run_id, events=events,
                       reasons=tuple(reason for outcome in outcomes for reason in outcome.reasons))


def _sync_one(engine: Engine, account_id: int, connection_id: int, *, silent: bool,
              on_events: Callable[[], None] | None) -> SyncOutcome:
    """Sync one marketplace's events. A refused key is recorded on the run, never marks the connection broken:
    the same connection may push stock, which has its own check (an Ozon key without the postings role)."""
    with session_factory(engine)() as session:
        conn = session.get(Connection, connection_id)
        assert conn is not None
        try:
            run = pull_events(session, engine, conn, silent=silent, on_events=on_events)
        except SyncError as exc:
            run_id = exc.run.id if exc.run is not None else None
            skipped = exc.notice.key in ("events_already_running", "balance_spent")
            return SyncOutcome(account_id, ok=False, error=str(exc), skipped=skipped,
                               run_id=run_id, reasons=(exc.notice,))
        except ConnectorError as exc:
            return SyncOutcome(account_id, ok=False, error=exc.message, reasons=(of_error(exc),))
        except ConnectionSetupError as exc:
            return SyncOutcome(account_id, ok=False, error=str(exc), reasons=(exc.notice,))
        except Exception as exc:  # recorded on the run as failed; the bot and beat go on with other cabinets
            log.exception("cabinet %s: the event sync failed", account_id)
            said = f"{type(exc).__name__}: {exc}"
            return SyncOutcome(account_id, ok=False, error=said, reasons=(plain(said),))
        stored = load(run.error_notice) if run.error else None
        return SyncOutcome(account_id, ok=run.status == "succeeded", error=run.error, run_id=run.id,
                           events=dict(run.details.get("events", {})), reasons=(stored,) if stored else ())


def sync_cabinet_events_for_person(engine: Engine, *, account_id: int, silent: bool = True,
                                   wait_seconds: float | None = None) -> SyncOutcome:
    """Sync the cabinet's events for a person who waits on it (the bot's first sync): when another sync of the
    cabinet is under way (beat's), wait for it to end and sync then, so the answer always follows a finished sync.
    Waits at most `wait_seconds` (two lease lifetimes by default: a dead worker's lease has lapsed by then)."""
    deadline = time.monotonic() + (2 * lease_ttl() if wait_seconds is None else wait_seconds)
    while True:
        outcome = sync_cabinet_events(engine, account_id=account_id, silent=silent)
        if not outcome.skipped or time.monotonic() >= deadline:
            return outcome
        while _lease_held(engine, account_id) and time.monotonic() < deadline:
            time.sleep(0.5)


def _lease_held(engine: Engine, account_id: int) -> bool:
    with session_factory(engine)() as session:
        return session.scalar(select(SyncLock.id).where(SyncLock.pipeline == PULL_EVENTS,
                                                        SyncLock.account_id == account_id,
                                                        SyncLock.expires_at > utcnow())) is not None


def close_dead_runs(session: Session, *, now: datetime | None = None) -> int:
    """Mark failed every event sync that showed no sign of life for a lease's time; return how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=lease_ttl())
    dead = list(session.scalars(select(SyncRun).where(SyncRun.pipeline == PULL_EVENTS, SyncRun.status.in_(LIVE),
                                                      SyncRun.heartbeat_at < cutoff)))
    for run in dead:
        run.status, run.finished_at = "failed", utcnow()
        set_error(run, notice("worker_stopped"))
    session.flush()
    return len(dead)


def cabinets_due(session: Session, *, now: datetime | None = None) -> list[int]:
    """Return the cabinets with an active Wildberries or Ozon connection whose events are due for a sync.

    Beat looks every `event_tick_seconds` (5 s), so a cabinet is due when none of its syncs
    is live and its last one started an interval ago, less half a tick (a run started just after a tick must
    not make the cabinet wait a whole tick more); a sync held up past its slot starts at the next tick."""
    now = now or utcnow()
    close_dead_runs(session, now=now)
    settings = get_settings()
    half = timedelta(seconds=settings.SYNC_INTERVAL - settings.event_tick_seconds / 2)
    accounts = sorted(set(session.scalars(select(Connection.account_id).where(
        Connection.system.in_(EVENT_SYSTEMS), Connection.status == "active"))))
    paused = billing.paused_among(session, accounts)  # balance spent: not due until topped up
    due = []
    for account_id in accounts:
        if account_id in paused:
            continue
        live = session.scalar(select(SyncRun.id).where(SyncRun.account_id == account_id,
                                                       SyncRun.pipeline == PULL_EVENTS,
                                                       SyncRun.status.in_(LIVE)).limit(1))
        last = session.scalar(select(func.max(SyncRun.started_at)).where(
            SyncRun.account_id == account_id, SyncRun.pipeline == PULL_EVENTS, SyncRun.status != "skipped"))
        if live is None and (last is None or last <= now - half):
            due.append(account_id)
    return due


@dataclass(frozen=True)
class DayTotals:
    """A Moscow day's orders: how many and their sum."""

    count: int
    amount: Decimal


def day_totals(session: Session, *, account_id: int, at: datetime) -> DayTotals:
    """Return the orders of the Moscow day `at` falls on, cancelled ones apart (as the bot's Orders menu counts
    today's)."""
    start, end = day_bounds(at)
    count, amount = session.execute(select(func.count(Order.id), func.coalesce(func.sum(Order.price), 0)).where(
        Order.account_id == account_id, Order.ordered_at >= start, Order.ordered_at < end,
        Order.cancelled.is_(False))).one()
    return DayTotals(int(count), Decimal(amount).quantize(Decimal("0.01")))


def recent_orders(session: Session, *, account_id: int, limit: int = 10) -> list[Order]:
    """Return the cabinet's latest orders, newest first."""
    return list(session.scalars(select(Order).where(Order.account_id == account_id)
                                .order_by(Order.ordered_at.desc(), Order.id.desc()).limit(limit)))


def today_orders(session: Session, *, account_id: int, now: datetime | None = None) -> list[Order]:
    """Return the orders of today in Moscow time, newest first."""
    start, end = day_bounds(now or utcnow())
    return list(session.scalars(select(Order).where(Order.account_id == account_id, Order.ordered_at >= start,
                                                    Order.ordered_at < end).order_by(Order.ordered_at.desc())))


def enqueue_sync(account_id: int) -> None:
    """Send one cabinet's event sync to the worker, by task name."""
    from marketsync.worker import celery_app

    celery_app.signature("marketsync.notifications.pull_events", args=(account_id,)).apply_async()
