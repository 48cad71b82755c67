"""Yandex Market wire models ↔ stock records (pure): offers, stock levels, the updateStocks body, refusals.

Which stock is "available": WarehouseStockType (components/schemas/WarehouseStockType.yaml) says AVAILABLE is
«доступный к заказу» (what buyers can order), FIT is «годный» = available or already reserved, FREEZE is
reserved for orders; QUARANTINE, UTILIZATION, DEFECT and EXPIRED are not for sale. So quantity = AVAILABLE
(or FIT − FREEZE when an answer has no AVAILABLE line) and reserved = FREEZE. updateStocks' `count` is
«количество доступного товара», the same AVAILABLE figure, so what we write is what we read back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from marketsync.connectors.records import FBO, FBS, MarketOffer, StockLevel, StockUpdate
from marketsync.connectors.yandex_market.schemas import ApiError, OfferMapping, StockCount, WarehouseOffers


def offer_from_wire(wire: OfferMapping, *, archived: bool = False) -> MarketOffer:
    """Map a catalogue offer: the offerId keys stock, marketSku is the Market card (absent until bound)."""
    offer, market_sku = wire.offer, wire.mapping.market_sku if wire.mapping else None
    return MarketOffer(
        offer_id=offer.offer_id,
        stock_key=offer.offer_id,
        barcodes=tuple(b.strip() for b in offer.barcodes or () if b.strip()),
        name=(offer.name or "").strip(),
        product_id=str(market_sku) if market_sku is not None else None,
        sku=str(market_sku) if market_sku is not None else None,
        archived=archived or bool(offer.archived),
    )


def placed_in(wire: OfferMapping, campaign_id: int) -> bool:
    """Whether an offer is sold by this shop: `campaigns` lists the shops it is placed in; an offer without
    the list (the field is optional) is kept, since a business's catalogue is shared by all its shops."""
    campaigns = wire.offer.campaigns
    return not campaigns or any(c.campaign_id == campaign_id for c in campaigns)


def quantities(stocks: Iterable[StockCount]) -> tuple[int, int]:
    """Return (available, reserved) from an offer's stock lines at one warehouse."""
    by_type: dict[str, int] = {}
    for line in stocks:
        by_type[line.type] = by_type.get(line.type, 0) + line.count
    reserved = max(0, by_type.get("FREEZE", 0))
    available = by_type["AVAILABLE"] if "AVAILABLE" in by_type else by_type.get("FIT", 0) - reserved
    return max(0, available), reserved


def levels_from_wire(warehouses: Iterable[WarehouseOffers], *, fulfillment: str = FBS,
                     names: dict[int, str] | None = None) -> list[StockLevel]:
    """Map getStocks warehouses to one StockLevel per (offer, warehouse); an offer listed without stock
    lines (nothing was ever sent for it there) has no stock record and is left out."""
    levels = []
    for warehouse in warehouses:
        for offer in warehouse.offers:
            if not offer.stocks:
                continue
            quantity, reserved = quantities(offer.stocks)
            levels.append(StockLevel(
                stock_key=offer.offer_id, warehouse_id=str(warehouse.warehouse_id), quantity=quantity,
                reserved=reserved, fulfillment=fulfillment,
                warehouse_name=(names or {}).get(warehouse.warehouse_id),
            ))
    return levels


def fulfillment_of(placement_type: str | None) -> str | None:
    """FBS and DBS shops keep stock at the seller's warehouse; FBY at Market's; LaaS sells elsewhere (None)."""
    return {"FBS": FBS, "DBS": FBS, "FBY": FBO}.get(placement_type or "")


def skus_to_wire(updates: Sequence[StockUpdate], updated_at: datetime) -> list[dict[str, Any]]:
    """Build updateStocks' `skus`: one item {count, updatedAt} each (UpdateStockDTO: exactly one item)."""
    stamp = updated_at.isoformat(timespec="seconds")
    return [{"sku": u.stock_key, "items": [{"count": max(0, int(u.amount)), "updatedAt": stamp}]} for u in updates]


def refused_keys(errors: Sequence[ApiError], keys: Sequence[str]) -> dict[str, ApiError]:
    """Return the keys a 400's messages name, each with the error naming it.

    The spec gives updateStocks' 400 only as `errors[{code, message}]` (400Stocks.yaml → ApiClientDataError
    Response); its per-offer text is not published in a machine-readable form [UNCONFIRMED]. A key counts as
    named when it stands in a message as a whole token (not inside a longer SKU): "557722" is not "0557722".
    """
    named: dict[str, ApiError] = {}
    for key in sorted(set(keys), key=len, reverse=True):
        pattern = re.compile(r"(?<![\w\-./])" + re.escape(key) + r"(?![\w\-./])")
        for error in errors:
            if error.message and pattern.search(error.message):
                named.setdefault(key, error)
                break
    return named
