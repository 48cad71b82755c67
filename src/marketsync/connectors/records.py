"""Frozen dataclasses that cross the connector boundary; no wire field names, no database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceStore:
    """A point of sale of a catalog source."""

    external_id: str
    name: str
    address: str | None = None


@dataclass(frozen=True, slots=True)
class SourceGroup:
    """A product group of a store."""

    external_id: str
    store_external_id: str
    name: str
    parent_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class SourceProduct:
    """A product as a catalog source describes it."""

    external_id: str
    store_external_id: str
    name: str
    price: Decimal
    allow_to_sell: bool
    group_external_id: str | None = None
    code: str | None = None
    description: str | None = None
    measure: str | None = None
    quantity: Decimal | None = None  # the stock at this store; may be negative (sold before it was received)
    barcodes: tuple[str, ...] = ()
    article_number: str | None = None  # the seller's article: a marketplace offer id matches it first


@dataclass(frozen=True, slots=True)
class RemoteAlbum:
    """An album (collection) as a channel holds it."""

    external_id: str
    title: str
    item_count: int = 0


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """A product as a channel holds it."""

    external_id: str
    name: str
    description: str
    price: Decimal
    sku: str | None
    stock_amount: int | None
    hidden: bool
    album_ids: tuple[str, ...] = ()
    photo_url: str | None = None


@dataclass(frozen=True, slots=True)
class ItemPayload:
    """What we want a channel item to be: the exact outbound fields, hashed for change detection."""

    name: str
    description: str
    price: Decimal
    sku: str
    stock_amount: int
    category_id: int
    hidden: bool = False

    def fingerprint(self) -> str:
        """Return a stable sha256 of the payload, stored on the binding after a push."""
        import hashlib

        raw = "\x1f".join(
            [self.name, self.description, f"{self.price:.2f}", self.sku, str(self.stock_amount),
             str(self.category_id), "1" if self.hidden else "0"]
        )
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class UploadedPhoto:
    """A photo the channel stored for us: its id to reference from items, and a URL to show it."""

    external_id: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class WriteResult:
    """The outcome of one write inside a batch: the remote id on success, else the error."""

    ok: bool
    external_id: str | None = None
    error: str | None = None
    code: int | str | None = None


@dataclass(frozen=True, slots=True)
class MarketOffer:
    """One stock-keeping unit a seller offers on a marketplace, with every identifier matching may need.

    A Wildberries card with several sizes is one MarketOffer per size: `stock_key` is the size's chrtID and
    `barcodes` are that size's; Ozon and Yandex Market key stock by the offer id itself.
    """

    offer_id: str  # Ozon offer_id, WB vendorCode, YM offerId (shop SKU): what our product key matches
    stock_key: str  # what a stock update names: Ozon offer_id, WB chrtID, YM offerId
    barcodes: tuple[str, ...] = ()
    name: str = ""
    product_id: str | None = None  # Ozon product_id, WB nmID, YM marketSku
    sku: str | None = None  # Ozon SKU (FBO/FBS item id), WB techSize label, YM marketSku
    archived: bool = False


FBS, FBO = "fbs", "fbo"


@dataclass(frozen=True, slots=True)
class StockLevel:
    """A quantity a marketplace reports for one offer at one warehouse (FBS: the seller's, FBO: its own)."""

    stock_key: str
    warehouse_id: str
    quantity: int  # available to buyers, reserved units excluded
    reserved: int = 0
    fulfillment: str = FBS
    warehouse_name: str | None = None


@dataclass(frozen=True, slots=True)
class StockUpdate:
    """The FBS stock we want a marketplace to offer for one key at the connection's warehouse."""

    stock_key: str
    amount: int


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of a connection test: `message` in English (logs, the CLI); `key` and `params` say it to the
    seller in their language above the connectors (as ConnectorError's do; `params` may nest another key's)."""

    ok: bool
    message: str
    details: dict[str, str] = field(default_factory=dict)
    key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
