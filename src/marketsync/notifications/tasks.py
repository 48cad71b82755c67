"""Thin Celery wrappers around the notification flow: beat looks a few times a SYNC_INTERVAL for the cabinets
whose marketplace events are due and sends one pull_events task per cabinet; the cabinet's outbox is delivered
as soon as a page of events is stored and again when the sync ends, and delivery also runs on its own tick (what
a crash left pending goes then)."""

from __future__ import annotations

import logging

from marketsync.db import get_engine, session_scope
from marketsync.notifications import service
from marketsync.orders import service as orders
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.notifications.sync_cabinets")
def sync_cabinets() -> int:
    """Beat entry: enqueue an event sync for every cabinet that is due; return how many."""
    with session_scope() as session:
        due = orders.cabinets_due(session)
    for account_id in due:
        orders.enqueue_sync(account_id)
    return len(due)


@celery_app.task(name="marketsync.notifications.pull_events")
def pull_events(account_id: int) -> bool:
    """Sync one cabinet's marketplace events, then deliver its notifications; return whether the sync was ok."""
    with session_scope() as session:  # a duplicate sent while the worker was busy finds nothing due any more
        if account_id not in orders.cabinets_due(session):
            return False
    def deliver_now() -> None:
        report = service.deliver(get_engine(), account_id=account_id)
        if report.error:
            log.warning("cabinet %s: notifications not delivered: %s", account_id, report.error)

    # Messages go out as soon as a page of events is stored, not after the whole sync; then once more at its end.
    outcome = orders.sync_cabinet_events(get_engine(), account_id=account_id, on_events=deliver_now)
    if not outcome.ok and not outcome.skipped:
        log.warning("cabinet %s: event sync failed: %s", account_id, outcome.error)
    deliver_now()
    return outcome.ok


@celery_app.task(name="marketsync.notifications.deliver")
def deliver() -> int:
    """Beat entry: send every due notification of every cabinet; return how many were sent."""
    report = service.deliver(get_engine())
    if report.error:
        log.warning("notifications not delivered: %s", report.error)
    return report.sent
