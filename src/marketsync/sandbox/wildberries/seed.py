"""Seeding the emulated WB for tests, the demo and the control API: a seller's token, warehouses and offers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from marketsync.sandbox.wildberries.state import ALL_CATEGORIES, WbCard, WbState

DEFAULT_WAREHOUSES: tuple[Mapping[str, Any], ...] = ({"name": "Склад продавца на Ленина"},)


def seed_wildberries(wb: WbState, token: str, *, offers: Sequence[Mapping[str, Any]] = (),
                     warehouses: Sequence[Mapping[str, Any]] = DEFAULT_WAREHOUSES,
                     categories: Iterable[str] = ALL_CATEGORIES, seller_id: str | None = None,
                     start: datetime | None = None) -> dict[str, Any]:
    """Give `token` a seller with warehouses and cards; return {token, seller_id, warehouse_ids, cards}.

    A warehouse: {"name", "cargo_type"?, "warehouse_id"?, "processing"?}. An offer (one card):
    {"vendor_code", "title"?, "brand"?, "sizes"?: [{"tech_size", "barcodes"}] (default one size "0" with
    "barcodes"), "photos"? (1), "cargo_type"? (1), "trashed"?, "fbs"?: amount at every warehouse or
    {warehouse index: amount}, "fbo"?: [{"warehouse", "quantity", "in_way"?}] for every size}. Cards get
    updatedAt a minute apart from `start` in the given order.
    """
    with wb.lock:
        seller_id = wb.add_token(token, seller_id, categories)
        warehouse_ids = []
        for spec in warehouses:
            warehouse_id = wb.add_warehouse(token, spec["name"], warehouse_id=spec.get("warehouse_id"),
                                            cargo_type=spec.get("cargo_type", 1))
            wb.seller(token).warehouses[warehouse_id].is_processing = bool(spec.get("processing"))
            warehouse_ids.append(warehouse_id)
        moment = start or wb.now() - timedelta(days=1)
        cards = []
        for number, offer in enumerate(offers):
            cards.append(_card(wb, token, offer, warehouse_ids, moment + timedelta(minutes=number)))
        return {"token": token, "seller_id": seller_id, "warehouse_ids": warehouse_ids,
                "cards": [{"nmID": c.nm_id, "vendorCode": c.vendor_code,
                           "chrtIDs": [s.chrt_id for s in c.sizes]} for c in cards]}


def _card(wb: WbState, token: str, offer: Mapping[str, Any], warehouse_ids: list[int], moment: datetime) -> WbCard:
    sizes = offer.get("sizes") or [{"tech_size": "0", "barcodes": offer.get("barcodes", [])}]
    card = wb.add_card(token, offer["vendor_code"], offer.get("title", offer["vendor_code"]),
                       [(s.get("tech_size", "0"), list(s.get("barcodes", []))) for s in sizes],
                       brand=offer.get("brand", ""), photos=offer.get("photos", 1),
                       cargo_type=offer.get("cargo_type", 1), trashed=offer.get("trashed", False),
                       updated_at=moment)
    fbs = offer.get("fbs")
    amounts = dict.fromkeys(range(len(warehouse_ids)), fbs) if isinstance(fbs, int) else dict(fbs or {})
    for size in card.sizes:
        for index, amount in amounts.items():
            wb.set_fbs_stock(token, warehouse_ids[int(index)], size.chrt_id, int(amount))
        for row in offer.get("fbo", []):
            wb.add_fbo_row(token, card, size, row["warehouse"], int(row["quantity"]), moment,
                           in_way_to_client=int(row.get("in_way", 0)))
    return card
