"""Thin Celery wrappers with stable (EvoSync) names around the catalog flow's steps.

run_sync_pipeline (beat) → for each account: refresh_catalog → refresh_vk_catalog → mirror_to_vk, each
step starting only after the previous one completed; a step that fails closes its run and passes None on,
so the rest of that account's chain does nothing, and other accounts' chains are not affected.
"""

from __future__ import annotations

import logging

from marketsync.db import get_engine, session_scope
from marketsync.sync import service
from marketsync.sync.chain import StepFailedError, refresh_source, run_steps
from marketsync.worker import celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="marketsync.sync.refresh_source_catalog")
def refresh_source_catalog(account_id: int) -> int | None:
    """Evotor → catalog only, so a newly connected seller sees stores and groups to choose from."""
    try:
        return refresh_source(get_engine(), account_id=account_id).id
    except StepFailedError as exc:
        log.warning("account %s: %s", account_id, exc)
        return None


@celery_app.task(name="marketsync.sync.run_sync_pipeline")
def run_sync_pipeline() -> int:
    """Beat entry: dispatch one chain per syncable account; return how many."""
    with session_scope() as session:
        accounts = service.accounts_due(session)
    for account_id in accounts:
        service.enqueue_catalog_sync(account_id)
    return len(accounts)


def _step(account_id: int, steps: list[str], run_id: int | None, last: bool) -> int | None:
    try:
        run = run_steps(get_engine(), account_id=account_id, steps=steps, run_id=run_id, last=last)
    except StepFailedError as exc:
        log.warning("account %s: %s", account_id, exc)
        return None
    return run.id if run.status == "running" or (last and run.status == "succeeded") else None


@celery_app.task(name="marketsync.sync.refresh_catalog")
def refresh_catalog(account_id: int, run_id: int | None = None) -> int | None:
    """Step 1: Evotor → catalog; opens the run (or starts the queued one) and takes the account's lease."""
    return _step(account_id, ["refresh_catalog"], run_id, last=False)


@celery_app.task(name="marketsync.sync.refresh_vk_catalog")
def refresh_vk_catalog(run_id: int | None, account_id: int) -> int | None:
    """Step 2: VK market → channel cache."""
    return None if run_id is None else _step(account_id, ["refresh_channel"], run_id, last=False)


@celery_app.task(name="marketsync.sync.mirror_to_vk")
def mirror_to_vk(run_id: int | None, account_id: int) -> int | None:
    """Step 3: catalog → VK market; closes the run and releases the lease."""
    return None if run_id is None else _step(account_id, ["mirror_catalog"], run_id, last=True)
