"""Wildberries wire models (02-products.yaml, 12-reports.yaml): only the fields we read; extra fields are ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CardSize(_Wire):
    """One size of a card: its chrtID (what FBS stock is keyed by) and its barcodes."""

    chrtID: int
    techSize: str = ""
    wbSize: str = ""
    skus: list[str] = Field(default_factory=list)


class CardPhoto(_Wire):
    """One photo of a card, in WB's sizes (big, c516x688, c246x328, square, tm)."""

    big: str | None = None
    c516x688: str | None = None
    c246x328: str | None = None


class Card(_Wire):
    """A product card (`nmID`) from /content/v2/get/cards/list."""

    nmID: int
    imtID: int | None = None
    vendorCode: str = ""
    title: str = ""
    brand: str = ""
    sizes: list[CardSize] = Field(default_factory=list)
    photos: list[CardPhoto] = Field(default_factory=list)
    updatedAt: str | None = None


class CardsCursor(_Wire):
    """The cursor of a cards page: copy updatedAt and nmID into the next request; total = cards returned."""

    updatedAt: str | None = None
    nmID: int | None = None
    total: int = 0


class CardsPage(_Wire):
    """One answer of /content/v2/get/cards/list."""

    cards: list[Card] = Field(default_factory=list)
    cursor: CardsCursor = Field(default_factory=CardsCursor)


class Warehouse(_Wire):
    """A seller warehouse from GET /api/v3/warehouses."""

    id: int
    name: str = ""
    officeId: int | None = None
    cargoType: int | None = None
    deliveryType: int | None = None
    isDeleting: bool = False
    isProcessing: bool = False


class StockEntry(_Wire):
    """One stock of POST /api/v3/stocks/{warehouseId}: the size and its amount at that warehouse."""

    chrtId: int
    amount: int
    sku: str | None = None


class StocksAnswer(_Wire):
    """The answer of POST /api/v3/stocks/{warehouseId}."""

    stocks: list[StockEntry] = Field(default_factory=list)


class RefusedItem(_Wire):
    """An item a 409 names: the size (chrtId; `sku` is "" since barcodes are no longer sent) and its amount."""

    chrtId: int | None = None
    sku: str | None = None
    amount: int | None = None


class StockRefusal(_Wire):
    """One element of the 409 body of PUT /api/v3/stocks/{warehouseId} (StocksWarehouseError)."""

    code: str = ""
    message: str = ""
    data: list[RefusedItem] | None = None


class SupplierStock(_Wire):
    """A row of GET /api/v1/supplier/stocks: stock at one of WB's own warehouses (FBO)."""

    lastChangeDate: str
    warehouseName: str = ""
    supplierArticle: str = ""
    nmId: int
    barcode: str = ""
    quantity: int = 0
    inWayToClient: int = 0
    inWayFromClient: int = 0
    quantityFull: int = 0
    techSize: str = ""


class ErrorBody(_Wire):
    """Any of WB's error shapes: the gateway's {title, detail, ...}, marketplace {code, message},
    content {errorText}, statistics {errors}."""

    title: str | None = None
    detail: str | None = None
    code: str | int | None = None
    message: str | None = None
    errorText: str | None = None
    errors: list[str] | str | None = None

    def text(self) -> str:
        """Return the most telling human text of the body."""
        errors = "; ".join(self.errors) if isinstance(self.errors, list) else self.errors
        return self.detail or self.message or self.errorText or errors or self.title or ""
