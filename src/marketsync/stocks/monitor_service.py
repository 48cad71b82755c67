"""The stock monitor's use cases: gather the facts about a cabinet's connected marketplaces (their successful stock
pushes, the offers they list), judge them with sync.monitor, keep the alerts (raised once while the condition
lasts, cleared once when it ends) and have them delivered (stocks.alerts); the /monitor page's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.accounts.models import Account
from marketsync.connections.models import Connection
from marketsync.connections.service import system_title
from marketsync.db import session_factory, utcnow
from marketsync.settings import get_settings
from marketsync.stocks import alerts
from marketsync.stocks.models import MonitorAlert, OfferRow, StockConfig
from marketsync.stocks.service import connected_marketplaces, stock_accounts
from marketsync.sync import runs
from marketsync.sync.models import SyncRun
from marketsync.sync.monitor import HEALTH, MODES, Finding, SourceFacts, SyncPoint, Thresholds, check
from marketsync.sync.pipelines.stocks import PULL, PUSH

MONITOR_LOCK = "monitor"  # one monitor run of a cabinet at a time: cron's CLI and beat may overlap
LOCK_TTL_SECONDS = 600


@dataclass(frozen=True)
class LastRun:
    """A marketplace's latest stock push, whatever its outcome."""

    id: int
    status: str
    started_at: datetime
    error: str | None
    failed: int


@dataclass(frozen=True)
class SourceHealth:
    """One cabinet's marketplace as the monitor judged it."""

    facts: SourceFacts
    findings: list[Finding]
    last_run: LastRun | None
    checked_at: datetime

    @property
    def age_hours(self) -> float | None:
        """Hours since the last successful push ended (None: none yet)."""
        if self.facts.last is None:
            return None
        return round((self.checked_at - self.facts.last.finished_at).total_seconds() / 3600, 1)

    @property
    def system(self) -> str:
        """The marketplace's connection system."""
        return self.facts.system

    @property
    def title(self) -> str:
        """The marketplace's name as sellers know it."""
        return system_title(self.facts.system)

    @property
    def healthy(self) -> bool:
        """Whether no alert condition holds."""
        return not self.findings


@dataclass
class MonitorOutcome:
    """One monitor run of one cabinet: the health of each marketplace, the alerts raised and cleared, delivery."""

    account_id: int
    account_name: str
    sources: list[SourceHealth]
    raised: list[MonitorAlert] = field(default_factory=list)
    cleared: list[MonitorAlert] = field(default_factory=list)
    delivery: alerts.DeliveryReport = field(default_factory=alerts.DeliveryReport)
    busy: bool = False  # another monitor run of this cabinet held the lease: it keeps the alerts this time

    @property
    def healthy(self) -> bool:
        """Whether every marketplace of the cabinet is healthy."""
        return all(source.healthy for source in self.sources)


def account_name(session: Session, account_id: int) -> str:
    """Return a cabinet's name."""
    return session.scalar(select(Account.name).where(Account.id == account_id)) or f"#{account_id}"


def monitored_accounts(session: Session) -> list[int]:
    """Return every cabinet with a marketplace connection."""
    return stock_accounts(session)


def _watched(session: Session, account_id: int) -> list[Connection]:
    """The cabinet's marketplaces the monitor watches: connected, their stock sync not switched off."""
    off = set(session.scalars(select(StockConfig.system).where(StockConfig.account_id == account_id,
                                                               StockConfig.enabled.is_(False))))
    return [conn for conn in connected_marketplaces(session, account_id) if conn.system not in off]


def _point(run: SyncRun) -> SyncPoint:
    details = run.details or {}
    return SyncPoint(finished_at=run.finished_at or run.started_at, offers=details.get("offers"),
                     stock_total=details.get("stock_total"))


def gather_facts(session: Session, *, account_id: int) -> list[tuple[SourceFacts, LastRun | None]]:
    """Read what the monitor judges for each watched marketplace of a cabinet, and its latest push."""
    # Offers listed per connection, archived ones not counted; a connection absent here never listed any.
    listed: dict[int, int] = {conn_id: int(active or 0) for conn_id, active in session.execute(
        select(OfferRow.connection_id, func.sum(case((OfferRow.archived.is_(False), 1), else_=0)))
        .where(OfferRow.account_id == account_id).group_by(OfferRow.connection_id))}
    gathered = []
    for conn in _watched(session, account_id):
        pushes = select(SyncRun).where(SyncRun.account_id == account_id, SyncRun.pipeline == PUSH,
                                       SyncRun.source == conn.system, SyncRun.dry_run.is_(False))
        # Test-mode runs push nothing, so they are no syncs. A push whose run ended without an error is a sync even
        # when the marketplace refused some items (an offer on moderation): every other item is current, and the
        # refused ones are shown on /stocks and by the CLI's exit code. One in which every item was refused is not.
        reached = (SyncRun.status == "succeeded") | ((SyncRun.status == "failed") & SyncRun.error.is_(None)
                                                     & (SyncRun.updated + SyncRun.skipped > 0))
        good = list(session.scalars(pushes.where(reached)
                                    .order_by(SyncRun.finished_at.desc(), SyncRun.id.desc()).limit(2)))
        latest = session.scalar(pushes.where(SyncRun.status.not_in(runs.LIVE)).order_by(SyncRun.id.desc()).limit(1))
        facts = SourceFacts(account_id=account_id, system=conn.system, connected_at=conn.created_at,
                            last=_point(good[0]) if good else None,
                            previous=_point(good[1]) if len(good) > 1 else None,
                            product_count=listed.get(conn.id, 0) if conn.id in listed or good else None)
        last = LastRun(latest.id, latest.status, latest.started_at, latest.error, latest.failed) if latest else None
        gathered.append((facts, last))
    return gathered


