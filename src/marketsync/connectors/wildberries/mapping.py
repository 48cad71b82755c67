"""Pure Wildberries wire ↔ record mapping: cards to offers (one per size), stocks both ways, Moscow dates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from marketsync.connectors.records import FBO, FBS, MarketOffer, StockLevel, StockUpdate
from marketsync.connectors.wildberries.schemas import Card, StockEntry, SupplierStock

# WB's statistics take and give times in Moscow time without an offset (12-reports.yaml, dateFrom).
MOSCOW = timezone(timedelta(hours=3), "MSK")


def offers_from_card(card: Card) -> list[MarketOffer]:
    """Return one offer per size of a card: FBS stock is kept per size (chrtID), each with its own barcodes."""
    return [MarketOffer(offer_id=card.vendorCode, stock_key=str(size.chrtID), barcodes=tuple(size.skus),
                        name=card.title, product_id=str(card.nmID), sku=size.techSize or None)
            for size in card.sizes]


def fbs_level_from_wire(entry: StockEntry, warehouse_id: int, warehouse_name: str | None = None) -> StockLevel:
    """Map one seller-warehouse stock to a record."""
    return StockLevel(stock_key=str(entry.chrtId), warehouse_id=str(warehouse_id), quantity=entry.amount,
                      fulfillment=FBS, warehouse_name=warehouse_name)


def fbo_level_from_wire(row: SupplierStock, stock_key: str) -> StockLevel:
    """Map a statistics stock row (WB's own warehouse, known only by name) to a record."""
    return StockLevel(stock_key=stock_key, warehouse_id=row.warehouseName, quantity=row.quantity,
                      reserved=row.inWayToClient, fulfillment=FBO, warehouse_name=row.warehouseName)


def chrt_id(stock_key: str) -> int | None:
    """Return the chrtID a stock key stands for, or None when it is not one."""
    return int(stock_key) if stock_key.isdigit() and 0 < int(stock_key) < 2**63 else None


def stocks_to_wire(updates: Iterable[StockUpdate]) -> dict[str, Any]:
    """Build the body of PUT /api/v3/stocks/{warehouseId}; the deprecated `sku` (barcode) is never sent."""
    return {"stocks": [{"chrtId": int(u.stock_key), "amount": u.amount} for u in updates]}


def refused_keys(items: Sequence[Any]) -> set[str]:
    """Return the stock keys (chrtIDs) a 409 element names."""
    return {str(item.chrtId) for item in items if item.chrtId is not None}


def moscow_date_from(moment: datetime) -> str:
    """Format a moment as statistics' dateFrom: Moscow local time, no offset."""
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no known zone")
    return moment.astimezone(MOSCOW).replace(tzinfo=None).isoformat(timespec="seconds")


def parse_moscow(value: str) -> datetime:
    """Parse a statistics time (Moscow local, no offset; a date alone allowed) into an aware UTC datetime."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=MOSCOW)
    return parsed.astimezone(UTC)


def fbo_row_identity(row: SupplierStock) -> tuple[str, str, int, str, str]:
    """Return what tells statistics stock rows apart, to drop those a page boundary repeats."""
    return (row.lastChangeDate, row.warehouseName, row.nmId, row.barcode, row.techSize)
