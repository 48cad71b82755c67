"""Pure mapping of what WB reports buyers did into records: orders, buyouts and returns, reviews, stock per size
and warehouse, cards with their first photo. WB's statistics times are Moscow time without an offset; every
record leaves with aware UTC times (CONTRACTS §1.1)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from marketsync.connectors.records import BUYOUT, RETURN, MarketOrder, MarketReview, MarketSale, ProductCard, SizeStock
from marketsync.connectors.wildberries.mapping import parse_moscow
from marketsync.connectors.wildberries.schemas import Card, SupplierStock
from marketsync.connectors.wildberries.schemas_events import Feedback, OrderRow, SaleRow

KOPECK = Decimal("0.01")


def money(value: float | int | None) -> Decimal:
    """Return a wire number as roubles rounded half-up to kopecks (through its text, never binary float)."""
    return Decimal(str(value or 0)).quantize(KOPECK, rounding=ROUND_HALF_UP)


def optional_moscow(value: str | None) -> datetime | None:
    """Parse a Moscow time that may be absent or WB's "0001-01-01T00:00:00" (never happened) into UTC."""
    if not value or value.startswith("0001-01-01"):
        return None
    return parse_moscow(value)


def _text(value: str | None) -> str | None:
    return value or None


def _size(tech_size: str | None) -> str | None:
    """A size label; WB's "0" is the one size of a sizeless card, so no size."""
    return None if tech_size in (None, "", "0") else tech_size


def order_from_wire(row: OrderRow) -> MarketOrder:
    """Map an order row (srid → order_id) to a record; a cancelled one carries when it was cancelled."""
    cancelled_at = optional_moscow(row.cancelDate) if row.isCancel else None
    return MarketOrder(
        order_id=row.srid, ordered_at=parse_moscow(row.date), changed_at=parse_moscow(row.lastChangeDate),
        article=row.supplierArticle, product_id=str(row.nmId) if row.nmId is not None else None,
        barcode=_text(row.barcode), size=_size(row.techSize), price=money(row.priceWithDisc),
        warehouse=_text(row.warehouseName), region=_text(row.regionName), cancelled=row.isCancel,
        cancelled_at=cancelled_at,
    )


def sale_kind(sale_id: str) -> str | None:
    """Return BUYOUT for a saleID S…, RETURN for R…, None for anything else (WB documents only these two)."""
    return {"S": BUYOUT, "R": RETURN}.get(sale_id[:1].upper())


def sale_from_wire(row: SaleRow) -> MarketSale | None:
    """Map a sale row to a buyout or a return; None for a saleID that is neither S… nor R…."""
    kind = sale_kind(row.saleID)
    if kind is None:
        return None
    return MarketSale(
        sale_id=row.saleID, kind=kind, sold_at=parse_moscow(row.date), changed_at=parse_moscow(row.lastChangeDate),
        article=row.supplierArticle, order_id=_text(row.srid),
        product_id=str(row.nmId) if row.nmId is not None else None, barcode=_text(row.barcode),
        size=_size(row.techSize), price=abs(money(row.priceWithDisc)),  # a return's amounts come negative
        for_pay=money(row.forPay) if row.forPay is not None else None,
        warehouse=_text(row.warehouseName), region=_text(row.regionName),
    )


def review_from_wire(item: Feedback) -> MarketReview:
    """Map a feedback to a review (productValuation is the rating; its text, or pros and cons without one)."""
    details = item.productDetails
    text = item.text or "\n".join(part for part in (item.pros, item.cons) if part)
    return MarketReview(
        review_id=item.id, rating=item.productValuation, created_at=parse_moscow(item.createdDate),
        product_id=str(details.nmId) if details.nmId is not None else None, article=_text(details.supplierArticle),
        size=_size(details.size), text=text or "", author=item.userName or "",
    )


def size_stock_from_wire(row: SupplierStock) -> SizeStock:
    """Map a statistics stock row to the units of one size (barcode) at one WB warehouse."""
    return SizeStock(product_id=str(row.nmId), size_key=row.barcode or f"{row.nmId}:{row.techSize}",
                     warehouse=row.warehouseName, quantity=row.quantity, article=row.supplierArticle,
                     size=_size(row.techSize))


def card_from_wire(card: Card) -> ProductCard:
    """Map a content card to what a notification shows: title, article and the first photo's URL."""
    photo = card.photos[0] if card.photos else None
    url = (photo.big or photo.c516x688 or photo.c246x328) if photo is not None else None
    return ProductCard(product_id=str(card.nmID), article=card.vendorCode, title=card.title, photo_url=url)
