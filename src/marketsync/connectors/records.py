"""Frozen dataclasses that cross the connector boundary; no wire field names, no database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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


# Marketplace events (EventFeed): what buyers did. Times are aware UTC; a connector converts the wire's zone
# (Wildberries: Moscow time without an offset) before a record leaves it.
BUYOUT, RETURN = "buyout", "return"


@dataclass(frozen=True, slots=True)
class MarketOrder:
    """One ordered unit (WB: a row of /api/v1/supplier/orders, keyed by srid; Ozon: a posting line)."""

    order_id: str  # WB srid, Ozon posting number + sku
    ordered_at: datetime
    changed_at: datetime  # WB lastChangeDate: the cursor the next read starts from
    article: str  # WB supplierArticle, Ozon offer_id
    product_id: str | None = None  # WB nmId, Ozon sku
    barcode: str | None = None
    size: str | None = None  # WB techSize
    price: Decimal = Decimal(0)  # what the buyer pays for the unit (WB priceWithDisc)
    warehouse: str | None = None
    region: str | None = None
    cancelled: bool = False
    cancelled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MarketSale:
    """A buyout or a return of one unit (WB: a row of /api/v1/supplier/sales, saleID S… or R…)."""

    sale_id: str
    kind: str  # BUYOUT | RETURN
    sold_at: datetime
    changed_at: datetime
    article: str
    order_id: str | None = None  # WB srid of the order it belongs to
    product_id: str | None = None
    barcode: str | None = None
    size: str | None = None
    price: Decimal = Decimal(0)  # WB priceWithDisc; forPay is what the seller gets
    for_pay: Decimal | None = None
    warehouse: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class MarketReview:
    """A buyer's review of a product (WB feedbacks-api: productValuation 1..5)."""

    review_id: str
    rating: int
    created_at: datetime
    product_id: str | None = None  # WB nmId
    article: str | None = None  # WB supplierArticle
    size: str | None = None
    text: str = ""
    author: str = ""


@dataclass(frozen=True, slots=True)
class SizeStock:
    """Units of one product size at one marketplace warehouse (WB: a row of /api/v1/supplier/stocks)."""

    product_id: str  # WB nmId
    size_key: str  # what identifies the size: WB barcode
    warehouse: str
    quantity: int
    article: str = ""
    size: str | None = None  # WB techSize label


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a notification shows of a product: title, article and its first photo (WB content card)."""

    product_id: str  # WB nmID
    article: str  # WB vendorCode
    title: str = ""
    photo_url: str | None = None
