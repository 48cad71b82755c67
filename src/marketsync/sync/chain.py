"""Run the catalog flow's steps with the seller-facing error rules: a failure is recorded on the run,
the failing connection is marked broken when its credentials were refused, and the lease is released."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from marketsync.connections.service import mark_broken
from marketsync.connectors.errors import ConfigError, ConnectorError
from marketsync.db import is_transient_db_error, session_factory
from marketsync.notices import Notice, notice, of_error
from marketsync.sync import journal, runs
from marketsync.sync.exporter import ReconcileLimitError
from marketsync.sync.models import SyncRun
from marketsync.sync.pipelines.catalog import (
    PIPELINE,
    CatalogRun,
    mirror_catalog,
    open_run,
    refresh_catalog,
    refresh_channel,
)
from marketsync.sync.runs import SyncError

log = logging.getLogger(__name__)
STEPS: dict[str, Callable[[CatalogRun], object]] = {
    "refresh_catalog": refresh_catalog,
    "refresh_channel": refresh_channel,
    "mirror_catalog": mirror_catalog,
}
SOURCE_STEPS = {"refresh_catalog"}
REFRESH_LABEL = "catalog_refresh"


class StepFailedError(RuntimeError):
    """A step failed and its run was closed; the chain must stop."""


def run_steps(engine: Engine, *, account_id: int, steps: list[str], run_id: int | None = None,
              dry_run: bool = False, last: bool = True, on_progress: Callable[[SyncRun], None] | None = None,
              plan_lines: list[str] | None = None, label: str = PIPELINE) -> SyncRun:
    """Run some steps of one account's catalog run; close the run after the last step or on failure."""
    session = session_factory(engine)()
    ctx: CatalogRun | None = None
    try:
        try:
            ctx = open_run(session, engine, account_id=account_id, dry_run=dry_run, run_id=run_id, label=label,
                           need_channel=steps != ["refresh_catalog"])
        except SyncError as exc:
            if exc.run is None:
                raise StepFailedError(str(exc)) from exc
            log_end(exc.run)
            return exc.run
        if run_id is None:
            log.info("sync run %s started: account %s, pipeline %s%s", ctx.run.id, account_id, label,
                     " (dry run)" if dry_run else "")
        ctx.checkpoint.on_progress, ctx.plan_lines = on_progress, plan_lines
        step = steps[0]
        try:
            for step in steps:
                _run_step(ctx, step, dry_run)
        except ConfigError as exc:
            _roll_back(ctx)
            conn = ctx.source_conn if step in SOURCE_STEPS else ctx.channel_conn
            if conn is not None:
                mark_broken(conn, of_error(exc))
            return _close_failed(session, engine, account_id, ctx, of_error(exc))
        except (ConnectorError, SyncError, ReconcileLimitError) as exc:
            _roll_back(ctx)
            return _close_failed(session, engine, account_id, ctx, of_error(exc))
        except Exception as exc:
            log.exception("catalog step %s failed for account %s", step, account_id)
            _roll_back(ctx)
            return _close_failed(session, engine, account_id, ctx, notice("internal_error", detail=str(exc)))
        ctx.checkpoint.journal.flush()
        if last:
            runs.finish_run(ctx.run)
            journal.prune(session, account_id)
            session.commit()
            runs.release_lock(engine, pipeline=PIPELINE, account_id=account_id, owner=ctx.checkpoint.owner)
            log_end(ctx.run)
        else:
            session.commit()
        return ctx.run
    finally:
        if ctx is not None:
            ctx.close()
        session.close()


def _run_step(ctx: CatalogRun, step: str, dry_run: bool) -> None:
    """Run one step; a deadlock between tenants rolls back and runs the (idempotent) step again."""
    retrying = Retrying(stop=stop_after_attempt(4), wait=wait_random_exponential(multiplier=0.2, max=3),
                        retry=retry_if_exception(is_transient_db_error), reraise=True,
                        before_sleep=lambda _state: _roll_back(ctx))
    for attempt in retrying:
        with attempt:
            if step == "mirror_catalog":
                mirror_catalog(ctx, dry_run=dry_run)
            else:
                STEPS[step](ctx)


def _roll_back(ctx: CatalogRun) -> None:
    ctx.session.rollback()
    ctx.checkpoint.journal.discard()


def _close_failed(session: Session, engine: Engine, account_id: int, ctx: CatalogRun, error: Notice) -> SyncRun:
    run = session.merge(ctx.run)
    runs.finish_run(run, error=error)
    session.commit()
    runs.release_lock(engine, pipeline=PIPELINE, account_id=account_id, owner=ctx.checkpoint.owner)
    log_end(run)
    return run


def log_end(run: SyncRun) -> None:
    """Log the one line that ends a run: its counts, or why it failed or was skipped."""
    counts = (f"created {run.created}, updated {run.updated}, hidden {run.hidden}, skipped {run.skipped}, "
              f"failed {run.failed}")
    read = (run.details or {}).get("source", {}).get("products")
    if read is not None:
        counts = f"read {read} products, {counts}"
    if run.status == "succeeded":
        log.info("sync run %s finished: %s", run.id, counts)
    elif run.error:
        log.warning("sync run %s %s: %s (%s)", run.id, run.status, run.error, counts)
    else:  # closed without an error of its own: some items failed
        log.warning("sync run %s finished with failures: %s", run.id, counts)


def refresh_source(engine: Engine, *, account_id: int) -> SyncRun:
    """Read the Evotor catalog only (after connecting, so the seller can choose stores and groups)."""
    return run_steps(engine, account_id=account_id, steps=["refresh_catalog"], label=REFRESH_LABEL)


def sync_catalog(engine: Engine, *, account_id: int, dry_run: bool = False,
                 on_progress: Callable[[SyncRun], None] | None = None,
                 plan_lines: list[str] | None = None) -> SyncRun:
    """Run the whole flow in this process (the CLI's `sync catalog`)."""
    return run_steps(engine, account_id=account_id, steps=list(STEPS), dry_run=dry_run,
                     on_progress=on_progress, plan_lines=plan_lines)
