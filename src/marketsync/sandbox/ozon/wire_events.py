"""How the emulated Ozon renders postings (FBS `v3FbsPosting`, FBO `v2FboPosting`), returns and reviews, field
names and types as in ozon/swagger.json. Dates are UTC with a Z (tag "Getting started"); a date Ozon has not
set yet is left out rather than sent as null (the spec types them as plain strings)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from marketsync.sandbox.ozon.postings import CANCELLED, DELIVERED, OzonPosting, OzonReturn, OzonReview, PostingLine

COMMISSION_PERCENT = 15  # what the emulated Ozon keeps of a unit's price
SUBSTATUS = {"awaiting_packaging": "posting_created", "delivering": "posting_transferred_to_courier_service",
             "delivered": "posting_delivered", "cancelled": "posting_canceled"}


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"  # milliseconds, as Ozon writes them


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _product(line: PostingLine, *, fbo: bool) -> dict[str, Any]:
    rendered: dict[str, Any] = {"sku": line.sku, "name": line.name, "offer_id": line.offer_id,
                                "price": _money(line.price), "quantity": line.quantity, "currency_code": "RUB",
                                "is_marketplace_buyout": False}
    if fbo:
        rendered["digital_codes"] = []
    else:
        rendered["is_blr_traceable"] = False
    return rendered


def _financial(posting: OzonPosting) -> dict[str, Any]:
    products = []
    for line in posting.lines:
        total = line.price * line.quantity
        commission = (total * COMMISSION_PERCENT / 100).quantize(Decimal("0.01"))
        products.append({"product_id": line.sku, "price": float(line.price), "old_price": float(line.price),
                         "quantity": line.quantity, "payout": float(total - commission),
                         "commission_amount": float(commission), "commission_percent": COMMISSION_PERCENT,
                         "commissions_currency_code": "RUB", "currency_code": "RUB", "actions": [],
                         "total_discount_percent": 0.0, "total_discount_value": 0.0})
    return {"cluster_from": "Москва, МО и Дальние регионы", "cluster_to": posting.cluster_to, "products": products}


def fbs_posting_to_wire(posting: OzonPosting, *, analytics: bool, financial: bool) -> dict[str, Any]:
    """Render one `/v3/posting/fbs/list` posting; analytics and financial data only when asked with `with`."""
    rendered: dict[str, Any] = {
        "posting_number": posting.posting_number,
        "order_id": posting.order_id,
        "order_number": posting.order_number,
        "status": posting.status,
        "substatus": SUBSTATUS.get(posting.status, ""),
        "delivery_method": {"id": 1020000245634000, "name": f"Ozon Логистика, {posting.warehouse_name}",
                            "warehouse_id": posting.warehouse_id, "warehouse": posting.warehouse_name,
                            "tpl_provider_id": 24, "tpl_provider": "Ozon Логистика"},
        "tracking_number": "",
        "tpl_integration_type": "ozon",
        "in_process_at": _time(posting.in_process_at),
        "shipment_date": _time(posting.in_process_at + timedelta(days=1)),
        "products": [_product(line, fbo=False) for line in posting.lines],
        "available_actions": [] if posting.status in (CANCELLED, DELIVERED) else ["cancel"],
        "is_express": False,
        "is_multibox": False,
        "multi_box_qty": 0,
        "parent_posting_number": "",
        "prr_option": "",
        "quantum_id": 0,
        "requirements": {"products_requiring_gtd": [], "products_requiring_country": [],
                         "products_requiring_mandatory_mark": [], "products_requiring_jw_uin": [],
                         "products_requiring_rnpt": [], "products_requiring_change_country": []},
    }
    if posting.delivering_date is not None:
        rendered["delivering_date"] = _time(posting.delivering_date)
    if posting.status == CANCELLED:
        rendered["cancellation"] = {"cancel_reason_id": posting.cancel_reason_id,
                                    "cancel_reason": posting.cancel_reason, "cancellation_type": "client",
                                    "cancelled_after_ship": posting.delivering_date is not None,
                                    "affect_cancellation_rating": False,
                                    "cancellation_initiator": posting.cancellation_initiator}
    if analytics:
        data: dict[str, Any] = {"region": posting.region, "city": posting.city, "delivery_type": "PVZ",
                                "is_premium": False, "payment_type_group_name": "картой онлайн",
                                "warehouse_id": posting.warehouse_id, "warehouse": posting.warehouse_name,
                                "tpl_provider": "Ozon Логистика", "tpl_provider_id": 24, "is_legal": False}
        if posting.delivered_at is not None:
            data["delivery_date_begin"] = _time(posting.delivering_date or posting.delivered_at)
            data["delivery_date_end"] = _time(posting.delivered_at)
        rendered["analytics_data"] = data
    if financial:
        rendered["financial_data"] = _financial(posting)
    return rendered


def fbo_posting_to_wire(posting: OzonPosting, *, analytics: bool, financial: bool) -> dict[str, Any]:
    """Render one `/v2/posting/fbo/list` posting (FBO analytics carry the city and Ozon's warehouse only)."""
    rendered: dict[str, Any] = {
        "order_id": posting.order_id,
        "order_number": posting.order_number,
        "posting_number": posting.posting_number,
        "status": posting.status,
        "cancel_reason_id": posting.cancel_reason_id,
        "created_at": _time(posting.in_process_at),
        "in_process_at": _time(posting.in_process_at),
        "products": [_product(line, fbo=True) for line in posting.lines],
        "additional_data": [],
    }
    if analytics:
        rendered["analytics_data"] = {"city": posting.city, "delivery_type": "PVZ", "is_premium": False,
                                      "payment_type_group_name": "картой онлайн",
                                      "warehouse_id": posting.warehouse_id, "warehouse_name": posting.warehouse_name,
                                      "is_legal": False}
    if financial:
        rendered["financial_data"] = _financial(posting)
    return rendered


def return_to_wire(item: OzonReturn, company_id: int) -> dict[str, Any]:
    """Render one `/v1/returns/list` item."""
    place = {"id": item.place_id, "name": item.place_name, "address": ""}
    return {
        "id": item.id,
        "company_id": company_id,
        "return_reason_name": item.reason,
        "type": item.type,
        "schema": item.schema,
        "order_id": item.order_id,
        "order_number": item.order_number,
        "posting_number": item.posting_number,
        "place": place,
        "target_place": place,
        "product": {"sku": item.sku, "offer_id": item.offer_id, "name": item.name,
                    "price": {"currency_code": "RUB", "price": float(item.price)},
                    "price_without_commission": {"currency_code": "RUB",
                                                 "price": float(item.price * (100 - COMMISSION_PERCENT) / 100)},
                    "commission_percent": float(COMMISSION_PERCENT),
                    "commission": {"currency_code": "RUB", "price": float(item.price * COMMISSION_PERCENT / 100)},
                    "quantity": item.quantity},
        "logistic": {"return_date": _time(item.return_date), "barcode": f"ii{item.id}"},
        "visual": {"status": {"id": 1, "display_name": item.status_name, "sys_name": item.status},
                   "change_moment": _time(item.change_moment)},
        "additional_info": {"is_opened": False, "is_super_econom": False},
        "exemplars": [{"id": item.id * 10 + n} for n in range(item.quantity)],
        "source_id": 0,
        "clearing_id": 0,
        "return_clearing_id": 0,
    }


def review_to_wire(review: OzonReview) -> dict[str, Any]:
    """Render one `/v1/review/list` review."""
    return {"id": review.id, "sku": review.sku, "rating": review.rating, "text": review.text,
            "published_at": _time(review.published_at), "status": review.status,
            "order_status": review.order_status, "is_rating_participant": True, "comments_amount": 0,
            "photos_amount": review.photos, "videos_amount": 0}
