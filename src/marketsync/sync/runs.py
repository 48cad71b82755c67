"""SyncRun bookkeeping and the per-(pipeline, account) lease that keeps two runs from overlapping.

The lease lives in the database (so it works across the web, workers and the CLI on every dialect) and
expires: a run renews it at every commit point, and a run whose process died stops blocking the next one
once its lease lapses; that run itself is then marked failed. Lease calls use their own short
transactions, so callers invoke them only at commit points (SQLite has a single writer).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketsync import metrics
from marketsync.billing import service as billing
from marketsync.db import session_scope, utcnow
from marketsync.logs import bind_context
from marketsync.notices import Notice, notice
from marketsync.settings import get_settings
from marketsync.sync.journal import Journal
from marketsync.sync.models import SyncLock, SyncRun

MAX_ERRORS_KEPT = 50


class SyncError(RuntimeError):
    """A run cannot go on; the notice is shown to the seller (and recorded on `run` when there is one)."""

    def __init__(self, reason: Notice, run: SyncRun | None = None) -> None:
        super().__init__(reason.english)
        self.notice = reason
        self.run = run


class Flushable(Protocol):
    """A buffer written out at commit points (the api_calls recorder)."""

    def flush(self) -> None:
        """Write what is buffered."""


@dataclass
class Checkpoint:
    """A run's commit point: write the journal's buffered rows, persist, write the call log, renew the lease,
    report progress.

    The exporter commits through it after every batch (crash safety: a bound id must survive a crash), so
    it is the one place where a service commits.
    """

    session: Session
    engine: Engine
    run: SyncRun
    pipeline: str
    owner: str
    buffers: list[Flushable] = field(default_factory=list)
    on_progress: Callable[[SyncRun], None] | None = None
    ttl: int | None = None  # the lease's time to live (None: SYNC_LOCK_TTL_SECONDS)
    journal: Journal = field(init=False)

    def __post_init__(self) -> None:
        self.journal = Journal(self.session, self.run)

    def commit(self) -> None:
        """Commit, then renew the lease; raise SyncError when another run took the account over."""
        heartbeat(self.run)
        self.journal.flush()
        self.session.commit()
        self.flush()
        if not renew_lock(self.engine, pipeline=self.pipeline, account_id=self.run.account_id, owner=self.owner,
                          ttl=self.ttl):
            raise SyncError(notice("lock_taken"))
        if self.on_progress:
            self.on_progress(self.run)

    def flush(self) -> None:
        """Write the buffered call log."""
        for buffer in self.buffers:
            buffer.flush()
LIVE = ("queued", "running")  # a run asked for, or under way


def new_owner() -> str:
    """Return a unique lease-owner id."""
    return uuid.uuid4().hex


def acquire_lock(engine: Engine, *, pipeline: str, account_id: int, owner: str, ttl: int | None = None) -> bool:
    """Take the lease if it is free, expired or already ours; return whether we hold it."""
    ttl = ttl or get_settings().SYNC_LOCK_TTL_SECONDS
    expires = utcnow() + timedelta(seconds=ttl)
    try:
        with session_scope(engine) as session:
            session.add(SyncLock(pipeline=pipeline, account_id=account_id, owner=owner, expires_at=expires))
        return True
    except IntegrityError:
        pass
    with session_scope(engine) as session:
        result = session.execute(
            update(SyncLock)
            .where(SyncLock.pipeline == pipeline, SyncLock.account_id == account_id,
                   (SyncLock.expires_at < utcnow()) | (SyncLock.owner == owner))
            .values(owner=owner, expires_at=expires)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def lease_or_skip(session: Session, engine: Engine, run: SyncRun, *, lease: str, owner: str, busy: str,
                  ttl: int | None = None) -> None:
    """Take the run's lease, or close the run as skipped and raise SyncError: with the notice `busy` when another
    run holds it, or "balance_spent" when the cabinet's balance is spent under the tariff.

    Every pipeline (catalog, stock push and pull, events) starts here, so this is the one place that pauses
    them: a paid cabinet whose balance ran out does nothing until it is topped up, and then resumes by itself."""
    if billing.is_paused(session, run.account_id):
        reason = notice("balance_spent")
    elif acquire_lock(engine, pipeline=lease, account_id=run.account_id, owner=owner, ttl=ttl):
        return
    else:
        reason = notice(busy)
    finish_run(run, error=reason)
    run.status = "skipped"
    session.commit()
    raise SyncError(reason, run)


def renew_lock(engine: Engine, *, pipeline: str, account_id: int, owner: str, ttl: int | None = None) -> bool:
    """Extend our lease; False means another run took it over after ours lapsed."""
    return acquire_lock(engine, pipeline=pipeline, account_id=account_id, owner=owner, ttl=ttl)


def release_lock(engine: Engine, *, pipeline: str, account_id: int, owner: str) -> None:
    """Give the lease back (only if it is still ours)."""
    with session_scope(engine) as session:
        session.execute(update(SyncLock)
                        .where(SyncLock.pipeline == pipeline, SyncLock.account_id == account_id,
                               SyncLock.owner == owner)
                        .values(expires_at=utcnow() - timedelta(seconds=1)))


def fail_dead_runs(session: Session, *, account_id: int | None = None, ttl: int | None = None) -> int:
    """Mark failed every run that shows no sign of life for longer than the lease; return how many."""
    ttl = ttl or get_settings().SYNC_LOCK_TTL_SECONDS
    cutoff = utcnow() - timedelta(seconds=ttl)
    # A queued run whose task never reached a worker is as dead as a running one that went silent.
    query = select(SyncRun).where(SyncRun.status.in_(LIVE), SyncRun.heartbeat_at < cutoff)
    if account_id is not None:
        query = query.where(SyncRun.account_id == account_id)
    runs = list(session.scalars(query))
    for run in runs:
        run.status = "failed"
        set_error(run, notice("worker_stopped"))
        run.finished_at = utcnow()
    session.flush()
    return len(runs)


def start_run(session: Session, *, account_id: int, pipeline: str, dry_run: bool = False,
              status: str = "running", source: str | None = None) -> SyncRun:
    """Create a SyncRun, running (or queued: asked for, its task not yet on a worker)."""
    run = SyncRun(account_id=account_id, pipeline=pipeline, status=status, dry_run=dry_run, source=source,
                  started_at=utcnow(), heartbeat_at=utcnow(), details={})
    session.add(run)
    session.flush()
    bind_context(run_id=run.id)  # every later line of this task or command names the run (LOG_FORMAT=json)
    return run


def finish_run(run: SyncRun, *, error: Notice | None = None) -> None:
    """Close a run: failed with an error, else succeeded (or failed when items failed)."""
    run.finished_at = utcnow()
    run.heartbeat_at = run.finished_at
    run.stage = None
    if error:
        run.status = "failed"
        set_error(run, error)
    else:
        run.status = "failed" if run.failed else "succeeded"
    metrics.count_sync_run(run.pipeline, run.status)


def set_error(run: SyncRun, error: Notice) -> None:
    """Record why a run stopped: in English for logs and the CLI, and as a notice for the seller's pages."""
    run.error, run.error_notice = error.english[:4000], error.dump()


def heartbeat(run: SyncRun, *, stage: str | None = None, done: int | None = None,
              total: int | None = None) -> None:
    """Record progress and a sign of life on a run."""
    run.heartbeat_at = utcnow()
    if stage is not None:
        run.stage = stage
    if done is not None:
        run.progress_done = done
    if total is not None:
        run.progress_total = total


def note_error(run: SyncRun, error: Notice) -> None:
    """Keep one item-level error on the run (the first few dozen, as notices), for the seller's run history."""
    errors = list(run.details.get("errors", []))
    if len(errors) < MAX_ERRORS_KEPT:
        run.details = {**run.details, "errors": [*errors, error.dump()]}


def recent_runs(session: Session, account_id: int, limit: int = 20) -> list[SyncRun]:
    """Return an account's latest runs, newest first."""
    return list(session.scalars(select(SyncRun).where(SyncRun.account_id == account_id)
                                .order_by(SyncRun.id.desc()).limit(limit)))
