"""Yandex Market emulator state → wire JSON (CampaignDTO, GetOfferMappingDTO, GetWarehouseStocksDTO), and
the opaque page tokens of its forward-only paging."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from marketsync.sandbox.yandex_market.errors import bad_request

# The card fields getOfferMappings gives back as sent (GetOfferDTO = BaseOfferDTO + basicPrice; parameter values
# are read through offer-cards, which we do not emulate).
CARD_FIELDS = ("marketCategoryId", "pictures", "vendor", "vendorCode", "description", "weightDimensions",
               "basicPrice")

if TYPE_CHECKING:
    from marketsync.sandbox.yandex_market.state import YandexMarketState, YmCampaign, YmOffer


def campaign_to_wire(campaign: YmCampaign, business_name: str) -> dict[str, Any]:
    """Render a CampaignDTO."""
    return {"domain": campaign.domain, "id": campaign.id,
            "business": {"id": campaign.business_id, "name": business_name},
            "placementType": campaign.placement, "apiAvailability": "AVAILABLE"}


def offer_mapping_to_wire(offer: YmOffer) -> dict[str, Any]:
    """Render a GetOfferMappingDTO: optional lists are left out when empty (their minItems is 1)."""
    wire: dict[str, Any] = {key: value for key, value in offer.card.items() if key in CARD_FIELDS}
    wire.update({"offerId": offer.offer_id, "name": offer.name, "archived": offer.archived})
    if offer.barcodes:
        wire["barcodes"] = list(offer.barcodes)
    if offer.campaign_ids:
        status = "ARCHIVED" if offer.archived else "PUBLISHED"
        wire["campaigns"] = [{"campaignId": c, "status": status} for c in offer.campaign_ids]
    out: dict[str, Any] = {"offer": wire}
    if offer.market_sku is not None:
        out["mapping"] = {"marketSku": offer.market_sku, "marketSkuName": offer.name}
    if offer.card.get("marketCategoryId"):
        out.setdefault("mapping", {})["marketCategoryId"] = offer.card["marketCategoryId"]
    return out


def warehouses_to_wire(state: YandexMarketState, campaign: YmCampaign,
                       offers: list[YmOffer]) -> tuple[list[dict[str, Any]], int]:
    """Render getStocks' warehouses for these offers and count the offer entries (what the limit counts).

    At the seller's warehouse (FBS/DBS) every offer of the shop is listed, with no stock lines when none was
    ever sent; at Market's warehouses (FBY) only the offers stocked there.
    """
    warehouses, entries = [], 0
    for warehouse_id in campaign.warehouses:
        listed = []
        for offer in offers:
            record = state.stock(campaign.id, warehouse_id, offer.offer_id)
            if record is None and campaign.placement == "FBY":
                continue
            entry: dict[str, Any] = {"offerId": offer.offer_id, "stocks": []}
            if record is not None:
                entry["stocks"] = [{"type": "FIT", "count": record.available + record.freeze},
                                   {"type": "AVAILABLE", "count": record.available}]
                if record.freeze:
                    entry["stocks"].append({"type": "FREEZE", "count": record.freeze})
                if record.defect:
                    entry["stocks"].append({"type": "DEFECT", "count": record.defect})
                if record.updated_at is not None:
                    entry["updatedAt"] = record.updated_at.isoformat(timespec="seconds")
            listed.append(entry)
        entries += len(listed)
        warehouses.append({"warehouseId": warehouse_id, "offers": listed})
    return warehouses, entries


def page_token(offset: int) -> str:
    """Return the opaque token of the page starting at `offset`."""
    return base64.urlsafe_b64encode(f"ym:{offset}".encode()).decode().rstrip("=")


def page_offset(token: str | None) -> int:
    """Return the offset a page token stands for (0 without one); a token we never gave is a 400."""
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix != "ym" or not number.isdigit():
            raise ValueError(raw)
        return int(number)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"Invalid page token: {token}") from None


def paged(items: list[Any], token: str | None, limit: int) -> tuple[list[Any], dict[str, Any]]:
    """Cut one page; `paging.nextPageToken` only when more follow."""
    start = page_offset(token)
    chunk = items[start:start + limit]
    paging = {"nextPageToken": page_token(start + limit)} if start + limit < len(items) else {}
    return chunk, paging
