"""Thin Celery wrappers: beat re-reads, every YOOKASSA_POLL_SECONDS, each payment still open at YooKassa (and
finishes a create whose answer was lost), so a payment settles even when its notification never comes; and every
hour it runs the daily tariff charge, which charges a cabinet once per Moscow day whatever the number of ticks."""

from __future__ import annotations

import logging

from marketsync.billing import service
from marketsync.db import get_engine
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.billing.poll_payments")
def poll_payments() -> int:
    """Beat entry: reconcile the open payments that are due; return how many settled."""
    if not service.payments_enabled():
        return 0
    return service.poll_open_payments(get_engine())


@celery_app.task(name="marketsync.billing.charge_daily")
def charge_daily() -> int:
    """Beat entry (hourly): charge each cabinet's tariff for today, once; return how many were charged now."""
    report = service.charge_daily(get_engine())
    if report.paused:
        log.info("tariff: %s cabinet(s) with the balance spent, not charged and paused", len(report.paused))
    return len(report.charged)
