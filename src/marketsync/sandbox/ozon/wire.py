"""How the emulated Ozon renders its objects, field names and types as in ozon/swagger.json."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marketsync.sandbox.ozon.state import FBO_WAREHOUSES, OzonProduct, OzonSeller, OzonWarehouse

FBO_BY_ID = {w[0]: w for w in FBO_WAREHOUSES}


def _time(moment: datetime) -> str:
    # Seller API works in UTC and writes date-times as RFC 3339 with Z ("Getting started").
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def warehouse_to_wire(warehouse: OzonWarehouse) -> dict[str, Any]:
    """Render one `/v1/warehouse/list` result item."""
    return {
        "warehouse_id": warehouse.warehouse_id,
        "name": warehouse.name,
        "is_rfbs": warehouse.is_rfbs,
        "status": warehouse.status,
        "has_entrusted_acceptance": False,
        "can_print_act_in_advance": False,
        "first_mile_type": {"dropoff_point_id": "", "dropoff_timeslot_id": 0, "first_mile_is_changing": False,
                            "first_mile_type": "DropOff"},
        "has_postings_limit": False,
        "is_karantin": False,
        "is_kgt": False,
        "is_economy": False,
        "is_timetable_editable": True,
        "min_postings_limit": 0,
        "postings_limit": -1,
        "min_working_days": 5,
        "working_days": ["1", "2", "3", "4", "5"],
    }


def _has_fbs(seller: OzonSeller, product: OzonProduct) -> bool:
    return any(record[0] > 0 for record in seller.fbs.get(product.product_id, {}).values())


def _has_fbo(seller: OzonSeller, product: OzonProduct) -> bool:
    return any(amount > 0 for amount in seller.fbo.get(product.product_id, {}).values())


def list_item_to_wire(seller: OzonSeller, product: OzonProduct) -> dict[str, Any]:
    """Render one `/v3/product/list` item (no `quants`: the spec types it as an object, Ozon sends a list)."""
    return {
        "product_id": product.product_id,
        "offer_id": product.offer_id,
        "archived": product.archived,
        "has_fbo_stocks": _has_fbo(seller, product),
        "has_fbs_stocks": _has_fbs(seller, product),
        "is_discounted": False,
    }


def info_to_wire(seller: OzonSeller, product: OzonProduct) -> dict[str, Any]:
    """Render one `/v3/product/info/list` item: ids, barcodes, name, prices, statuses, stock summary."""
    records = seller.fbs.get(product.product_id, {}).values()
    present = {"fbs": sum(r[0] for r in records), "fbo": sum(seller.fbo.get(product.product_id, {}).values())}
    reserved = {"fbs": sum(r[1] for r in records), "fbo": 0}
    price = f"{product.price:.2f}"
    status = "price_sent" if product.price_sent else "moderating"
    return {
        "id": product.product_id,
        "offer_id": product.offer_id,
        "sku": product.sku,
        "name": product.name,
        "barcodes": list(product.barcodes),
        "is_archived": product.archived,
        "is_autoarchived": False,
        "is_discounted": False,
        "is_kgt": False,
        "created_at": _time(product.created_at),
        "updated_at": _time(product.updated_at),
        "currency_code": "RUB",
        "price": price,
        "old_price": "",
        "min_price": "",
        "marketing_price": price,
        "vat": "0.2",
        "images": list(product.images),
        "primary_image": [],
        "statuses": {"is_created": product.price_sent, "moderate_status": "approved" if product.price_sent
                     else "moderating", "status": status, "status_name": "Готов к продаже" if product.price_sent
                     else "На модерации", "status_updated_at": _time(product.updated_at)},
        "stocks": {"has_stock": present["fbs"] + present["fbo"] > 0,
                   "stocks": [{"present": present[kind], "reserved": reserved[kind], "sku": product.sku,
                               "source": kind} for kind in ("fbs", "fbo") if product.sku]},
        "visibility_details": {"has_price": product.price > 0, "has_stock": present["fbs"] + present["fbo"] > 0},
        "sources": [{"sku": product.sku, "source": "sds", "created_at": _time(product.created_at),
                     "shipment_type": "SHIPMENT_TYPE_GENERAL", "quant_code": ""}] if product.sku else [],
    }


def fbs_row_to_wire(product: OzonProduct, warehouse: OzonWarehouse, record: list[int]) -> dict[str, Any]:
    """Render one `/v1/product/info/stocks-by-warehouse/fbs` row: `present` includes the reserved units."""
    return {
        "sku": product.sku,
        "present": record[0],
        "product_id": product.product_id,
        "reserved": record[1],
        "warehouse_id": warehouse.warehouse_id,
        "warehouse_name": warehouse.name,
    }


def fbo_row_to_wire(product: OzonProduct, warehouse_id: int, available: int) -> dict[str, Any]:
    """Render one `/v1/analytics/stocks` item for an offer at one of Ozon's warehouses."""
    _wid, name, cluster_id, cluster_name = FBO_BY_ID[warehouse_id]
    return {
        "sku": product.sku,
        "offer_id": product.offer_id,
        "name": product.name,
        "warehouse_id": warehouse_id,
        "warehouse_name": name,
        "cluster_id": cluster_id,
        "cluster_name": cluster_name,
        "available_stock_count": available,
        "valid_stock_count": available,
        "transit_stock_count": 0,
        "requested_stock_count": 0,
        "waiting_docs_stock_count": 0,
        "expiring_stock_count": 0,
        "other_stock_count": 0,
        "excess_stock_count": 0,
        "return_from_customer_stock_count": 0,
        "return_to_seller_stock_count": 0,
        "stock_defect_stock_count": 0,
        "transit_defect_stock_count": 0,
        "ads": 0.0,
        "ads_cluster": 0.0,
        "idc": 0.0,
        "idc_cluster": 0.0,
        "days_without_sales": 0,
        "days_without_sales_cluster": 0,
        "item_tags": [],
        "turnover_grade": "TURNOVER_GRADE_NONE",
        "turnover_grade_cluster": "TURNOVER_GRADE_NONE",
    }
