"""Pure mapping of Ozon's postings, returns, reviews and product infos to event records: ids, kinds, which
returns count, UTC times, the main picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from marketsync.connectors.ozon.mapping_events import (
    buyouts_from_posting,
    card_from_info,
    orders_from_posting,
    return_from_wire,
)
from marketsync.connectors.ozon.schemas import ProductInfo
from marketsync.connectors.ozon.schemas_events import FboPosting, FbsPosting, ReturnItem
from marketsync.connectors.records import BUYOUT, RETURN

SEEN = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _fbs(status: str, **extra: object) -> FbsPosting:
    return FbsPosting.model_validate({
        "posting_number": "123-0001-1", "status": status, "in_process_at": "2026-12-05T10:00:00Z",
        "delivery_method": {"warehouse": "Склад на Ленина"},
        "products": [{"sku": 11, "offer_id": "A-1", "price": "990.00", "quantity": 1},
                     {"sku": 12, "offer_id": "A-2", "price": "", "quantity": 2}],
        "financial_data": {"cluster_to": "Казань", "products": [{"product_id": 12, "payout": 1700, "quantity": 2}]},
        **extra})


def test_each_line_of_a_posting_is_an_order_keyed_by_posting_and_sku() -> None:
    orders = orders_from_posting(_fbs("cancelled"), SEEN)
    assert [(o.order_id, o.article, o.product_id, o.price) for o in orders] == [
        ("123-0001-1:11", "A-1", "11", Decimal("990.00")), ("123-0001-1:12", "A-2", "12", Decimal("0"))]
    first = orders[0]
    assert first.cancelled and first.cancelled_at is None and first.changed_at == SEEN
    assert first.ordered_at == datetime(2026, 12, 5, 10, tzinfo=UTC)
    assert (first.warehouse, first.region) == ("Склад на Ленина", "Казань")  # no analytics: the cluster


def test_only_a_delivered_posting_is_bought_out_dated_by_its_delivery() -> None:
    assert buyouts_from_posting(_fbs("delivering"), SEEN) == []
    sales = buyouts_from_posting(_fbs("delivered", analytics_data={"delivery_date_end": "2026-12-06T18:00:00Z",
                                                                   "region": "Татарстан"}), SEEN)
    assert [(s.sale_id, s.kind, s.order_id, s.for_pay) for s in sales] == [
        ("S:123-0001-1:11", BUYOUT, "123-0001-1:11", None), ("S:123-0001-1:12", BUYOUT, "123-0001-1:12",
                                                               Decimal("850.00"))]
    assert sales[0].sold_at == datetime(2026, 12, 6, 18, tzinfo=UTC) and sales[0].region == "Татарстан"
    fbo = FboPosting.model_validate({"posting_number": "9-1-1", "status": "delivered",
                                     "created_at": "2026-12-01T08:00:00Z", "products": [{"sku": 5, "offer_id": "B"}],
                                     "analytics_data": {"warehouse_name": "КАЗАНЬ_РФЦ_НОВЫЙ", "city": "Казань"}})
    [sale] = buyouts_from_posting(fbo, SEEN)
    assert sale.sold_at == datetime(2026, 12, 1, 8, tzinfo=UTC) and sale.warehouse == "КАЗАНЬ_РФЦ_НОВЫЙ"


def _return(kind: str, status: str = "MovingToSeller") -> ReturnItem:
    return ReturnItem.model_validate({
        "id": 77, "type": kind, "schema": "FBS", "posting_number": "123-0001-1",
        "product": {"sku": 11, "offer_id": "A-1", "price": {"price": 990.0}},
        "logistic": {"return_date": "2026-12-06T12:00:00+03:00"},
        "visual": {"status": {"sys_name": status}, "change_moment": "2026-12-06T12:30:00"},
        "place": {"name": "ПВЗ на Ленина"}})


def test_a_buyers_return_is_a_sale_and_cancellations_or_refusals_are_not() -> None:
    sale = return_from_wire(_return("ClientReturn"), SEEN)
    assert sale is not None
    assert (sale.sale_id, sale.kind, sale.order_id, sale.price, sale.warehouse) == (
        "R:77", RETURN, "123-0001-1:11", Decimal("990.0"), "ПВЗ на Ленина")
    assert sale.sold_at == datetime(2026, 12, 6, 9, tzinfo=UTC)  # +03:00 made UTC
    assert sale.changed_at == datetime(2026, 12, 6, 12, 30, tzinfo=UTC)  # no offset: taken as UTC
    assert return_from_wire(_return("Cancellation"), SEEN) is None
    assert return_from_wire(_return("Unknown"), SEEN) is None
    assert return_from_wire(_return("ClientReturn", "Rejected"), SEEN) is None


@pytest.mark.parametrize(("images", "primary", "photo"), [
    (["a.jpg", "b.jpg"], [], "a.jpg"), (["a.jpg"], ["p.jpg"], "p.jpg"), ([], [], None)])
def test_a_card_is_keyed_by_sku_with_its_main_picture(images: list[str], primary: list[str],
                                                      photo: str | None) -> None:
    card = card_from_info(ProductInfo(id=1, offer_id="A-1", sku=11, name="Товар", images=images,
                                      primary_image=primary))
    assert card is not None and (card.product_id, card.article, card.title, card.photo_url) == (
        "11", "A-1", "Товар", photo)
    assert card_from_info(ProductInfo(id=2, offer_id="NEW", sku=0)) is None


def test_times_with_an_offset_become_utc() -> None:
    moscow = timezone(timedelta(hours=3))
    posting = FbsPosting(posting_number="1", in_process_at=datetime(2026, 1, 1, 12, tzinfo=moscow))
    assert posting.in_process_at == datetime(2026, 1, 1, 9, tzinfo=UTC)
