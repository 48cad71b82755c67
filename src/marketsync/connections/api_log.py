"""The recorder behind the admin log viewer: buffers redacted call records, writes them at commit points.

SQLite allows one writer at a time, and a sync holds its transaction open between commits, so the
recorder never writes from inside one: the pipeline calls `flush()` right after each commit.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from marketsync.connections.models import ApiCall
from marketsync.db import session_scope
from marketsync.http import CallRecord

log = logging.getLogger(__name__)


class ApiLogRecorder:
    """Collects CallRecords for one connection and persists them on flush()."""

    def __init__(self, *, account_id: int | None, connection_id: int | None, engine: Engine | None = None):
        self.account_id = account_id
        self.connection_id = connection_id
        self.engine = engine
        self.pending: list[CallRecord] = []
        self.count = 0

    def __call__(self, record: CallRecord) -> None:
        self.pending.append(record)
        self.count += 1

    def flush(self) -> None:
        """Write the buffered records in their own transaction; a failure is logged, never raised."""
        if not self.pending:
            return
        records, self.pending = self.pending, []
        try:
            with session_scope(self.engine) as session:
                session.add_all([
                    ApiCall(account_id=self.account_id, connection_id=self.connection_id, system=r.system,
                            method=r.method, url=r.url[:1000], request_body=r.request_body,
                            status_code=r.status_code, response_body=r.response_body, error=r.error,
                            duration_ms=r.duration_ms)
                    for r in records
                ])
        except Exception:
            log.exception("could not write %d api call records", len(records))
