"""Pydantic models of the Ozon Seller API answers we read (ozon/swagger.json); unknown fields are ignored."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class RpcStatus(BaseModel):
    """Ozon's error body (`rpcStatus`): a gRPC-style code, a message and details."""

    code: int | None = None
    message: str = ""
    details: list[Any] = Field(default_factory=list)


class Warehouse(BaseModel):
    """One FBS/rFBS warehouse of the seller (`/v1/warehouse/list` result item)."""

    warehouse_id: int
    name: str = ""
    status: str = ""
    is_rfbs: bool = False


class WarehouseList(BaseModel):
    """`/v1/warehouse/list` answer."""

    result: list[Warehouse] = Field(default_factory=list)


class ProductListItem(BaseModel):
    """One product of `/v3/product/list`: its ids and whether it is archived."""

    product_id: int
    offer_id: str
    archived: bool = False
    has_fbo_stocks: bool = False
    has_fbs_stocks: bool = False


class ProductListResult(BaseModel):
    """One page of `/v3/product/list`; `last_id` is passed back to get the next one."""

    items: list[ProductListItem] = Field(default_factory=list)
    total: int = 0
    last_id: str = ""


class ProductList(BaseModel):
    """`/v3/product/list` answer."""

    result: ProductListResult


class ProductInfo(BaseModel):
    """One product of `/v3/product/info/list`: what matching needs (sku, barcodes, name) and its pictures."""

    id: int
    offer_id: str
    sku: int = 0  # 0 until Ozon assigned one
    name: str = ""
    barcodes: list[str] = Field(default_factory=list)
    is_archived: bool = False
    is_autoarchived: bool = False
    images: list[str] = Field(default_factory=list)  # in the site's order; the first is the main one ...
    primary_image: list[str] = Field(default_factory=list)  # ... unless this names the main image


class ProductInfoList(BaseModel):
    """`/v3/product/info/list` answer."""

    items: list[ProductInfo] = Field(default_factory=list)


class FbsStockRow(BaseModel):
    """Stock of one SKU at one seller warehouse (`/v1/product/info/stocks-by-warehouse/fbs`)."""

    sku: int
    warehouse_id: int
    present: int = 0
    reserved: int = 0
    product_id: int | None = None
    warehouse_name: str = ""


class FbsStocks(BaseModel):
    """`/v1/product/info/stocks-by-warehouse/fbs` answer."""

    result: list[FbsStockRow] = Field(default_factory=list)


class AnalyticsStockRow(BaseModel):
    """FBO stock of one SKU at one Ozon warehouse (`/v1/analytics/stocks` item)."""

    sku: int
    offer_id: str = ""
    warehouse_id: int | None = None
    warehouse_name: str = ""
    available_stock_count: int = 0


class AnalyticsStocks(BaseModel):
    """`/v1/analytics/stocks` answer."""

    items: list[AnalyticsStockRow] = Field(default_factory=list)


class ItemError(BaseModel):
    """A per-item refusal inside a 200 answer (`result[].errors[]`)."""

    code: str = ""
    message: str = ""


class StockUpdateResult(BaseModel):
    """The outcome of one offer-warehouse pair of `/v2/products/stocks`."""

    offer_id: str = ""
    product_id: int = 0
    warehouse_id: int = 0
    updated: bool = False
    errors: list[ItemError] = Field(default_factory=list)


class StocksUpdateAnswer(BaseModel):
    """`/v2/products/stocks` answer: one result per pair sent."""

    result: list[StockUpdateResult]
