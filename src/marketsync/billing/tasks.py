"""Thin Celery wrapper: beat re-reads, every YOOKASSA_POLL_SECONDS, each payment still open at YooKassa (and
finishes a create whose answer was lost), so a payment settles even when its notification never comes."""

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
