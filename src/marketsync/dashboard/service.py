"""The overview's figures, read in a handful of queries: each connection's state, the last and next sync,
source products against channel items, the last run's outcomes, 30 days of runs, and the seller's next step."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, Store
from marketsync.connections.models import Connection
from marketsync.connections.service import connection_for, role_title
from marketsync.connectors import CATALOG_CHANNEL, CATALOG_SOURCE
from marketsync.db import utcnow
from marketsync.settings import get_settings
from marketsync.sync import journal, runs
from marketsync.sync.filters import load_scope
from marketsync.sync.models import ChannelItem, SyncConfig, SyncRun

MOSCOW = ZoneInfo("Europe/Moscow")
CHART_DAYS = 30


@dataclass(frozen=True)
class ConnectionState:
    """One system the flow needs: connected or not, working or broken with its reason."""

    role: str
    title: str
    connection: Connection | None

    @property
    def broken(self) -> bool:
        """Whether the system refused the stored credentials."""
        return self.connection is not None and self.connection.status == "broken"


@dataclass(frozen=True)
class DayRuns:
    """The runs of one Moscow day: how many succeeded, failed, and how many products failed in them."""

    day: date
    succeeded: int = 0
    failed: int = 0
    item_failures: int = 0


@dataclass
class Overview:
    """Everything the overview shows."""

    connections: list[ConnectionState]
    auto_sync: bool
    last_run: SyncRun | None
    live_run: SyncRun | None
    next_run_at: datetime | None
    stores: int
    stores_enabled: int
    source_products: int
    source_for_sale: int
    channel_items: int
    channel_visible: int
    outcomes: dict[str, int]
    days: list[DayRuns]
    todo: list[str] = field(default_factory=list)  # what the seller should do next, most urgent first


def overview(session: Session, *, account_id: int) -> Overview:
    """Gather the overview of one cabinet."""
    connections = [ConnectionState(role, role_title(role), connection_for(session, account_id, role))
                   for role in (CATALOG_SOURCE, CATALOG_CHANNEL)]
    config = session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))
    auto_sync = config.catalog_enabled if config else True
    runs.fail_dead_runs(session, account_id=account_id)
    recent = runs.recent_runs(session, account_id, limit=10)
    live = next((r for r in recent if r.status in runs.LIVE), None)
    last = next((r for r in recent if r.status not in runs.LIVE and r.pipeline == "catalog"), None)
    scope = load_scope(session, account_id)
    stores = session.scalar(select(func.count()).select_from(Store).where(Store.account_id == account_id)) or 0
    products = session.execute(select(func.count(), _count_if(Product.allow_to_sell.is_(True)))
                               .where(Product.account_id == account_id)).one()
    items = session.execute(select(func.count(), _count_if(ChannelItem.hidden.is_(False)))
                            .where(ChannelItem.account_id == account_id, ChannelItem.kind == "item")).one()
    result = Overview(
        connections=connections, auto_sync=auto_sync, last_run=last, live_run=live,
        next_run_at=_next_run(last, auto_sync), stores=stores, stores_enabled=len(scope.stores),
        source_products=int(products[0]), source_for_sale=int(products[1]),
        channel_items=int(items[0]), channel_visible=int(items[1]),
        outcomes=journal.outcome_counts(session, last) if last else {},
        days=_days(session, account_id),
    )
    result.todo = _todo(result)
    return result


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _next_run(last: SyncRun | None, auto_sync: bool) -> datetime | None:
    """When the schedule runs the sync next (soon, when the last one is older than the interval)."""
    if not auto_sync:
        return None
    interval = timedelta(seconds=get_settings().CATALOG_REFRESH_INTERVAL_SECONDS)
    if last is None:
        return utcnow()
    return max(last.started_at + interval, utcnow())


def _days(session: Session, account_id: int) -> list[DayRuns]:
    """Count the runs of the last 30 Moscow days (days without runs included, oldest first)."""
    since = utcnow() - timedelta(days=CHART_DAYS)
    rows = session.execute(select(SyncRun.started_at, SyncRun.status, SyncRun.failed).where(
        SyncRun.account_id == account_id, SyncRun.started_at >= since, SyncRun.status.not_in(runs.LIVE)))
    succeeded: Counter[date] = Counter()
    failed: Counter[date] = Counter()
    item_failures: Counter[date] = Counter()
    for started_at, status, failures in rows:
        day = started_at.astimezone(MOSCOW).date()
        if status == "succeeded":
            succeeded[day] += 1
        elif status == "failed":
            failed[day] += 1
        item_failures[day] += failures or 0
    today = utcnow().astimezone(MOSCOW).date()
    return [DayRuns(d, succeeded[d], failed[d], item_failures[d])
            for d in (today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1))]


def _todo(view: Overview) -> list[str]:
    """Name the seller's next steps: connect what is missing, repair what is broken, choose what to publish."""
    steps = [f"connect:{c.role}" for c in view.connections if c.connection is None]
    steps += [f"repair:{c.role}" for c in view.connections if c.broken]
    source = view.connections[0].connection
    if source is not None and view.stores and not view.stores_enabled:
        steps.append("choose_stores")
    if source is not None and not view.stores:
        steps.append("read_catalog")
    if not steps and view.last_run is None and view.live_run is None:
        steps.append("first_sync")
    if view.last_run is not None and view.last_run.failed:
        steps.append("see_failures")
    return steps
