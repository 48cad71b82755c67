"""Thin Celery wrapper of publishing: one publish of one cabinet's hub catalog to one marketplace (asked from a
page, or by the demo once its suppliers are imported); its run and every card's verdict are in the database."""

from __future__ import annotations

import logging

from marketsync.db import get_engine
from marketsync.publishing import service
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.publishing.publish_catalog")
def publish_catalog(account_id: int, channel: str) -> str:
    """Publish the cabinet's catalog to `channel` (ozon, wb, ym); return the counts line, or why it stopped (the
    cabinet is alerted once per failing episode)."""
    outcome = service.publish_and_alert(get_engine(), account_id=account_id, channel=channel)
    log.info("publish of cabinet %s to %s: %s", account_id, channel, outcome)
    return outcome
