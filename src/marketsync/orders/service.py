"""Order and event use cases for the bot, the tasks and the CLI: sync one cabinet's marketplace events now,
which cabinets are due for a sync, and what buyers did today (in Moscow time) and lately."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connections.service import ConnectionSetupError, mark_broken
from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.db import session_factory, utcnow
from marketsync.notices import notice, of_error
from marketsync.orders.models import Order
from marketsync.orders.moscow import day_bounds
from marketsync.sync.models import SyncLock, SyncRun
from marketsync.sync.pipelines.events import PULL_EVENTS, lease_ttl, pull_events
from marketsync.sync.runs import LIVE, SyncError, set_error

log = logging.getLogger(__name__)
EVENT_SYSTEMS = ("wildberries",)  # marketplaces whose buyers' events are read (Ozon follows)


@dataclass
class SyncOutcome:
    """How one cabinet's event sync ended: ok, or the error (skipped: another sync of it was under way)."""

    account_id: int
    ok: bool
    error: str | None = None
    skipped: bool = False
    run_id: int | None = None
    events: dict[str, int] = field(default_factory=dict)


def event_connection(session: Session, account_id: int) -> Connection | None:
    """Return the cabinet's marketplace connection whose events are read (Wildberries), if any."""
    return session.scalar(select(Connection).where(Connection.account_id == account_id,
                                                   Connection.system.in_(EVENT_SYSTEMS)).order_by(Connection.id))


def sync_cabinet_events(engine: Engine, *, account_id: int, silent: bool = False) -> SyncOutcome:
    """Read the cabinet's orders, sales, reviews, stocks and cards now and queue its notifications.

    `silent`: store everything and notify nobody (the sync in which a second person joins the cabinet)."""
    with session_factory(engine)() as session:
        conn = event_connection(session, account_id)
        if conn is None:
            return SyncOutcome(account_id, ok=False, error=notice("not_connected", system="wildberries").english)
        try:
            run = pull_events(session, engine, conn, silent=silent)
        except SyncError as exc:
            run_id = exc.run.id if exc.run is not None else None
            return SyncOutcome(account_id, ok=False, error=str(exc), skipped=exc.notice.key == "events_already_running",
                               run_id=run_id)
        except ConfigError as exc:
            mark_broken(conn, of_error(exc))
            session.commit()
            return SyncOutcome(account_id, ok=False, error=exc.message)
        except ConnectorError as exc:
            return SyncOutcome(account_id, ok=False, error=exc.message)
        except ConnectionSetupError as exc:
            return SyncOutcome(account_id, ok=False, error=str(exc))
        except Exception as exc:  # recorded on the run as failed; the bot and beat go on with other cabinets
            log.exception("cabinet %s: the event sync failed", account_id)
            return SyncOutcome(account_id, ok=False, error=f"{type(exc).__name__}: {exc}")
        return SyncOutcome(account_id, ok=run.status == "succeeded", error=run.error, run_id=run.id,
                           events=dict(run.details.get("events", {})))


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
    """Return the cabinets with an active Wildberries connection whose events are due for a sync.

    Beat looks every SYNC_INTERVAL, so a cabinet is due when its last sync started more than half an interval
    ago (a run started just after the previous tick must not make the cabinet skip this one) and none is live."""
    now = now or utcnow()
    close_dead_runs(session, now=now)
    half = timedelta(seconds=lease_ttl() / 2)
    accounts = sorted(set(session.scalars(select(Connection.account_id).where(
        Connection.system.in_(EVENT_SYSTEMS), Connection.status == "active"))))
    due = []
    for account_id in accounts:
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
    """Return the orders of the Moscow day `at` falls on (cancelled ones included: they were ordered)."""
    start, end = day_bounds(at)
    count, amount = session.execute(select(func.count(Order.id), func.coalesce(func.sum(Order.price), 0)).where(
        Order.account_id == account_id, Order.ordered_at >= start, Order.ordered_at < end)).one()
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
