"""Thin Celery wrappers around the dictionary refresh: beat asks daily for the cabinets whose cached trees are a
day old, and each (cabinet, channel) is refreshed in its own task, so one marketplace failing stops no other."""

from __future__ import annotations

import logging

from marketsync.db import session_scope
from marketsync.dictionaries.mappings import due_refreshes, note_refresh_failure, refresh_cabinet
from marketsync.dictionaries.service import DictionaryError
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.dictionaries.refresh_due")
def refresh_due() -> int:
    """Beat entry: enqueue a refresh of every cached (cabinet, channel) dictionary older than a day."""
    with session_scope() as session:
        pairs = due_refreshes(session)
    for account_id, channel in pairs:
        refresh_dictionary.delay(account_id, channel)
    return len(pairs)


@celery_app.task(name="marketsync.dictionaries.refresh")
def refresh_dictionary(account_id: int, channel: str) -> int:
    """Refresh one cabinet's category tree of a channel and its mapped categories' attributes."""
    try:
        with session_scope() as session:
            return refresh_cabinet(session, account_id=account_id, channel=channel)
    except DictionaryError as exc:  # recorded on the cache's state; the next day tries again
        log.warning("cabinet %s, %s: dictionary refresh failed: %s", account_id, channel, exc)
        with session_scope() as session:
            note_refresh_failure(session, account_id=account_id, channel=channel, reason=str(exc))
        return 0
