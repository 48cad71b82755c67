"""Thin Celery wrappers of the feeds: beat's tick finds the feeds whose products changed (or that are older than
FEED_MAX_AGE_MINUTES) and rebuilds each in its own transaction; the page's "rebuild now" sends one build."""

from __future__ import annotations

from marketsync.db import session_scope
from marketsync.feeds import service
from marketsync.worker import celery_app


@celery_app.task(name="marketsync.feeds.rebuild_changed")
def rebuild_changed() -> int:
    """Beat entry: rebuild every feed that is due; return how many were rebuilt (a failure is on its feed)."""
    with session_scope() as session:
        due = service.due_feed_ids(session)
    rebuilt = 0
    for feed_id in due:
        with session_scope() as session:  # one feed's failure is committed on it and never stops the others
            rebuilt += service.rebuild_by_id(session, feed_id) is not None
    return rebuilt


@celery_app.task(name="marketsync.feeds.build_feed")
def build_feed(feed_id: int) -> int | None:
    """Rebuild one feed now (asked from the page); return its offers, None when it failed or is gone."""
    with session_scope() as session:
        return service.rebuild_by_id(session, feed_id)
