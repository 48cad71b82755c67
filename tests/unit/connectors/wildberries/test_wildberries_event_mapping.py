"""WB's rows of what buyers did become records in UTC: Moscow time without an offset read as UTC+3, WB's
"never" date as none, sale ids S… and R… told apart, money in kopecks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from marketsync.connectors.records import BUYOUT, RETURN
from marketsync.connectors.wildberries.mapping import moscow_date_from
from marketsync.connectors.wildberries.mapping_events import (
    card_from_wire,
    money,
    order_from_wire,
    review_from_wire,
    sale_from_wire,
)
from marketsync.connectors.wildberries.schemas import Card
from marketsync.connectors.wildberries.schemas_events import Feedback, OrderRow, SaleRow

ROW = {"date": "2025-03-01T23:30:00", "lastChangeDate": "2025-03-02T00:05:10", "supplierArticle": "ART",
       "nmId": 123, "barcode": "4600000000017", "techSize": "0", "priceWithDisc": 1547.005, "srid": "11.rf9.3.0",
       "warehouseName": "Подольск", "regionName": "Московская"}


def test_an_order_at_2330_moscow_time_is_2030_utc_and_the_change_the_next_day_in_moscow_the_same_day_in_utc():
    order = order_from_wire(OrderRow.model_validate({**ROW, "isCancel": False, "cancelDate": "0001-01-01T00:00:00"}))

    assert order.ordered_at == datetime(2025, 3, 1, 20, 30, tzinfo=UTC)
    assert order.changed_at == datetime(2025, 3, 1, 21, 5, 10, tzinfo=UTC)
    assert (order.order_id, order.size, order.cancelled, order.cancelled_at) == ("11.rf9.3.0", None, False, None)
    assert order.price == Decimal("1547.01")


def test_a_cancelled_order_carries_its_cancellation_in_utc():
    order = order_from_wire(OrderRow.model_validate({**ROW, "isCancel": True, "cancelDate": "2025-03-02T01:00:00"}))

    assert order.cancelled and order.cancelled_at == datetime(2025, 3, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(("sale_id", "kind"), [("S9993700024", BUYOUT), ("R9993700025", RETURN), ("D1", None)])
def test_sale_ids_tell_buyouts_from_returns(sale_id: str, kind: str | None):
    sale = sale_from_wire(SaleRow.model_validate({**ROW, "saleID": sale_id, "forPay": -1284.01,
                                                  "priceWithDisc": -1547}))

    assert (sale.kind if sale else None) == kind
    if sale is not None:
        assert sale.price == Decimal("1547.00") and sale.for_pay == Decimal("-1284.01") and sale.order_id == ROW["srid"]


def test_a_review_time_with_or_without_an_offset_is_the_same_moment():
    base = {"id": "X", "productValuation": 2, "text": "", "pros": "Цена", "cons": "Маломерит",
            "productDetails": {"nmId": 5, "supplierArticle": "ART", "size": "M"}, "userName": "Ольга"}
    with_offset = review_from_wire(Feedback.model_validate({**base, "createdDate": "2024-09-26T10:20:48+03:00"}))
    in_utc = review_from_wire(Feedback.model_validate({**base, "createdDate": "2024-09-26T07:20:48Z"}))

    assert with_offset.created_at == in_utc.created_at == datetime(2024, 9, 26, 7, 20, 48, tzinfo=UTC)
    assert (with_offset.text, with_offset.size, with_offset.author) == ("Цена\nМаломерит", "M", "Ольга")


def test_date_from_goes_out_in_moscow_time_without_an_offset():
    assert moscow_date_from(datetime(2025, 3, 1, 20, 30, tzinfo=UTC)) == "2025-03-01T23:30:00"


def test_a_card_shows_its_first_photo_and_money_rounds_half_up():
    card = card_from_wire(Card.model_validate({"nmID": 1, "vendorCode": "A", "title": "Кружка", "photos": [
        {"big": "https://b/1.webp", "c246x328": "https://s/1.webp"}, {"big": "https://b/2.webp"}]}))

    assert card.photo_url == "https://b/1.webp" and card_from_wire(Card(nmID=2)).photo_url is None
    assert money(0.005) == Decimal("0.01") and money(None) == Decimal("0.00")