def check_health(session: Session, *, account_id: int, mode: str = HEALTH,
                 now: datetime | None = None) -> list[SourceHealth]:
    """Judge each watched marketplace of a cabinet by the checks of a mode (reads only, raises nothing)."""
    now = now or utcnow()
    limits = Thresholds.from_settings(get_settings())
    return [SourceHealth(facts, check(facts, limits, now=now, kinds=MODES[mode]), last, now)
            for facts, last in gather_facts(session, account_id=account_id)]


def run_monitor(engine: Engine, *, account_id: int, mode: str = HEALTH) -> MonitorOutcome:
    """Check a cabinet's marketplaces, raise and clear its alerts, and deliver what is pending."""
    with session_factory(engine)() as session:
        outcome = MonitorOutcome(account_id, account_name(session, account_id),
                                 check_health(session, account_id=account_id, mode=mode))
        session.commit()
        owner = runs.new_owner()
        if not runs.acquire_lock(engine, pipeline=MONITOR_LOCK, account_id=account_id, owner=owner,
                                 ttl=LOCK_TTL_SECONDS):
            outcome.busy = True
            return outcome
        try:
            outcome.raised, outcome.cleared = update_alerts(session, account_id=account_id,
                                                            name=outcome.account_name, sources=outcome.sources,
                                                            kinds=MODES[mode])
            session.commit()
            outcome.delivery = alerts.deliver_pending(session, account_id=account_id)
        finally:
            runs.release_lock(engine, pipeline=MONITOR_LOCK, account_id=account_id, owner=owner)
    return outcome


def update_alerts(session: Session, *, account_id: int, name: str, sources: list[SourceHealth],
                  kinds: tuple[str, ...]) -> tuple[list[MonitorAlert], list[MonitorAlert]]:
    """Open an alert for each new condition among `kinds`, close those that ended; return (raised, cleared)."""
    now = utcnow()
    open_alerts = {(a.source, a.kind): a for a in session.scalars(select(MonitorAlert).where(
        MonitorAlert.account_id == account_id, MonitorAlert.cleared_at.is_(None), MonitorAlert.kind.in_(kinds)))}
    raised, cleared = [], []
    for source in sources:
        found = {finding.kind: finding for finding in source.findings}
        for kind in kinds:
            alert = open_alerts.pop((source.system, kind), None)
            if kind in found and alert is None:
                raised.append(_open(session, account_id, name, source.system, found[kind], now))
            elif kind not in found and alert is not None:
                cleared.append(_close(alert, name, now))
    # What is left belongs to a marketplace no longer watched (disconnected, or its stock sync switched off).
    cleared += [_close(alert, name, now, reason=alerts.NOT_MONITORED) for alert in open_alerts.values()]
    session.flush()
    return raised, cleared


def _open(session: Session, account_id: int, name: str, system: str, finding: Finding,
          now: datetime) -> MonitorAlert:
    alert = MonitorAlert(account_id=account_id, source=system, kind=finding.kind, details=dict(finding.details),
                         open_key=f"{account_id}:{system}:{finding.kind}", opened_at=now,
                         message=alerts.alert_text(account_id=account_id, account_name=name, system=system,
                                                   kind=finding.kind, details=finding.details))
    session.add(alert)
    return alert


def _close(alert: MonitorAlert, name: str, now: datetime, reason: str | None = None) -> MonitorAlert:
    alert.cleared_at = now
    alert.open_key = None
    alert.clear_message = alerts.recovery_text(account_id=alert.account_id, account_name=name, system=alert.source,
                                               kind=alert.kind, reason=reason)
    return alert


def open_alerts(session: Session, *, account_id: int) -> list[MonitorAlert]:
    """Return a cabinet's open alerts, newest first."""
    return list(session.scalars(select(MonitorAlert).where(MonitorAlert.account_id == account_id,
                                                           MonitorAlert.cleared_at.is_(None))
                                .order_by(MonitorAlert.opened_at.desc(), MonitorAlert.id.desc())))


def alerts_since(session: Session, *, account_id: int, since: datetime) -> list[MonitorAlert]:
    """Return a cabinet's alerts raised since a moment, oldest first."""
    return list(session.scalars(select(MonitorAlert).where(MonitorAlert.account_id == account_id,
                                                           MonitorAlert.opened_at >= since)
                                .order_by(MonitorAlert.opened_at, MonitorAlert.id)))


def stock_runs(session: Session, *, account_id: int, limit: int = 50) -> list[SyncRun]:
    """Return a cabinet's latest stock runs (pushes and pulls), newest first."""
    return list(session.scalars(select(SyncRun).where(SyncRun.account_id == account_id,
                                                      SyncRun.pipeline.in_((PUSH, PULL)))
                                .order_by(SyncRun.id.desc()).limit(limit)))
