"""Stock-sync use cases for the CLI, the tasks and the pages: settings per marketplace, a foreground sync of
one cabinet (source refresh, then a push per marketplace), which cabinets are due, a push asked from a page."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.billing import service as billing
from marketsync.catalog.models import Product
from marketsync.connections.models import Connection
from marketsync.connections.service import get_connection, mark_broken, pushes_stock, system_title
from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.db import session_factory, utcnow
from marketsync.notices import of_error
from marketsync.settings import get_settings
from marketsync.stocks.models import StockConfig
from marketsync.sync.chain import StepFailedError, refresh_source
from marketsync.sync.models import SyncRun
from marketsync.sync.pipelines.stocks import PULL as PULL
from marketsync.sync.pipelines.stocks import PUSH as PUSH
from marketsync.sync.pipelines.stocks import StockReport, pull_marketplace, push_marketplace, stock_config
from marketsync.sync.runs import LIVE, SyncError, fail_dead_runs

# The CLI's names of the marketplaces (the stock-sync tool's) → our connection systems.
SOURCES = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}
MARKETPLACES = tuple(SOURCES.values())
log = logging.getLogger(__name__)
NO_WAREHOUSE = "no seller warehouse is set for this connection, so no stock is pushed: set it on /connections"
DEFAULT_INTERVAL = 6 * 3600  # stock_configs.interval_seconds' default: the tool's "every 6 hours"


class StockSetupError(ValueError):
    """A refusal shown to the person as is (an unknown source, a negative reserve)."""


def system_of(source: str) -> str:
    """Return the connection system of a CLI source name (ozon, wb, ym)."""
    if source not in SOURCES:
        raise StockSetupError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    return SOURCES[source]


def configure(session: Session, *, account_id: int, system: str, reserve: int | None = None,
              interval_hours: float | None = None, enabled: bool | None = None) -> StockConfig:
    """Change a cabinet's stock settings for one marketplace; return them."""
    if reserve is not None and reserve < 0:
        raise StockSetupError("the reserve must be 0 or more units")
    if interval_hours is not None and interval_hours <= 0:
        raise StockSetupError("the interval must be positive")
    config = stock_config(session, account_id, system, create=True)
    if reserve is not None:
        config.reserve = reserve
    if interval_hours is not None:
        config.interval_seconds = int(interval_hours * 3600)
    if enabled is not None:
        config.enabled = enabled
    session.flush()
    return config


def connected_marketplaces(session: Session, account_id: int) -> list[Connection]:
    """Return a cabinet's marketplace connections that take our stock, in the CLI's order (Ozon, Wildberries,
    Yandex Market); a WB key given only for notifications (no warehouse) is not one of them."""
    found = {c.system: c for c in session.scalars(select(Connection).where(
        Connection.account_id == account_id, Connection.system.in_(MARKETPLACES))) if pushes_stock(c)}
    return [found[system] for system in MARKETPLACES if system in found]


def stock_accounts(session: Session) -> list[int]:
    """Return every cabinet with at least one marketplace connection."""
    return sorted(session.scalars(select(func.distinct(Connection.account_id))
                                  .where(Connection.system.in_(MARKETPLACES))))


@dataclass
class MarketOutcome:
    """How one marketplace's push ended: its report, or why it did not run (misconfigured: exit 2)."""

    system: str
    report: StockReport | None = None
    error: str | None = None
    misconfigured: bool = False

    @property
    def title(self) -> str:
        """The marketplace's name as sellers know it."""
        return system_title(self.system)

    @property
    def ok(self) -> bool:
        """Whether every item of this marketplace was pushed (or nothing needed to be)."""
        return self.error is None and self.report is not None and not self.report.rejected


def sync_stocks(engine: Engine, *, account_id: int, systems: Sequence[str], full_resync: bool = False,
                test_mode: bool = False, refresh: bool = True,
                on_progress: Callable[[SyncRun], None] | None = None) -> list[MarketOutcome]:
    """Refresh the source (Evotor), then push every asked marketplace that is connected, in this process."""
    with session_factory(engine)() as session:
        conns = {c.system: c.id for c in connected_marketplaces(session, account_id)}
        keys_only = {system for system in systems if system not in conns
                     and get_connection(session, account_id, system) is not None}
    outcomes = [MarketOutcome(system, error=NO_WAREHOUSE if system in keys_only
                              else f"{system_title(system)} is not connected", misconfigured=True)
                for system in systems if system not in conns]
    wanted = [system for system in systems if system in conns]
    if wanted and refresh:
        try:
            source_run = refresh_source(engine, account_id=account_id)
        except StepFailedError as exc:
            return outcomes + [MarketOutcome(system, error=f"the source could not be read: {exc}", misconfigured=True)
                               for system in wanted]
        if source_run.status == "failed":
            return outcomes + [MarketOutcome(system, error=f"the source could not be read: {source_run.error}")
                               for system in wanted]
        if source_run.status == "skipped" and not _has_catalog(engine, account_id):
            # Another run is reading the catalog for the first time: nothing to push yet; beat looks again.
            return outcomes + [MarketOutcome(system, error="the source is being read for the first time: "
                                             "the push waits for it") for system in wanted]
    # Each marketplace has its own rate limits and lease, so they are pushed side by side, at most
    # MAX_CONCURRENT_REQUESTS at once (each one's own requests go one after another, at its documented pace).
    workers = min(get_settings().MAX_CONCURRENT_REQUESTS, len(wanted)) or 1
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="stock-push") as pool:
        pushes = [pool.submit(_push_one, engine, conns[system], full_resync=full_resync, test_mode=test_mode,
                              on_progress=on_progress) for system in wanted]
        return outcomes + [push.result() for push in pushes]


