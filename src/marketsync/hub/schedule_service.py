"""Suppliers' catalogs fetched from their URL on a schedule (issue 15, point 1).

Beat asks every minute which suppliers are due: those with a feed URL whose last fetch of that URL started
`refresh_minutes` ago or more (a failed fetch counts, so a broken host is asked once per interval, not every
minute). Each due supplier is fetched by its own task under a lease per supplier (sync/runs.py), so two workers
never import one supplier at once and the second, finding the lease taken or the fetch no longer due, does
nothing. A refused file leaves a refused report (nothing changed) and opens one alert for the supplier, delivered
by e-mail and Telegram like the stock monitor's; further failures of the same episode say nothing more, and the
next good import closes the alert (its recovery message goes out). Each fetch commits on its own."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.db import get_engine, session_factory, utcnow
from marketsync.hub.import_service import import_catalog
from marketsync.hub.models import ImportReport, Supplier
from marketsync.stocks import alerts
from marketsync.stocks.models import MonitorAlert
from marketsync.stocks.monitor_service import account_name
from marketsync.sync import runs

log = logging.getLogger(__name__)
LEASE_SECONDS = 3600  # longer than any import; a worker that died holding it delays the next fetch this long


@dataclass(frozen=True)
class FetchOutcome:
    """What one scheduled fetch did: `skipped` (busy or not due), else its report's status and counts."""

    supplier_id: int
    skipped: bool = False
    status: str = ""
    report_id: int | None = None
    error: str | None = None
    alerted: bool = False


def _last_fetches(session: Session, ids: list[int]) -> dict[int, datetime]:
    """When each supplier's feed URL was last fetched (any outcome)."""
    return {sid: when for sid, when in session.execute(
        select(ImportReport.supplier_id, func.max(ImportReport.started_at))
        .join(Supplier, Supplier.id == ImportReport.supplier_id)
        .where(ImportReport.supplier_id.in_(ids), ImportReport.source == Supplier.feed_url)
        .group_by(ImportReport.supplier_id))}


def _is_due(supplier: Supplier, last: datetime | None, now: datetime) -> bool:
    return bool(supplier.feed_url and supplier.refresh_minutes) and (
        last is None or last + timedelta(minutes=supplier.refresh_minutes or 0) <= now)


def due_supplier_ids(session: Session, *, now: datetime | None = None) -> list[int]:
    """Return the suppliers (of every cabinet) whose feed is due for a fetch."""
    now = now or utcnow()
    scheduled = list(session.scalars(select(Supplier).where(Supplier.feed_url.is_not(None),
                                                            Supplier.refresh_minutes.is_not(None))
                                     .order_by(Supplier.id)))
    last = _last_fetches(session, [s.id for s in scheduled])
    return [s.id for s in scheduled if _is_due(s, last.get(s.id), now)]


def fetch_supplier(supplier_id: int, *, engine: Engine | None = None, force: bool = False) -> FetchOutcome:
    """Fetch and import one supplier's feed if it is (still) due and no other worker is at it; `force` fetches
    even when not due (the demo's first import, a "fetch now")."""
    engine = engine or get_engine()
    with session_factory(engine)() as session:
        supplier = session.get(Supplier, supplier_id)
        if supplier is None or not supplier.feed_url:
            return FetchOutcome(supplier_id, skipped=True)
        account_id, lease, owner = supplier.account_id, f"hub_fetch:{supplier_id}", runs.new_owner()
        if not runs.acquire_lock(engine, pipeline=lease, account_id=account_id, owner=owner, ttl=LEASE_SECONDS):
            return FetchOutcome(supplier_id, skipped=True)
        try:
            session.expire_all()  # read again under the lease: a fetch that just finished makes it not due
            supplier = session.get(Supplier, supplier_id)
            if supplier is None or not supplier.feed_url or not (
                    force or _is_due(supplier, _last_fetches(session, [supplier_id]).get(supplier_id), utcnow())):
                return FetchOutcome(supplier_id, skipped=True)
            outcome = _fetch(session, supplier)
        finally:
            runs.release_lock(engine, pipeline=lease, account_id=account_id, owner=owner)
        if outcome.alerted or outcome.status == "done":
            try:
                alerts.deliver_pending(session, account_id=account_id)
            except Exception:  # delivery failures are recorded on the alert; anything else must not undo the import
                log.exception("alerts of cabinet %s not delivered", account_id)
        return outcome


