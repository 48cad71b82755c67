"""The emulated Ozon's product imports of one seller, as plain data: the import tasks (each item waits
`pending` until the task's processing time has passed on the emulator's clock), the last item imported per
offer_id (what a "skipped" re-import is compared with), and when each product's price last changed (at most
10 changes an hour). The methods are operations_cards.py; the checks of an item card_checks.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FIRST_TASK_ID = 172_549_793  # the spec's own example task id; ours count on from it
PROCESSING_SECONDS = 3.0  # how long an import stays `pending` on the emulator's clock (real Ozon: seconds to minutes)


@dataclass
class ImportTask:
    """One `/v3/product/import` request: its items as sent, and, once processed, one result per item."""

    task_id: int
    created: float  # the emulator's monotonic clock (OzonState.now) when the import arrived
    items: list[dict[str, Any]]
    results: list[dict[str, Any]] | None = None  # {offer_id, product_id, status, errors} per item


@dataclass
class SellerCards:
    """A seller's import tasks by id, the last item imported per offer_id, and its products' price changes."""

    tasks: dict[int, ImportTask] = field(default_factory=dict)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    price_changes: dict[int, list[float]] = field(default_factory=dict)  # product_id → times of changes
    next_task_id: int = FIRST_TASK_ID

    def new_task(self, created: float, items: list[dict[str, Any]]) -> ImportTask:
        """Register an import and return its task."""
        task = ImportTask(self.next_task_id, created, items)
        self.tasks[task.task_id] = task
        self.next_task_id += 1
        return task

    def due(self, now: float, processing_s: float) -> list[ImportTask]:
        """Return the unprocessed tasks whose processing time has passed, oldest first."""
        return [task for task in sorted(self.tasks.values(), key=lambda t: t.task_id)
                if task.results is None and now - task.created >= processing_s]
