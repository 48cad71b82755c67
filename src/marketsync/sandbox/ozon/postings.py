"""What buyers did on the emulated Ozon, as plain data: postings (FBS from a seller warehouse, FBO from Ozon's),
returns and reviews. The generator is events.py; how the API renders them is wire_events.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

FBS, FBO = "fbs", "fbo"
# Statuses of a posting as the lists report them (swagger `status`): new, cancelled, on its way, delivered.
AWAITING_PACKAGING, CANCELLED, DELIVERING, DELIVERED = "awaiting_packaging", "cancelled", "delivering", "delivered"


@dataclass
class PostingLine:
    """One product line of a posting: the SKU, the seller's article and the unit price (a decimal string)."""

    sku: int
    offer_id: str
    name: str
    price: Decimal
    quantity: int = 1


@dataclass
class OzonPosting:
    """A posting (отправление): part of a buyer's order shipped from one warehouse under one scheme."""

    posting_number: str
    order_id: int
    order_number: str
    scheme: str  # FBS | FBO
    status: str
    in_process_at: datetime
    status_changed_at: datetime  # what filter.last_changed_status_date compares (FBS)
    lines: list[PostingLine]
    warehouse_id: int
    warehouse_name: str
    city: str = ""
    region: str = ""
    cluster_to: str = ""
    cancel_reason_id: int = 0
    cancel_reason: str = ""
    cancellation_initiator: str = ""
    delivering_date: datetime | None = None
    delivered_at: datetime | None = None


@dataclass
class OzonReturn:
    """A return of one product line of a posting (`/v1/returns/list` item)."""

    id: int
    posting_number: str
    order_id: int
    order_number: str
    schema: str  # "FBS" | "FBO"
    type: str  # Cancellation | FullReturn | PartialReturn | ClientReturn | Unknown
    sku: int
    offer_id: str
    name: str
    price: Decimal
    quantity: int
    reason: str
    return_date: datetime
    status: str  # visual.status.sys_name
    status_name: str
    change_moment: datetime
    place_id: int = 0
    place_name: str = ""


@dataclass
class OzonReview:
    """A buyer's review of a SKU (`/v1/review/list` item); the id is a UUID string."""

    id: str
    sku: int
    rating: int
    text: str
    published_at: datetime
    status: str = "UNPROCESSED"
    order_status: str = "DELIVERED"
    photos: int = 0


@dataclass
class SellerEvents:
    """A seller's postings by number, returns in id order, reviews in publication order."""

    postings: dict[str, OzonPosting] = field(default_factory=dict)
    returns: list[OzonReturn] = field(default_factory=list)
    reviews: list[OzonReview] = field(default_factory=list)
    # Reviews are a Premium Plus method on the real Ozon: without it /v1/review/list answers 403.
    premium_plus: bool = True
