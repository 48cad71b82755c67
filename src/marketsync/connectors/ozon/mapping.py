"""Pure mapping between Ozon's wire models and our records: offers, FBS/FBO stock levels, stock writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marketsync.connectors.ozon.schemas import (
    AnalyticsStockRow,
    FbsStockRow,
    ProductInfo,
    ProductListItem,
    StockUpdateResult,
)
from marketsync.connectors.records import FBO, FBS, MarketOffer, StockLevel, StockUpdate, WriteResult


def offer_from_wire(item: ProductListItem, info: ProductInfo | None) -> MarketOffer:
    """Build an offer from its /v3/product/list entry and, when Ozon returned it, its product info."""
    archived = item.archived or bool(info and (info.is_archived or info.is_autoarchived))
    return MarketOffer(
        offer_id=item.offer_id,
        stock_key=item.offer_id,  # /v2/products/stocks addresses an offer by offer_id
        barcodes=tuple(b for b in (info.barcodes if info else []) if b),
        name=info.name if info else "",
        product_id=str(item.product_id),
        sku=str(info.sku) if info and info.sku else None,
        archived=archived,
    )


def fbs_level_from_wire(row: FbsStockRow, offer_id: str) -> StockLevel:
    """Turn one stocks-by-warehouse row into a level: `present` counts reserved units, ours does not."""
    return StockLevel(
        stock_key=offer_id,
        warehouse_id=str(row.warehouse_id),
        quantity=max(0, row.present - row.reserved),
        reserved=row.reserved,
        fulfillment=FBS,
        warehouse_name=row.warehouse_name or None,
    )


def fbo_level_from_wire(row: AnalyticsStockRow, offer_id: str) -> StockLevel:
    """Turn one /v1/analytics/stocks row into an FBO level at that Ozon warehouse."""
    return StockLevel(
        stock_key=offer_id,
        warehouse_id=str(row.warehouse_id) if row.warehouse_id is not None else row.warehouse_name,
        quantity=row.available_stock_count,
        fulfillment=FBO,
        warehouse_name=row.warehouse_name or None,
    )


def stock_to_wire(update: StockUpdate, warehouse_id: int) -> dict[str, Any]:
    """Build one `/v2/products/stocks` pair; only offer_id addresses the offer (it wins over product_id)."""
    return {"offer_id": update.stock_key, "stock": update.amount, "warehouse_id": warehouse_id}


def write_results_from_wire(updates: Sequence[StockUpdate], answers: Sequence[StockUpdateResult]) \
        -> list[WriteResult]:
    """Give one WriteResult per update in order; per-pair errors become failures with Ozon's code and message."""
    # Ozon answers in request order; match by position when the offers line up, else by offer id.
    aligned = len(answers) == len(updates) and all(
        a.offer_id in ("", u.stock_key) for a, u in zip(answers, updates, strict=True))
    by_offer: dict[str, list[StockUpdateResult]] = {}
    if not aligned:
        for each in answers:
            by_offer.setdefault(each.offer_id, []).append(each)
    results = []
    for index, update in enumerate(updates):
        answer: StockUpdateResult | None
        if aligned:
            answer = answers[index]
        else:
            queue = by_offer.get(update.stock_key) or []
            answer = queue.pop(0) if queue else None
        results.append(_result(update, answer))
    return results


def _result(update: StockUpdate, answer: StockUpdateResult | None) -> WriteResult:
    if answer is None:
        return WriteResult(ok=False, error=f"Ozon's answer says nothing of offer {update.stock_key}")
    if answer.errors:
        first = answer.errors[0]
        text = "; ".join(f"{e.code}: {e.message}" if e.message else e.code for e in answer.errors)
        return WriteResult(ok=False, error=text, code=first.code or None)
    if not answer.updated:
        return WriteResult(ok=False, error=f"Ozon did not update offer {update.stock_key} and gave no reason")
    return WriteResult(ok=True, external_id=str(answer.product_id) if answer.product_id else update.stock_key)
