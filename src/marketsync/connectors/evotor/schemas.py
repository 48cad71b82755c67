"""Evotor cloud API v2 wire models (fields as the SDK fixtures and developer.evotor.ru show them)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Paging(_Wire):
    """`paging` of a v2 list; `next_cursor` is absent on the last page."""

    next_cursor: str | None = None


class StoreWire(_Wire):
    """A store of `GET /stores`."""

    id: str = Field(min_length=1)
    name: str
    address: str | None = None


class GroupWire(_Wire):
    """A product group of `GET /stores/{id}/product-groups`."""

    id: str = Field(min_length=1)
    name: str
    parent_id: str | None = None


class ProductWire(_Wire):
    """A product of `GET /stores/{id}/products`."""

    id: str = Field(min_length=1)
    name: str
    price: Decimal = Decimal("0")
    allow_to_sell: bool = True
    parent_id: str | None = None
    code: str | None = None
    # The seller's article. The v1 Swagger (documentation-api/definitions.yaml) names it `articleNumber` and
    # sends it only for products, never groups; v2 answers in snake_case (CONTRACTS §7), so `article_number`.
    article_number: str | None = None
    description: str | None = None
    measure_name: str | None = None
    quantity: Decimal | None = None
    barcodes: list[str] = Field(default_factory=list)
    type: str | None = None


class StoreList(_Wire):
    """A page of stores."""

    items: list[StoreWire]
    paging: Paging = Field(default_factory=Paging)


class GroupList(_Wire):
    """A page of product groups."""

    items: list[GroupWire]
    paging: Paging = Field(default_factory=Paging)


class ProductList(_Wire):
    """A page of products."""

    items: list[ProductWire]
    paging: Paging = Field(default_factory=Paging)


class ErrorItem(_Wire):
    """One entry of Evotor's `{"errors": [...]}` body."""

    code: int | None = None
    reason: str | None = None
    subject: str | None = None


class ErrorBody(_Wire):
    """Evotor's error body."""

    errors: list[ErrorItem] = Field(default_factory=list)
