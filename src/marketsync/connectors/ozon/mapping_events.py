"""Pure mapping of Ozon's postings, returns, reviews, product infos and stock levels to the EventFeed's records.

One record per posting product line: order id `<posting number>:<sku>`, buyout id `S:<posting number>:<sku>`,
return id `R:<return id>`; the product id everywhere is Ozon's SKU (what postings, returns and reviews name),
the article the seller's offer_id. Times are aware UTC (the wire's already are).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from marketsync.connectors.ozon.schemas import ProductInfo
from marketsync.connectors.ozon.schemas_events import (
    FboPosting,
    FbsPosting,
    PostingProduct,
    ReturnItem,
    Review,
)
from marketsync.connectors.records import (
    BUYOUT,
    RETURN,
    MarketOrder,
    MarketReview,
    MarketSale,
    ProductCard,
    SizeStock,
    StockLevel,
)

CANCELLED, DELIVERED = "cancelled", "delivered"
# Return types that are units coming back from a buyer; `Cancellation` (before hand-over) is a cancelled posting
# and `Unknown` a technical return of the logistics, neither a buyer's return.
RETURN_TYPES = ("ClientReturn", "FullReturn", "PartialReturn")
# A return request Ozon or the seller turned down: nothing came back.
REFUSED_RETURNS = ("Rejected", "CrmRejected", "Cancelled", "CancelledDisputeNotOpen")
Posting = FbsPosting | FboPosting


def order_key(posting_number: str, sku: int) -> str:
    """Return the id of one posting line: unique per posting and product."""
    return f"{posting_number}:{sku}"


def _processed(posting: Posting, seen_at: datetime) -> datetime:
    created = posting.created_at if isinstance(posting, FboPosting) else None
    return posting.in_process_at or created or seen_at


def _warehouse(posting: Posting) -> str | None:
    if isinstance(posting, FbsPosting):
        method = posting.delivery_method
        name = (method.warehouse if method else "") or (posting.analytics_data.warehouse
                                                         if posting.analytics_data else "")
    else:
        name = posting.analytics_data.warehouse_name if posting.analytics_data else ""
    return name or None


def _region(posting: Posting) -> str | None:
    # FBS analytics name the region only for rFBS, the city for CIS sellers; financial data name the cluster
    # the posting is delivered to ("Москва, МО и Дальние регионы"), which is what most sellers get.
    analytics = posting.analytics_data
    region = getattr(analytics, "region", "") if analytics else ""
    cluster = posting.financial_data.cluster_to if posting.financial_data else ""
    return region or (analytics.city if analytics else "") or cluster or None


def orders_from_posting(posting: Posting, seen_at: datetime) -> list[MarketOrder]:
    """One order per product line; `changed_at` is when we read it (Ozon gives no change time of a posting)."""
    ordered, warehouse, region = _processed(posting, seen_at), _warehouse(posting), _region(posting)
    cancelled = posting.status == CANCELLED
    return [MarketOrder(order_id=order_key(posting.posting_number, line.sku), ordered_at=ordered,
                        changed_at=seen_at, article=line.offer_id, product_id=str(line.sku) if line.sku else None,
                        price=line.price, warehouse=warehouse, region=region, cancelled=cancelled,
                        cancelled_at=None)  # no list or posting method says when it was cancelled
            for line in posting.products]


def _delivered_at(posting: Posting, seen_at: datetime) -> datetime:
    # FBS: the end of delivery (analytics), else the hand-over to delivery; FBO lists no delivery time at all, so
    # an FBO buyout is dated by its posting. Stable over re-reads, unlike the moment we happened to see it.
    if isinstance(posting, FbsPosting):
        analytics = posting.analytics_data
        end = analytics.delivery_date_end if analytics else None
        if end is not None:
            return end
        if posting.delivering_date is not None:
            return posting.delivering_date
    return _processed(posting, seen_at)


def _payout(posting: Posting, line: PostingProduct) -> Decimal | None:
    products = posting.financial_data.products if posting.financial_data else []
    money = next((p for p in products if p.product_id == line.sku and p.payout is not None), None)
    if money is None or money.payout is None:
        return None
    return (money.payout / max(1, money.quantity or line.quantity)).quantize(Decimal("0.01"))


def buyouts_from_posting(posting: Posting, seen_at: datetime) -> list[MarketSale]:
    """One buyout per product line of a delivered posting (none for any other status)."""
    if posting.status != DELIVERED:
        return []
    sold, warehouse, region = _delivered_at(posting, seen_at), _warehouse(posting), _region(posting)
    return [MarketSale(sale_id=f"S:{order_key(posting.posting_number, line.sku)}", kind=BUYOUT, sold_at=sold,
                       changed_at=seen_at, article=line.offer_id,
                       order_id=order_key(posting.posting_number, line.sku),
                       product_id=str(line.sku) if line.sku else None, price=line.price,
                       for_pay=_payout(posting, line), warehouse=warehouse, region=region)
            for line in posting.products]


def return_from_wire(item: ReturnItem, seen_at: datetime) -> MarketSale | None:
    """A buyer's return of one line, or None for a cancellation, a technical return or a refused request."""
    status = item.visual.status.sys_name if item.visual and item.visual.status else ""
    if item.type not in RETURN_TYPES or status in REFUSED_RETURNS:
        return None
    product = item.product
    sku = product.sku if product else 0
    changed = (item.visual.change_moment if item.visual else None) or seen_at
    price = product.price.price if product and product.price and product.price.price is not None else Decimal(0)
    return MarketSale(sale_id=f"R:{item.id}", kind=RETURN,
                      sold_at=(item.logistic.return_date if item.logistic else None) or changed,
                      changed_at=changed, article=product.offer_id if product else "",
                      order_id=order_key(item.posting_number, sku) if item.posting_number and sku else None,
                      product_id=str(sku) if sku else None, price=Decimal(price),
                      warehouse=(item.place.name if item.place else "") or None)


def review_from_wire(review: Review, article: str | None) -> MarketReview:
    """A review of a SKU (Ozon names no author in the list)."""
    return MarketReview(review_id=review.id, rating=review.rating, created_at=review.published_at,
                        product_id=str(review.sku) if review.sku else None, article=article, text=review.text)


def card_from_info(info: ProductInfo) -> ProductCard | None:
    """A product's card keyed by its SKU (None until Ozon gave it one), with its main picture."""
    if not info.sku:
        return None
    photo = next(iter(info.primary_image or info.images), None)
    return ProductCard(product_id=str(info.sku), article=info.offer_id, title=info.name, photo_url=photo or None)


def size_stock_from_level(level: StockLevel, sku: int) -> SizeStock:
    """Units of an offer (Ozon has no sizes: the offer is the size) at one FBS or FBO warehouse."""
    return SizeStock(product_id=str(sku), size_key=level.stock_key,
                     warehouse=level.warehouse_name or level.warehouse_id, quantity=level.quantity,
                     article=level.stock_key)