def _fetch(session: Session, supplier: Supplier) -> FetchOutcome:
    """Import the feed, commit, and open or close the supplier's alert."""
    url, supplier_id, account_id, name = supplier.feed_url or "", supplier.id, supplier.account_id, supplier.name
    try:
        report = import_catalog(session, account_id=account_id, supplier_name=name, source=url,
                                file_format=supplier.feed_format, mapping=None)
        session.commit()
        status, error, report_id = report.status, report.error, report.id
    except Exception as exc:  # a bug or the database: the supplier's fetch failed, the others go on
        session.rollback()
        log.exception("the feed of supplier %s could not be imported", supplier_id)
        status, error = "refused", f"internal error: {type(exc).__name__}"
        report_id = _refused_report(session, account_id, supplier_id, url, error)
    alerted = False
    if status == "refused":
        alerted = _raise(session, account_id, supplier_id, name, url, error or "")
    else:
        _clear(session, account_id, supplier_id)
    session.commit()
    return FetchOutcome(supplier_id, status=status, report_id=report_id, error=error, alerted=alerted)


def _refused_report(session: Session, account_id: int, supplier_id: int, url: str, error: str) -> int:
    report = ImportReport(account_id=account_id, supplier_id=supplier_id, source=url, file_format="",
                          status="refused", read=0, created=0, updated=0, unchanged=0, rejected=0, rejects=[],
                          error=error, finished_at=utcnow())
    session.add(report)
    session.commit()
    return report.id


def _key(account_id: int, supplier_id: int) -> str:
    return f"{account_id}:{alerts.FEED_SOURCE}:{supplier_id}"


def _open_alert(session: Session, account_id: int, supplier_id: int) -> MonitorAlert | None:
    return session.scalar(select(MonitorAlert).where(MonitorAlert.open_key == _key(account_id, supplier_id)))


def _raise(session: Session, account_id: int, supplier_id: int, name: str, url: str, error: str) -> bool:
    """Open the supplier's alert unless one is open (the same episode); return whether one was opened."""
    if _open_alert(session, account_id, supplier_id) is not None:
        return False
    details = {"supplier_id": supplier_id, "supplier": name, "url": url[:300], "error": error[:500]}
    session.add(MonitorAlert(
        account_id=account_id, source=alerts.FEED_SOURCE, kind=alerts.FEED_REFUSED, details=details,
        open_key=_key(account_id, supplier_id), opened_at=utcnow(),
        message=alerts.alert_text(account_id=account_id, account_name=account_name(session, account_id),
                                  system=alerts.FEED_SOURCE, kind=alerts.FEED_REFUSED, details=details)))
    session.flush()
    return True


def _clear(session: Session, account_id: int, supplier_id: int) -> None:
    """Close the supplier's open alert, if any: the episode is over."""
    alert = _open_alert(session, account_id, supplier_id)
    if alert is not None:
        alert.cleared_at, alert.open_key = utcnow(), None
        alert.clear_message = alerts.recovery_text(account_id=account_id,
                                                   account_name=account_name(session, account_id),
                                                   system=alerts.FEED_SOURCE, kind=alerts.FEED_REFUSED)
        session.flush()


def feed_alerts(session: Session, account_id: int) -> dict[int, str]:
    """The cabinet's suppliers whose feed is failing now, with the alert's reason (for the suppliers page)."""
    return {int(a.details.get("supplier_id", 0)): str(a.details.get("error", "")) for a in session.scalars(
        select(MonitorAlert).where(MonitorAlert.account_id == account_id, MonitorAlert.kind == alerts.FEED_REFUSED,
                                   MonitorAlert.cleared_at.is_(None)))}
