"""VK API 5.199 wire models for the market methods we use (vk-api-schema: market/objects.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VkError(_Wire):
    """`base_error`: returned inside HTTP 200 as `{"error": {...}}`."""

    error_code: int
    error_msg: str = ""


class ExecuteError(_Wire):
    """One entry of `execute_errors`: a failed call inside an execute batch."""

    method: str | None = None
    error_code: int
    error_msg: str = ""


class Price(_Wire):
    """`market_price`: `amount` is a string in minor units (kopecks)."""

    amount: str
    currency: dict[str, Any] = Field(default_factory=dict)


class MarketItem(_Wire):
    """`market_market_item_full` (market.get with extended=1)."""

    id: int
    owner_id: int
    title: str
    description: str = ""
    price: Price
    availability: int = 0
    sku: str | None = None
    stock_amount: int | None = None
    albums_ids: list[int] = Field(default_factory=list)
    thumb_photo: str | None = None


class MarketItemList(_Wire):
    """market.get response."""

    count: int
    items: list[MarketItem]


class MarketAlbum(_Wire):
    """`market_market_album`."""

    id: int
    owner_id: int
    title: str
    count: int = 0


class MarketAlbumList(_Wire):
    """market.getAlbums response."""

    count: int
    items: list[MarketAlbum]


class Group(_Wire):
    """A community from groups.getById (5.199 answers `{"groups": [...]}`)."""

    id: int
    name: str
    market: dict[str, Any] | None = None


class GroupsById(_Wire):
    """groups.getById response."""

    groups: list[Group]


class UploadServer(_Wire):
    """market.getProductPhotoUploadServer response."""

    upload_url: str


class SavedPhotoBody(_Wire):
    """The `photos_photo` inside a saved product photo: only its sizes matter to us."""

    sizes: list[dict[str, Any]] = []


class SavedPhoto(_Wire):
    """market.saveProductPhoto response."""

    photo_id: int
    photo: SavedPhotoBody | None = None
