"""Pydantic models of Ozon's card and price answers (ozon/swagger.json): `/v3/product/import`,
`/v1/product/import/info` and `/v1/product/import/prices`; unknown fields are ignored."""

from __future__ import annotations

from pydantic import BaseModel, Field

from marketsync.connectors.ozon.schemas import ItemError


class ImportTask(BaseModel):
    """`/v3/product/import` result: the task to poll."""

    task_id: int


class ImportAnswer(BaseModel):
    """`/v3/product/import` answer."""

    result: ImportTask


class ImportItemError(BaseModel):
    """One error of an imported item (`v1ItemError`); `level` "error" fails it, a warning does not."""

    code: str = ""
    message: str = ""
    state: str = ""
    level: str = ""
    description: str = ""
    field: str = ""
    attribute_id: int = 0
    attribute_name: str = ""


class ImportItem(BaseModel):
    """One product of an import task: `pending`, `imported`, `failed` or `skipped` (nothing changed)."""

    offer_id: str = ""
    product_id: int = 0
    status: str = ""
    errors: list[ImportItemError] = Field(default_factory=list)


class ImportInfoResult(BaseModel):
    """`/v1/product/import/info` result."""

    items: list[ImportItem] = Field(default_factory=list)
    total: int = 0


class ImportInfo(BaseModel):
    """`/v1/product/import/info` answer."""

    result: ImportInfoResult


class PriceResult(BaseModel):
    """The outcome of one price of `/v1/product/import/prices`."""

    offer_id: str = ""
    product_id: int = 0
    updated: bool = False
    errors: list[ItemError] = Field(default_factory=list)


class PricesAnswer(BaseModel):
    """`/v1/product/import/prices` answer: one result per price sent."""

    result: list[PriceResult] = Field(default_factory=list)
