"""What the emulated WB keeps of a seller's card and price work: card requests waiting in the queue, the error
list's batches, price uploads with each good's outcome, and the price quarantine (data only; the rules are in
publishing.py and prices.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class QueuedRequest:
    """One accepted upload or update, processed when the emulator's clock reaches `ready_at`.

    `groups`: for an upload, one (subjectID, variants) per array element (each its own merged card and its own
    error batch); for an update, a single group of every card of the request (one batch)."""

    kind: str  # upload | update
    ready_at: datetime
    groups: list[tuple[int | None, list[dict[str, Any]]]]


@dataclass
class ErrorBatch:
    """One batch of the error list: the vendor codes of one merged card (upload) or one request (update)."""

    uuid: str
    updated_at: datetime
    subjects: dict[str, dict[str, Any]] = field(default_factory=dict)  # vendorCode → {id, name}
    errors: dict[str, list[str]] = field(default_factory=dict)  # vendorCode → texts


@dataclass
class CardJobs:
    """A seller's waiting card requests and error list."""

    queue: list[QueuedRequest] = field(default_factory=list)
    batches: list[ErrorBatch] = field(default_factory=list)


@dataclass
class PricedGood:
    """One good of a price upload: what was asked and what became of it (status 2 done, 3 error)."""

    nm_id: int
    vendor_code: str
    price: int
    discount: int
    status: int = 1
    error_text: str = ""


@dataclass
class PriceTask:
    """One price upload; its status is 1 (processing) until the clock reaches `ready_at`, then 3, 5 or 6."""

    id: int
    uploaded_at: datetime
    ready_at: datetime
    body: str  # the request body, canonical: the same upload again is answered 208
    goods: list[PricedGood]
    status: int = 1


@dataclass
class Quarantined:
    """A good whose new price was held back: the price asked and the price kept."""

    nm_id: int
    new_price: int
    old_price: int
    new_discount: int
    old_discount: int


@dataclass
class PriceBook:
    """A seller's price uploads and quarantine."""

    tasks: dict[int, PriceTask] = field(default_factory=dict)
    quarantine: dict[int, Quarantined] = field(default_factory=dict)
