"""The run's journal: one row per decision (product key, album or orphan) with its outcome and the plan's
reason, so a seller can see what a run did to each product and why. Rows ride on the run's own commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.sync.models import SyncRun, SyncRunItem
from marketsync.sync.plan import Op

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

OUTCOMES = ("created", "updated", "hidden", "skipped", "failed", "deleted")
OUTCOME_OF = {Op.CREATE: "created", Op.UPDATE: "updated", Op.HIDE: "hidden", Op.SKIP: "skipped",
              Op.DELETE: "deleted", Op.BIND: "skipped"}
KEEP_RUNS = 20  # a cabinet keeps the journals of its latest runs


def note(session: Session, run: SyncRun, *, kind: str, internal_id: str, name: str, outcome: str, reason: str,
         external_id: str | None = None) -> None:
    """Record one decision of a run (written with the run's next commit)."""
    session.add(SyncRunItem(run_id=run.id, account_id=run.account_id, kind=kind, internal_id=internal_id[:128],
                            name=name[:500], outcome=outcome, reason=reason[:2000], external_id=external_id))


def prune(session: Session, account_id: int, keep: int = KEEP_RUNS) -> None:
    """Forget the journals of a cabinet's runs older than its latest `keep` runs."""
    newest = list(session.scalars(select(SyncRun.id).where(SyncRun.account_id == account_id)
                                  .order_by(SyncRun.id.desc()).limit(keep)))
    if len(newest) == keep:
        session.execute(delete(SyncRunItem).where(SyncRunItem.account_id == account_id,
                                                  SyncRunItem.run_id < min(newest)))


def outcome_counts(session: Session, run: SyncRun) -> dict[str, int]:
    """Return how many journal rows a run has per outcome."""
    rows = session.execute(select(SyncRunItem.outcome, func.count()).where(
        SyncRunItem.run_id == run.id, SyncRunItem.account_id == run.account_id).group_by(SyncRunItem.outcome))
    return {outcome: count for outcome, count in rows}


JOURNAL_SORTS = ("order", "article", "name")  # "order": as the run decided, the default


def _items(session: Session, run: SyncRun, table: TableQuery) -> AnySelect:
    query = select(SyncRunItem).where(SyncRunItem.run_id == run.id, SyncRunItem.account_id == run.account_id)
    if table.filter("outcome") in OUTCOMES:
        query = query.where(SyncRunItem.outcome == table.filter("outcome"))
    if table.q:
        query = query.where(listing.contains(session, [SyncRunItem.name, SyncRunItem.internal_id], table.q))
    return query


def _ordered(query: AnySelect, table: TableQuery) -> AnySelect:
    sorts = {"order": SyncRunItem.id, "article": SyncRunItem.internal_id, "name": SyncRunItem.name}
    return listing.ordered(query, table, sorts, "order", SyncRunItem.id, never_empty=JOURNAL_SORTS)


def items_page(session: Session, run: SyncRun, table: TableQuery) -> tuple[list[SyncRunItem], listing.Page]:
    """Return one page of a run's journal as the table asks (an outcome, a name or article searched, a sort)."""
    query = _items(session, run, table)
    page = listing.page_of(session, _ordered(query, table), table, count_query=query)
    return [row[0] for row in page.rows], page


def iter_items(session: Session, run: SyncRun, table: TableQuery) -> Iterator[SyncRunItem]:
    """Yield a run's whole (filtered) journal in the table's order, a chunk at a time (memory stays flat)."""
    for row in listing.every_row(session, _ordered(_items(session, run, table), table)):
        yield row[0]
