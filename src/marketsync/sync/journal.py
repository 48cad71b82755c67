"""The run's journal: one row per product of the source (the decision about its key's channel item, or why it sets
none: a copy of the key in another store, or outside the seller's selection), per album and per orphan item, with
the outcome and the plan's reason, so a seller can see what a run did to each product and why, and the counts add
up to the source's products. Rows are buffered and bulk-inserted (no ORM object per row, memory flat), at the
latest by the run's next commit point, so they ride on its own commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.sync.models import SyncRun, SyncRunItem
from marketsync.sync.plan import Op
from marketsync.sync.selection import COPY, UNSELECTED

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

OUTCOMES = ("created", "updated", "hidden", "skipped", "failed", "deleted", COPY, UNSELECTED)
OUTCOME_OF = {Op.CREATE: "created", Op.UPDATE: "updated", Op.HIDE: "hidden", Op.SKIP: "skipped",
              Op.DELETE: "deleted", Op.BIND: "skipped"}
# Row kinds: a product of the source, an album, or a channel item whose product left the source.
PRODUCT, ALBUM, ORPHAN = "item", "album", "orphan"
KEEP_RUNS = 20  # a cabinet keeps the journals of its latest runs
FLUSH_AT = 1000  # rows buffered before one bulk insert


@dataclass
class Journal:
    """A run's journal rows, buffered and bulk-inserted into the run's open transaction."""

    session: Session
    run: SyncRun
    rows: list[dict[str, Any]] = field(default_factory=list)

    def note(self, *, kind: str, internal_id: str, name: str, outcome: str, reason: str,
             external_id: str | None = None) -> None:
        """Record one decision of the run (written at the latest with the run's next commit)."""
        self.rows.append({"run_id": self.run.id, "account_id": self.run.account_id, "kind": kind,
                          "internal_id": internal_id[:128], "name": name[:500], "outcome": outcome,
                          "reason": reason[:2000], "external_id": external_id})
        if len(self.rows) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Insert the buffered rows in one statement (the caller's commit makes them last)."""
        if self.rows:
            self.session.execute(insert(SyncRunItem), self.rows)
            self.rows = []

    def discard(self) -> None:
        """Forget the buffered rows (their transaction was rolled back)."""
        self.rows = []


def prune(session: Session, account_id: int, keep: int = KEEP_RUNS) -> None:
    """Forget the journals of a cabinet's runs older than its latest `keep` runs."""
    newest = list(session.scalars(select(SyncRun.id).where(SyncRun.account_id == account_id)
                                  .order_by(SyncRun.id.desc()).limit(keep)))
    if len(newest) == keep:
        session.execute(delete(SyncRunItem).where(SyncRunItem.account_id == account_id,
                                                  SyncRunItem.run_id < min(newest)))


def outcome_counts(session: Session, run: SyncRun, *, kind: str | None = None) -> dict[str, int]:
    """Return how many journal rows a run has per outcome (of one kind of row, or of all)."""
    query = select(SyncRunItem.outcome, func.count()).where(SyncRunItem.run_id == run.id,
                                                            SyncRunItem.account_id == run.account_id)
    if kind is not None:
        query = query.where(SyncRunItem.kind == kind)
    return {outcome: count for outcome, count in session.execute(query.group_by(SyncRunItem.outcome))}


JOURNAL_SORTS = ("order", "article", "name")  # "order": as the run decided, the default


def _items(session: Session, run: SyncRun, table: TableQuery) -> AnySelect:
    query = select(SyncRunItem).where(SyncRunItem.run_id == run.id, SyncRunItem.account_id == run.account_id)
    if table.filter("outcome") in OUTCOMES:
        query = query.where(SyncRunItem.outcome == table.filter("outcome"))
    if table.q:
        query = query.where(listing.contains(session, [SyncRunItem.name, SyncRunItem.internal_id], table.q))
    return query


def _ordered(query: AnySelect, table: TableQuery) -> AnySelect:
    # "As the run decided": failures first, then writes and skips, the products that set no item after them.
    rank = case({"failed": 0, COPY: 2, UNSELECTED: 3}, value=SyncRunItem.outcome, else_=1)
    sorts = {"order": rank, "article": SyncRunItem.internal_id, "name": SyncRunItem.name}
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
