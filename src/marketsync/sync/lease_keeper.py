"""Keeping a run's lease alive while it waits on a remote: a rate limit may hold one request longer than the lease
lives (WB's statistics answer one request a minute per method), and a run must not lose its cabinet to a second
run while it waits. A thread renews the lease and the run's sign of life every third of the lease's life; it dies
with the process, so the lease of a killed run still lapses one TTL after its last renewal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import update
from sqlalchemy.engine import Engine

from marketsync.db import session_scope, utcnow
from marketsync.sync.models import SyncRun
from marketsync.sync.runs import renew_lock

log = logging.getLogger(__name__)


@contextmanager
def lease_kept(engine: Engine, *, run_id: int, pipeline: str, account_id: int, owner: str,
               ttl: int) -> Iterator[None]:
    """Renew the lease (and the run's heartbeat) from a thread for as long as the block runs."""
    stop = threading.Event()

    def keep() -> None:
        while not stop.wait(max(ttl / 3, 0.5)):
            try:
                if not renew_lock(engine, pipeline=pipeline, account_id=account_id, owner=owner, ttl=ttl):
                    log.warning("run %s lost its lease on %s of cabinet %s", run_id, pipeline, account_id)
                    return
                with session_scope(engine) as session:
                    session.execute(update(SyncRun).where(SyncRun.id == run_id).values(heartbeat_at=utcnow()))
            except Exception as exc:  # a busy database: the next beat tries again, well within the lease
                log.warning("run %s: its lease could not be renewed now: %s", run_id, exc)

    keeper = threading.Thread(target=keep, name=f"lease-{pipeline}-{account_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join(timeout=10)
