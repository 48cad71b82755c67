"""Wildberries wire models of what buyers did (12-reports.yaml OrdersItem, SalesItem; 09-communications.yaml
responseFeedback) and of the seller (01-general.yaml seller-info): only the fields we read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _StatisticsRow(_Wire):
    """What order and sale rows share; times are Moscow local time without an offset."""

    date: str
    lastChangeDate: str
    warehouseName: str = ""
    regionName: str = ""
    supplierArticle: str = ""
    nmId: int | None = None
    barcode: str = ""
    techSize: str = ""
    totalPrice: float = 0
    priceWithDisc: float = 0
    finishedPrice: float = 0
    srid: str = ""


class OrderRow(_StatisticsRow):
    """A row of GET /api/v1/supplier/orders: one ordered unit, keyed by srid."""

    isCancel: bool = False
    cancelDate: str | None = None  # "0001-01-01T00:00:00" when not cancelled


class SaleRow(_StatisticsRow):
    """A row of GET /api/v1/supplier/sales: a buyout (saleID S…) or a return (R…) of one unit."""

    saleID: str
    forPay: float | None = None


class FeedbackProduct(_Wire):
    """productDetails of a feedback."""

    nmId: int | None = None
    supplierArticle: str | None = None
    size: str | None = None
    productName: str | None = None


class Feedback(_Wire):
    """One feedback of GET /api/v1/feedbacks."""

    id: str
    productValuation: int
    createdDate: str
    text: str | None = ""
    pros: str | None = ""
    cons: str | None = ""
    userName: str | None = ""
    productDetails: FeedbackProduct = Field(default_factory=FeedbackProduct)


class FeedbacksData(_Wire):
    """The `data` of the feedbacks answer."""

    countUnanswered: int = 0
    countArchive: int = 0
    feedbacks: list[Feedback] | None = None


class FeedbacksAnswer(_Wire):
    """GET /api/v1/feedbacks: {data, error, errorText, additionalErrors}."""

    data: FeedbacksData | None = None
    error: bool = False
    errorText: str | None = ""


class SellerInfo(_Wire):
    """GET /api/v1/seller-info: the seller's name and profile id."""

    name: str = ""
    sid: str = ""
    tradeMark: str = ""