def _has_catalog(engine: Engine, account_id: int) -> bool:
    with session_factory(engine)() as session:
        return session.scalar(select(Product.id).where(Product.account_id == account_id).limit(1)) is not None


def _push_one(engine: Engine, connection_id: int, *, full_resync: bool, test_mode: bool,
              on_progress: Callable[[SyncRun], None] | None) -> MarketOutcome:
    with session_factory(engine)() as session:
        conn = session.get(Connection, connection_id)
        assert conn is not None
        system = conn.system
        try:
            report = push_marketplace(session, engine, conn, full_resync=full_resync, test_mode=test_mode,
                                      on_progress=on_progress)
        except ConfigError as exc:
            mark_broken(conn, of_error(exc))
            session.commit()
            return MarketOutcome(system, error=exc.message, misconfigured=True)
        except SyncError as exc:
            return MarketOutcome(system, error=str(exc))
        except ConnectorError as exc:
            return MarketOutcome(system, error=exc.message)
        return MarketOutcome(system, report=report)


def pull_stocks(engine: Engine, *, account_id: int, system: str) -> SyncRun | None:
    """Read one marketplace's FBS and FBO stock into market_stocks; None when it is not connected."""
    with session_factory(engine)() as session:
        conn = get_connection(session, account_id, system)
        if conn is None:
            return None
        try:
            return pull_marketplace(session, engine, conn)
        except ConfigError as exc:
            mark_broken(conn, of_error(exc))
            session.commit()
            raise


def due_by_account(session: Session, pipeline: str) -> dict[int, list[str]]:
    """Return, per cabinet, the marketplaces whose stock interval has passed since their last `pipeline` run."""
    fail_dead_runs(session)  # a run whose worker died must not keep its cabinet waiting
    due: dict[int, list[str]] = {}
    accounts = stock_accounts(session)
    paused = billing.paused_among(session, accounts)  # balance spent: not due until topped up
    for account_id in accounts:
        if account_id in paused:
            continue
        live = set(session.scalars(select(SyncRun.source).where(
            SyncRun.account_id == account_id, SyncRun.pipeline == pipeline, SyncRun.status.in_(LIVE))))
        for conn in connected_marketplaces(session, account_id):
            config = stock_config(session, account_id, conn.system)
            if not config.enabled or conn.status != "active" or conn.system in live:
                continue  # switched off, broken, or its run is under way (the lease is per marketplace)
            # A run skipped for a held lease did nothing: it does not make the next one wait an interval.
            last = session.scalar(select(func.max(SyncRun.started_at)).where(
                SyncRun.account_id == account_id, SyncRun.pipeline == pipeline, SyncRun.source == conn.system,
                SyncRun.status != "skipped"))
            if last is None or last <= utcnow() - timedelta(seconds=config.interval_seconds):
                due.setdefault(account_id, []).append(conn.system)
    return due


def enqueue(account_id: int, systems: list[str], *, pull: bool) -> None:
    """Send one cabinet's stock push (or pull) for these marketplaces to the worker, by task name."""
    from marketsync.worker import celery_app

    name = "marketsync.stocks.pull_stocks" if pull else "marketsync.stocks.push_stocks"
    celery_app.signature(name, args=(account_id, systems)).apply_async()


@dataclass(frozen=True)
class MarketSettings:
    """A connected marketplace's stock settings and its last push run, for the /stocks settings form."""

    connection: Connection
    config: StockConfig
    last_run: SyncRun | None


def market_settings(session: Session, account_id: int) -> list[MarketSettings]:
    """Return the settings and last push of every connected marketplace of a cabinet (defaults if never set)."""
    configs = {c.system: c for c in session.scalars(select(StockConfig).where(StockConfig.account_id == account_id))}
    found = []
    for conn in connected_marketplaces(session, account_id):
        last = session.scalar(select(SyncRun).where(
            SyncRun.account_id == account_id, SyncRun.pipeline == PUSH, SyncRun.source == conn.system)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1))
        # A page only reads: the defaults are shown without being stored (configure stores them).
        config = configs.get(conn.system) or StockConfig(account_id=account_id, system=conn.system, reserve=0,
                                                         enabled=True, interval_seconds=DEFAULT_INTERVAL)
        found.append(MarketSettings(conn, config, last))
    return found


@dataclass
class PushRequest:
    """The answer to "sync stocks now": what was asked, and whether the broker took it."""

    systems: list[str]
    running: bool = False
    enqueue_error: str | None = None

    @property
    def queued(self) -> bool:
        """Whether the push was handed to the worker."""
        return bool(self.systems) and not self.running and self.enqueue_error is None


def request_push(session: Session, *, account_id: int) -> PushRequest:
    """Ask the worker to push every connected marketplace's stock now, sent once the caller commits."""
    request = PushRequest([conn.system for conn in connected_marketplaces(session, account_id)])
    request.running = session.scalar(select(func.count()).select_from(SyncRun).where(
        SyncRun.account_id == account_id, SyncRun.pipeline == PUSH, SyncRun.status == "running")) != 0
    if not request.systems or request.running:
        return request

    def send(_session: Session) -> None:
        try:
            from marketsync.worker import celery_app

            celery_app.signature("marketsync.stocks.push_stocks", args=(account_id, request.systems),
                                 kwargs={"requested": True}).apply_async()
        except Exception as exc:  # the broker is down: the page says so
            log.warning("could not queue a stock push: %s", exc)
            request.enqueue_error = str(exc) or type(exc).__name__

    def forget(_session: Session) -> None:  # rolled back: what was asked for never happened
        if event.contains(session, "after_commit", send):
            event.remove(session, "after_commit", send)

    # After the commit, so the worker reads the settings this request may have saved with it.
    event.listen(session, "after_commit", send, once=True)
    event.listen(session, "after_rollback", forget, once=True)
    return request
