"""Seed a Yandex Market business for tests and the demo: one key, an FBS shop with the seller's warehouse,
optionally an FBY shop at Market's warehouses, and offers with their stocks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from marketsync.sandbox.yandex_market.state import YandexMarketState


def seed_yandex_market(state: YandexMarketState, token: str, *, offers: Sequence[Mapping[str, Any]] = (),
                       business_id: int = 1001, campaign_id: int = 2001, warehouse_id: int = 3001,
                       warehouse_name: str = "Склад продавца", domain: str = "",
                       fby_campaign_id: int | None = None, fby_warehouses: Mapping[int, str] | None = None,
                       business_name: str = "") -> dict[str, Any]:
    """Create the business, its shops and offers; return the ids a connection needs.

    Each offer is a mapping: `offer_id` (required), `name`, `barcodes`, `market_sku`, `archived`, `placed`
    (in the FBS shop, default true), `stock` (available at the seller's warehouse; none: never sent),
    `reserved` (FREEZE there) and `fbo` ({Market warehouse id: count}, needs the FBY shop).
    """
    with state.lock:
        state.add_business(token, business_id, business_name)
        state.add_campaign(business_id, campaign_id, placement="FBS", domain=domain,
                           warehouses={warehouse_id: warehouse_name})
        if fby_campaign_id is not None:
            state.add_campaign(business_id, fby_campaign_id, placement="FBY", domain=f"{domain or 'shop'}-fby",
                               warehouses=dict(fby_warehouses or {}))
        for offer in offers:
            fbo = dict(offer.get("fbo") or {})
            campaigns = [campaign_id] if offer.get("placed", True) else []
            if fbo and fby_campaign_id is not None:
                campaigns.append(fby_campaign_id)
            state.add_offer(business_id, str(offer["offer_id"]), str(offer.get("name") or offer["offer_id"]),
                            barcodes=list(offer.get("barcodes") or ()), market_sku=offer.get("market_sku"),
                            archived=bool(offer.get("archived")), campaign_ids=campaigns)
            if offer.get("stock") is not None:
                state.set_stock(campaign_id, warehouse_id, str(offer["offer_id"]), int(offer["stock"]),
                                freeze=int(offer.get("reserved") or 0))
            for fbo_warehouse, count in fbo.items():
                if fby_campaign_id is None:
                    raise ValueError("FBO stock needs fby_campaign_id")
                state.set_stock(fby_campaign_id, int(fbo_warehouse), str(offer["offer_id"]), int(count))
    return {"ym_token": token, "ym_business_id": business_id, "ym_campaign_id": campaign_id,
            "ym_warehouse_id": warehouse_id, "ym_fby_campaign_id": fby_campaign_id}
