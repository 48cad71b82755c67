"""Thin Celery wrappers of the suppliers' scheduled fetch: beat's tick (every minute) enqueues one task per due
supplier, so one supplier's slow or failing host never holds up another's."""

from __future__ import annotations

from marketsync.db import session_scope
from marketsync.hub import schedule_service as service
from marketsync.worker import celery_app


@celery_app.task(name="marketsync.hub.fetch_due")
def fetch_due() -> int:
    """Beat entry: enqueue a fetch for every supplier whose feed is due; return how many."""
    with session_scope() as session:
        due = service.due_supplier_ids(session)
    for supplier_id in due:
        fetch_supplier.delay(supplier_id)
    return len(due)


@celery_app.task(name="marketsync.hub.fetch_supplier")
def fetch_supplier(supplier_id: int, force: bool = False) -> str:
    """Fetch and import one supplier's feed (skipped when another worker is at it or it is no longer due);
    return the report's status, or "skipped"."""
    outcome = service.fetch_supplier(supplier_id, force=force)
    return "skipped" if outcome.skipped else outcome.status
