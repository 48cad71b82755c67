"""The statistics host's orders and sales (12-reports.yaml): dateFrom in Moscow time, flag=0 (rows whose
lastChangeDate is at or after dateFrom, oldest change first, at most `statistics_page_size` of them) and flag=1
(every row whose order or sale date falls on dateFrom's calendar day, time ignored, no cap); rows older than
90 days from placement are gone, as WB keeps them 90 days."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.buyers import WbOrder, WbSale
from marketsync.sandbox.wildberries.state import MOSCOW, WbState
from marketsync.sandbox.wildberries.wire import parse_date_from, statistics_time

KEPT = timedelta(days=90)
NEVER = "0001-01-01T00:00:00"
RowT = TypeVar("RowT", WbOrder, WbSale)


def parse_query(date_from: str | None, flag: str | None) -> tuple[datetime, int]:
    """Check dateFrom and flag as the statistics host does; return (Moscow local dateFrom, flag)."""
    if not date_from:
        raise errors.statistics(["dateFrom: field required"])
    try:
        since = parse_date_from(date_from)
    except ValueError:
        raise errors.statistics("dateFrom: Value not validated") from None
    try:
        value = int(flag) if flag not in (None, "") else 0
    except ValueError:
        raise errors.statistics("flag: Value not validated") from None
    return since, 1 if value == 1 else 0


def select(wb: WbState, rows: Sequence[RowT], since: datetime, flag: int,
           order_date: Callable[[RowT], datetime]) -> list[RowT]:
    """Pick the rows a request with (dateFrom, flag) gets, in WB's order."""
    oldest = wb.now().replace(tzinfo=None) + MOSCOW - KEPT
    kept = [row for row in rows if order_date(row) >= oldest]
    if flag == 1:
        return sorted((row for row in kept if row.date.date() == since.date()), key=lambda row: row.date)
    changed = sorted((row for row in kept if row.changed_at >= since), key=lambda row: row.changed_at)
    return changed[:wb.statistics_page_size]


def _common(order: WbOrder, date: datetime, changed_at: datetime) -> dict[str, Any]:
    return {
        "date": statistics_time(date),
        "lastChangeDate": statistics_time(changed_at),
        "warehouseName": order.warehouse_name,
        "warehouseType": order.warehouse_type,
        "countryName": "Россия",
        "oblastOkrugName": order.oblast,
        "regionName": order.region,
        "supplierArticle": order.supplier_article,
        "nmId": order.nm_id,
        "barcode": order.barcode,
        "category": order.subject,
        "subject": order.subject,
        "brand": order.brand,
        "techSize": order.tech_size,
        "incomeID": order.income_id,
        "isSupply": False,
        "isRealization": True,
        "totalPrice": order.total_price,
        "discountPercent": order.discount_percent,
        "spp": order.spp,
    }


def order_to_wire(order: WbOrder) -> dict[str, Any]:
    """Render an order row (OrdersItem); a live order's cancelDate is WB's "0001-01-01T00:00:00"."""
    return {
        **_common(order, order.date, order.changed_at),
        "finishedPrice": order.finished_price,
        "priceWithDisc": order.price_with_disc,
        "isCancel": order.is_cancel,
        "cancelDate": statistics_time(order.cancel_date) if order.cancel_date else NEVER,
        "sticker": order.sticker,
        "gNumber": order.g_number,
        "srid": order.srid,
    }


def sale_to_wire(sale: WbSale) -> dict[str, Any]:
    """Render a sale row (SalesItem): a buyout S… or a return R… (negative amounts)."""
    sign = -1 if sale.is_return else 1
    order = sale.order
    return {
        **_common(order, sale.date, sale.changed_at),
        "totalPrice": sign * order.total_price,
        "paymentSaleAmount": 0,
        "forPay": sale.for_pay,
        "finishedPrice": sign * order.finished_price,
        "priceWithDisc": sign * order.price_with_disc,
        "saleID": sale.sale_id,
        "sticker": order.sticker,
        "gNumber": order.g_number,
        "srid": order.srid,
    }
