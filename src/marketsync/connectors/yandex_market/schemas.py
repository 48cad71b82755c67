"""Yandex Market Partner API wire models (openapi/components/schemas/*.yaml of the official spec, July 2026).

Only the fields we read are declared; unknown ones are ignored, so new optional fields never break a sync.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class ApiError(_Wire):
    """ApiErrorDTO: `{code, message}`."""

    code: str
    message: str | None = None


class ErrorBody(_Wire):
    """ApiErrorResponse: `{status: "ERROR", errors: [...]}` (every 4xx/5xx of the spec)."""

    status: str | None = None
    errors: list[ApiError] | None = None


class Paging(_Wire):
    """PackagingForwardScrollingPagerDTO: `nextPageToken` is absent on the last page."""

    next_page_token: str | None = Field(default=None, alias="nextPageToken")


class Business(_Wire):
    """BusinessDTO."""

    id: int | None = None
    name: str | None = None


class Campaign(_Wire):
    """CampaignDTO: a shop; `placementType` FBS, FBY, DBS or LAAS."""

    id: int
    domain: str | None = None
    business: Business | None = None
    placement_type: str | None = Field(default=None, alias="placementType")


class CampaignAnswer(_Wire):
    """GetCampaignResponse of `GET /v2/campaigns/{campaignId}` (no `status` in this one)."""

    campaign: Campaign | None = None


class CampaignList(_Wire):
    """GetCampaignsResponse of `GET /v2/campaigns`."""

    campaigns: list[Campaign]
    paging: Paging | None = None


class Offer(_Wire):
    """GetOfferDTO: the fields of a catalogue offer we match and show."""

    offer_id: str = Field(alias="offerId", min_length=1)
    name: str | None = None
    barcodes: list[str] | None = None
    archived: bool | None = None
    campaigns: list[OfferCampaign] | None = None


class OfferCampaign(_Wire):
    """OfferCampaignStatusDTO: a shop the offer is placed in."""

    campaign_id: int = Field(alias="campaignId")
    status: str | None = None


class Mapping(_Wire):
    """GetMappingDTO: the Market card the offer is bound to (absent until it is)."""

    market_sku: int | None = Field(default=None, alias="marketSku")
    market_sku_name: str | None = Field(default=None, alias="marketSkuName")


class OfferMapping(_Wire):
    """GetOfferMappingDTO."""

    offer: Offer
    mapping: Mapping | None = None


class OfferMappingsResult(_Wire):
    """GetOfferMappingsResultDTO."""

    offer_mappings: list[OfferMapping] = Field(alias="offerMappings")
    paging: Paging | None = None


class OfferMappingsAnswer(_Wire):
    """GetOfferMappingsResponse."""

    status: str
    result: OfferMappingsResult


class StockCount(_Wire):
    """WarehouseStockDTO: one stock type (FIT, FREEZE, AVAILABLE, QUARANTINE, UTILIZATION, DEFECT, EXPIRED)."""

    type: str
    count: int


class WarehouseOffer(_Wire):
    """WarehouseOfferDTO: an offer's stocks at one warehouse."""

    offer_id: str = Field(alias="offerId", min_length=1)
    stocks: list[StockCount]


class WarehouseOffers(_Wire):
    """WarehouseOffersDTO: the offers of one warehouse."""

    warehouse_id: int = Field(alias="warehouseId")
    offers: list[WarehouseOffer]


class StocksResult(_Wire):
    """GetWarehouseStocksDTO."""

    warehouses: list[WarehouseOffers]
    paging: Paging | None = None


class StocksAnswer(_Wire):
    """GetWarehouseStocksResponse."""

    status: str
    result: StocksResult


class StatusAnswer(_Wire):
    """EmptyApiResponse of a write: `{status: "OK"}`."""

    status: str


Offer.model_rebuild()
