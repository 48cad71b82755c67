"""The run's journal: one row per product of the source (the decision about its key's channel item, or why it sets
none: a copy of the key in another store, or outside the seller's selection), per album and per orphan item, with
the outcome and the plan's reason, so a seller can see what a run did to each product and why, and the counts add
up to the source's products. Rows are buffered and bulk-inserted (no ORM object per row, memory flat), at the
latest by the run's next commit point, so they ride on its own commits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from marketsync.listing import every_row
from marketsync.sync.models import SyncRun, SyncRunItem
from marketsync.sync.plan import Op
from marketsync.sync.selection import COPY, UNSELECTED

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


def _items(run: SyncRun, outcome: str | None, q: str):  # type: ignore[no-untyped-def]
    query = select(SyncRunItem).where(SyncRunItem.run_id == run.id, SyncRunItem.account_id == run.account_id)
    if outcome in OUTCOMES:
        query = query.where(SyncRunItem.outcome == outcome)
    if q:
        needle = f"%{q.lower()}%"
        query = query.where(or_(func.lower(SyncRunItem.name).like(needle),
                                func.lower(SyncRunItem.internal_id).like(needle)))
    return query


def items_page(session: Session, run: SyncRun, *, outcome: str | None, q: str, page: int,
               per_page: int) -> tuple[list[SyncRunItem], int]:
    """Return one page of a run's journal (optionally of one outcome, or matching a name or article)."""
    query = _items(run, outcome, q)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # What the run did first (failures, then writes, then skips), the products that set no item after them.
    rank = case({"failed": 0, COPY: 2, UNSELECTED: 3}, value=SyncRunItem.outcome, else_=1)
    rows = session.scalars(query.order_by(rank, SyncRunItem.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def iter_items(session: Session, run: SyncRun, *, outcome: str | None, q: str) -> Iterator[SyncRunItem]:
    """Yield a run's whole (filtered) journal, a chunk at a time, for an export that keeps memory flat."""
    for row in every_row(session, _items(run, outcome, q).order_by(SyncRunItem.id)):
        yield row[0]
