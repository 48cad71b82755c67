"""How the emulated WB renders its objects: cards, warehouses and statistics stock rows, with WB's time formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from marketsync.sandbox.wildberries.state import FboRow, WbCard, WbWarehouse

PHOTO_BASE = "https://basket-01.wbbasket.ru/vol{vol}/part{part}/{nm}/images/{size}/{n}.webp"
MOSCOW = timedelta(hours=3)


def content_time(moment: datetime) -> str:
    """Render a content-host time: UTC with microseconds and a Z (e.g. 2023-12-06T11:17:00.96577Z)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_content_time(value: str) -> datetime:
    """Parse a content-host time (the cursor's updatedAt) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def statistics_time(local: datetime) -> str:
    """Render a statistics time: Moscow local time without an offset (e.g. 2023-07-05T11:13:35)."""
    return local.isoformat(timespec="seconds")


def parse_date_from(value: str) -> datetime:
    """Parse statistics' dateFrom (RFC 3339 date or date-time; without an offset it is Moscow time) into naive
    Moscow local time; raise ValueError when it is neither."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None) + MOSCOW
    return parsed


def _photo(card: WbCard, n: int) -> dict[str, str]:
    values = {"vol": card.nm_id // 100_000, "part": card.nm_id // 1000, "nm": card.nm_id, "n": n}
    return {size: PHOTO_BASE.format(size=size, **values) for size in ("big", "c246x328", "c516x688", "square", "tm")}


def _photos(card: WbCard) -> list[dict[str, str]]:
    if card.photo_urls:  # saved by /content/v3/media/save: the emulator keeps the seller's links, no copies
        return [dict.fromkeys(("big", "c246x328", "c516x688", "square", "tm"), url) for url in card.photo_urls]
    return [_photo(card, n) for n in range(1, card.photos + 1)]


def _dimensions(card: WbCard) -> dict[str, Any]:
    if card.dimensions is None:  # a seeded card: plausible measures
        return {"length": 10, "width": 10, "height": 10, "weightBrutto": 0.5, "isValid": True}
    sides = [card.dimensions.get(side, 0) for side in ("length", "width", "height")]
    return {"length": sides[0], "width": sides[1], "height": sides[2],
            "weightBrutto": card.dimensions.get("weightBrutto", 0), "isValid": all(sides)}


def card_to_wire(card: WbCard) -> dict[str, Any]:
    """Render a card as /content/v2/get/cards/list lists it."""
    return {
        "nmID": card.nm_id,
        "imtID": card.imt_id,
        "nmUUID": card.nm_uuid,
        "subjectID": card.subject_id,
        "subjectName": card.subject_name,
        "vendorCode": card.vendor_code,
        "brand": card.brand,
        "title": card.title,
        "description": card.description,
        "needKiz": False,
        "photos": _photos(card),
        "dimensions": _dimensions(card),
        "characteristics": list(card.characteristics),
        "sizes": [{"chrtID": s.chrt_id, "techSize": s.tech_size, "wbSize": s.wb_size, "skus": list(s.skus)}
                  for s in card.sizes],
        "tags": [],
        "createdAt": content_time(card.created_at),
        "updatedAt": content_time(card.updated_at),
    }


def warehouse_to_wire(warehouse: WbWarehouse) -> dict[str, Any]:
    """Render a seller warehouse as GET /api/v3/warehouses lists it."""
    return {"name": warehouse.name, "officeId": warehouse.office_id, "id": warehouse.id,
            "cargoType": warehouse.cargo_type, "deliveryType": warehouse.delivery_type,
            "isDeleting": warehouse.is_deleting, "isProcessing": warehouse.is_processing}


def fbo_row_to_wire(row: FboRow) -> dict[str, Any]:
    """Render a statistics stock row (note WB's capitalised Price and Discount)."""
    return {
        "lastChangeDate": statistics_time(row.changed_at),
        "warehouseName": row.warehouse_name,
        "supplierArticle": row.supplier_article,
        "nmId": row.nm_id,
        "barcode": row.barcode,
        "quantity": row.quantity,
        "inWayToClient": row.in_way_to_client,
        "inWayFromClient": row.in_way_from_client,
        "quantityFull": row.quantity + row.in_way_to_client + row.in_way_from_client,
        "category": row.subject,
        "subject": row.subject,
        "brand": row.brand,
        "techSize": row.tech_size,
        "Price": row.price,
        "Discount": 0,
        "isSupply": True,
        "isRealization": False,
        "SCCode": "Tech",
    }
