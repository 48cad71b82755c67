"""A cabinet's run history as a data table (the sync page): its runs searched by their error, filtered by status
and pipeline, sorted, paged and exported, always of that cabinet only; and the one run still under way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.sync import runs
from marketsync.sync.models import SyncRun

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

RUN_STATUSES = ("queued", "running", "succeeded", "failed", "skipped")
PIPELINES = ("catalog", "catalog_refresh")
RUN_SORTS = ("started", "finished", "created", "updated", "hidden", "skipped", "failed")


def _runs_query(session: Session, account_id: int, table: TableQuery) -> AnySelect:
    query = select(SyncRun).where(SyncRun.account_id == account_id)
    if table.q:
        # The run's own error only: its item errors sit in a JSON document whose keys ("stores", "errors") would
        # match too, and whose text escapes Cyrillic as \uXXXX, so a search there would mislead.
        query = query.where(listing.contains(session, [SyncRun.error], table.q))
    if table.filter("status") in RUN_STATUSES:
        query = query.where(SyncRun.status == table.filter("status"))
    if table.filter("pipeline") in PIPELINES:
        query = query.where(SyncRun.pipeline == table.filter("pipeline"))
    return query


def _ordered(query: AnySelect, table: TableQuery) -> AnySelect:
    sorts = {"started": SyncRun.started_at, "finished": SyncRun.finished_at, "created": SyncRun.created,
             "updated": SyncRun.updated, "hidden": SyncRun.hidden, "skipped": SyncRun.skipped,
             "failed": SyncRun.failed}
    return listing.ordered(query, table, sorts, "started", SyncRun.id,
                           never_empty=[name for name in RUN_SORTS if name != "finished"])


def runs_page(session: Session, account_id: int, table: TableQuery) -> tuple[list[SyncRun], listing.Page]:
    """Return one page of the cabinet's runs as the table asks, after closing runs whose worker died."""
    runs.fail_dead_runs(session, account_id=account_id)  # a dead run must not look alive forever
    query = _runs_query(session, account_id, table)
    page = listing.page_of(session, _ordered(query, table), table, count_query=query)
    return [row[0] for row in page.rows], page


def export_runs(session: Session, account_id: int, table: TableQuery) -> Iterator[SyncRun]:
    """Yield every run of the cabinet the table's search and filters match (all pages), in its order."""
    for row in listing.every_row(session, _ordered(_runs_query(session, account_id, table), table)):
        yield row[0]


def live_run(session: Session, account_id: int) -> SyncRun | None:
    """Return the cabinet's newest run that is queued or running (whatever page the history shows), if any."""
    return session.scalar(select(SyncRun).where(SyncRun.account_id == account_id, SyncRun.status.in_(runs.LIVE))
                          .order_by(SyncRun.id.desc()).limit(1))
