"""Pydantic models of the Ozon answers the event feed reads (ozon/swagger.json): FBS and FBO postings, returns,
reviews. Unknown fields are ignored; every time is UTC on the wire (a time without an offset is taken as UTC)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pydantic import BaseModel, Field, field_validator


class _Timed(BaseModel):
    """A model whose date-time fields come back aware UTC (Ozon works in UTC, "Getting started")."""

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: object) -> object:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value


class PostingProduct(BaseModel):
    """One product line of a posting (`v3FbsPostingProduct` / `v2PostingProduct`); `price` is a decimal string."""

    sku: int = 0
    offer_id: str = ""
    name: str = ""
    price: Decimal = Decimal(0)
    quantity: int = 1

    @field_validator("price", mode="before")
    @classmethod
    def _blank_price(cls, value: object) -> object:
        return value or "0"


class FinancialProduct(BaseModel):
    """A line's money (`PostingFinancialDataProduct`): `product_id` carries the SKU; `payout` is the seller's."""

    product_id: int = 0
    price: Decimal | None = None
    payout: Decimal | None = None
    quantity: int = 0


class FinancialData(BaseModel):
    """`financial_data` of a posting (asked with `with.financial_data`)."""

    cluster_to: str = ""
    products: list[FinancialProduct] = Field(default_factory=list)


class FbsAnalytics(_Timed):
    """`analytics_data` of an FBS posting (asked with `with.analytics_data`); region only for rFBS."""

    region: str = ""
    city: str = ""
    warehouse: str = ""
    delivery_date_begin: datetime | None = None
    delivery_date_end: datetime | None = None


class DeliveryMethod(BaseModel):
    """How an FBS posting leaves: the seller warehouse it ships from."""

    warehouse_id: int | None = None
    warehouse: str = ""
    name: str = ""


class FbsPosting(_Timed):
    """One posting of `/v3/posting/fbs/list` (`v3FbsPosting`)."""

    posting_number: str
    order_number: str = ""
    status: str = ""
    in_process_at: datetime | None = None
    delivering_date: datetime | None = None
    delivery_method: DeliveryMethod | None = None
    products: list[PostingProduct] = Field(default_factory=list)
    analytics_data: FbsAnalytics | None = None
    financial_data: FinancialData | None = None


class FbsPostingPage(BaseModel):
    """`result` of `/v3/posting/fbs/list`: a page and whether more follow (`has_next`)."""

    postings: list[FbsPosting] = Field(default_factory=list)
    has_next: bool = False


class FbsPostingList(BaseModel):
    """`/v3/posting/fbs/list` answer."""

    result: FbsPostingPage


class FboAnalytics(BaseModel):
    """`analytics_data` of an FBO posting: Ozon's warehouse and the buyer's city (CIS sellers only)."""

    city: str = ""
    warehouse_name: str = ""


class FboPosting(_Timed):
    """One posting of `/v2/posting/fbo/list` (`v2FboPosting`)."""

    posting_number: str
    order_number: str = ""
    status: str = ""
    created_at: datetime | None = None
    in_process_at: datetime | None = None
    products: list[PostingProduct] = Field(default_factory=list)
    analytics_data: FboAnalytics | None = None
    financial_data: FinancialData | None = None


class FboPostingList(BaseModel):
    """`/v2/posting/fbo/list` answer: a bare array, no `has_next` (a short page is the last)."""

    result: list[FboPosting] = Field(default_factory=list)


class Money(BaseModel):
    """`{currency_code, price}` of a return."""

    price: Decimal | None = None


class ReturnProduct(BaseModel):
    """The returned product: SKU, article, name, price, quantity."""

    sku: int = 0
    offer_id: str = ""
    name: str = ""
    price: Money | None = None
    quantity: int = 1


class ReturnLogistic(_Timed):
    """When the buyer handed the item back."""

    return_date: datetime | None = None


class ReturnStatus(BaseModel):
    """The return's status (`visual.status`)."""

    sys_name: str = ""
    display_name: str = ""


class ReturnVisual(_Timed):
    """The return's status and when it last changed."""

    status: ReturnStatus | None = None
    change_moment: datetime | None = None


class ReturnPlace(BaseModel):
    """Where the return is now."""

    name: str = ""


class ReturnItem(BaseModel):
    """One `/v1/returns/list` item (`GetReturnsListResponseReturnsItem`)."""

    id: int
    type: str = ""
    return_schema: str = Field("", alias="schema")
    posting_number: str = ""
    product: ReturnProduct | None = None
    logistic: ReturnLogistic | None = None
    visual: ReturnVisual | None = None
    place: ReturnPlace | None = None


class ReturnsList(BaseModel):
    """`/v1/returns/list` answer; ask again with the last id while `has_next`."""

    returns: list[ReturnItem] = Field(default_factory=list)
    has_next: bool = False


class Review(_Timed):
    """One `/v1/review/list` review."""

    id: str
    sku: int = 0
    rating: int = 0
    text: str = ""
    published_at: datetime


class ReviewList(BaseModel):
    """`/v1/review/list` answer."""

    reviews: list[Review] = Field(default_factory=list)
    has_next: bool = False
    last_id: str = ""
