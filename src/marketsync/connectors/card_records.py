"""Records crossing the connector boundary when the catalog hub publishes cards and prices to a marketplace.

A card is keyed by the seller's article (`sku`: Ozon offer_id, WB vendorCode, YM offerId); `remote_id` is the
marketplace's own id of it once known (Ozon product_id, WB nmID, YM offerId again, or its marketSku when mapped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class CardValue:
    """One value of an attribute: its text, and its dictionary id where the attribute has a dictionary."""

    text: str
    dictionary_id: str | None = None


@dataclass(frozen=True, slots=True)
class CardAttribute:
    """An attribute of the marketplace's category with the values we send (dictionaries.service.resolve_attributes)."""

    attribute_id: str
    name: str
    values: tuple[CardValue, ...]


@dataclass(frozen=True, slots=True)
class CardDraft:
    """The whole card we want the marketplace to hold (an update sends it whole, as Ozon and WB require).

    `category` is the mapped target: Ozon "DESCRIPTION_CATEGORY_ID:TYPE_ID", WB subject id, YM market category id.
    `brand` is the supplier's vendor, put in each marketplace's brand attribute or field by the connector.
    Dimensions are in centimetres, weight in kilograms, as YML has them; each connector converts.
    """

    sku: str
    name: str
    category: str
    price: Decimal
    description: str | None = None
    brand: str | None = None
    vendor_code: str | None = None
    barcodes: tuple[str, ...] = ()
    pictures: tuple[str, ...] = ()
    attributes: tuple[CardAttribute, ...] = ()
    weight_kg: Decimal | None = None
    length_cm: Decimal | None = None
    width_cm: Decimal | None = None
    height_cm: Decimal | None = None
    remote_id: str | None = None  # the card's id when it exists (WB's update needs the nmID)
    pictures_held: bool = False  # the marketplace took exactly these pictures from us with the card before


@dataclass(frozen=True, slots=True)
class CardOutcome:
    """What the marketplace says of one card: `pending` (still processing), `accepted` (created or updated, with
    its remote id when known) or `refused` (with the marketplace's own messages)."""

    sku: str
    status: str  # pending | accepted | refused
    remote_id: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CardSubmission:
    """The answer to sending one batch: a task to poll (Ozon's task_id), and whatever the answer already settled
    (YM answers at once; a card refused inside a request that was otherwise accepted)."""

    task_id: str | None = None
    outcomes: tuple[CardOutcome, ...] = ()
    sent_skus: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PriceUpdate:
    """A card's selling price on one marketplace (after the channel's markup), in roubles."""

    sku: str
    price: Decimal
    remote_id: str | None = None  # WB prices go by nmID


@dataclass(frozen=True, slots=True)
class PriceOutcome:
    """What the marketplace did with one price: `accepted`, `refused` (with its message), or `quarantined` (WB
    kept the old price: a drop of three times or more; shown to the seller, never retried blindly)."""

    sku: str
    status: str  # accepted | refused | quarantined
    error: str | None = None
