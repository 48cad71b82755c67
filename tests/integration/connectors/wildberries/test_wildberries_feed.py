"""The Wildberries connector as an EventFeed against the emulated WB over real HTTP: what buyers did comes back
as records in UTC (WB speaks Moscow time without an offset), paged by lastChangeDate, each row once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from marketsync.connectors.capabilities import EventFeed
from marketsync.connectors.errors import ConfigError
from marketsync.connectors.records import BUYOUT, RETURN, StockUpdate
from marketsync.sandbox.wildberries import events

T0 = datetime(2025, 3, 1, 20, 30, tzinfo=UTC)  # 23:30 in Moscow


def _calls(state, method: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot().get("wildberries", {}).get("by_method", {}).get(method, 0))


@pytest.fixture
def seller(wb_seller, sandbox_state):  # type: ignore[no-untyped-def]
    sandbox_state.wildberries.set_now(datetime(2025, 3, 10, tzinfo=UTC))  # orders are kept 90 days
    return wb_seller(offers=[
        {"vendor_code": "ART-1", "title": "Кружка", "barcodes": ["4600000000017"], "photos": 2},
        {"vendor_code": "ART-2", "title": "Футболка", "photos": 0,
         "sizes": [{"tech_size": "M", "barcodes": ["4600000000024"]}, {"tech_size": "L", "barcodes": ["46031"]}]}])


def test_the_connector_is_an_event_feed(seller, wb_connector):
    assert isinstance(wb_connector(seller["token"]), EventFeed)


def test_an_order_at_2330_moscow_time_is_2030_utc_and_asked_for_in_moscow_time(seller, wb_connector, sandbox_state,
                                                                             monkeypatch):
    wb = sandbox_state.wildberries
    placed = events.place_order(wb, seller["token"], barcode="4600000000017", at=T0, price=1000, region=1)
    sent: list[httpx.Request] = []
    original = httpx.Client.send

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(request)
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)

    orders = [o for page in wb_connector(seller["token"]).iter_orders(T0 - timedelta(hours=1)) for o in page]

    assert [(o.order_id, o.ordered_at, o.changed_at) for o in orders] == [(placed.srid, T0, T0)]
    order = orders[0]
    assert (order.article, order.product_id, order.barcode, order.size) == (
        "ART-1", str(seller["cards"][0]["nmID"]), "4600000000017", None)
    assert order.price == Decimal("900.00") and not order.cancelled and order.region == "Санкт-Петербург"
    assert order.warehouse == "Коледино"
    assert sent[0].url.params["dateFrom"] == "2025-03-01T22:30:00" and sent[0].url.params["flag"] == "0"


def test_orders_are_paged_by_last_change_date_and_each_comes_once(seller, wb_connector, sandbox_state):
    wb = sandbox_state.wildberries
    wb.statistics_page_size = 3
    made = [events.place_order(wb, seller["token"], at=T0 + timedelta(minutes=n)) for n in range(5)]
    # Two more change at the same second as the third one: a page boundary repeats that second.
    same = [events.place_order(wb, seller["token"], at=T0 + timedelta(minutes=2)) for _ in range(2)]
    connector = wb_connector(seller["token"])
    connector.reports.last_page_below = 3  # pages of 3 rows count as full here, as 80,000 do at WB

    pages = list(connector.iter_orders(T0))

    ids = [o.order_id for page in pages for o in page]
    assert sorted(ids) == sorted(o.srid for o in made + same) and len(ids) == len(set(ids)) == 7
    changed = [o.changed_at for page in pages for o in page]
    assert changed == sorted(changed)  # oldest change first
    assert _calls(sandbox_state, "GET /api/v1/supplier/orders") == len(pages) + 1  # the last answer added nothing


def test_a_cancelled_order_comes_again_cancelled_with_its_time(seller, wb_connector, sandbox_state):
    wb = sandbox_state.wildberries
    order = events.place_order(wb, seller["token"], at=T0)
    events.cancel_order(wb, seller["token"], order.srid, at=T0 + timedelta(hours=2))

    again = [o for page in wb_connector(seller["token"]).iter_orders(T0 + timedelta(hours=1)) for o in page]

    assert [(o.order_id, o.cancelled, o.cancelled_at, o.changed_at) for o in again] == [
        (order.srid, True, T0 + timedelta(hours=2), T0 + timedelta(hours=2))]


def test_buyouts_and_returns_are_told_apart_and_name_their_order(seller, wb_connector, sandbox_state):
    wb, token = sandbox_state.wildberries, seller["token"]
    first, second = (events.place_order(wb, token, at=T0, price=2000) for _ in range(2))
    bought = events.buy_out(wb, token, first.srid, at=T0 + timedelta(days=1))
    events.buy_out(wb, token, second.srid, at=T0 + timedelta(days=1, hours=1))
    returned = events.return_order(wb, token, second.srid, at=T0 + timedelta(days=2))

    sales = [s for page in wb_connector(token).iter_sales(T0) for s in page]

    assert [(s.sale_id[0], s.kind, s.order_id) for s in sales] == [
        ("S", BUYOUT, first.srid), ("S", BUYOUT, second.srid), ("R", RETURN, second.srid)]
    assert sales[0].sale_id == bought.sale_id and sales[2].sale_id == returned.sale_id
    assert sales[0].sold_at == T0 + timedelta(days=1) and sales[2].changed_at == T0 + timedelta(days=2)
    assert sales[2].price == Decimal("1800.00") and sales[2].for_pay is not None and sales[2].for_pay < 0
    late = [s for page in wb_connector(token).iter_sales(T0 + timedelta(days=1, minutes=30)) for s in page]
    assert [s.kind for s in late] == [BUYOUT, RETURN]


def test_reviews_answered_or_not_since_a_moment(seller, wb_connector, sandbox_state):
    wb, token = sandbox_state.wildberries, seller["token"]
    events.write_review(wb, token, rating=5, text="Старый", at=T0 - timedelta(days=3))
    bad = events.write_review(wb, token, barcode="46031", rating=2, text="Маломерит", at=T0)
    good = events.write_review(wb, token, rating=4, text="Хорошо", answer="Спасибо!", at=T0 + timedelta(hours=1))

    reviews = [r for page in wb_connector(token).iter_reviews(T0 - timedelta(minutes=1)) for r in page]

    assert [(r.review_id, r.rating, r.text, r.created_at) for r in reviews] == [
        (bad.id, 2, "Маломерит", T0), (good.id, 4, "Хорошо", T0 + timedelta(hours=1))]
    assert (reviews[0].product_id, reviews[0].article, reviews[0].size) == (
        str(seller["cards"][1]["nmID"]), "ART-2", "L")


def test_stock_per_size_and_a_move_between_warehouses_keeps_the_total(seller, wb_connector, sandbox_state):
    wb, token = sandbox_state.wildberries, seller["token"]
    events.set_stock(wb, token, barcode="4600000000024", warehouse="Коледино", quantity=5, at=T0)
    events.set_stock(wb, token, barcode="46031", warehouse="Казань", quantity=1, at=T0)
    events.move_stock(wb, token, barcode="4600000000024", source="Коледино", target="Казань", quantity=2,
                      at=T0 + timedelta(hours=1))

    stocks = [s for page in wb_connector(token).iter_size_stocks() for s in page]

    seen = sorted((s.size_key, s.warehouse, s.quantity, s.size, s.article) for s in stocks)
    assert seen == [("4600000000024", "Казань", 2, "M", "ART-2"), ("4600000000024", "Коледино", 3, "M", "ART-2"),
                    ("46031", "Казань", 1, "L", "ART-2")]


def test_cards_carry_their_first_photo(seller, wb_connector):
    cards = {c.article: c for page in wb_connector(seller["token"]).iter_cards() for c in page}

    assert cards["ART-1"].title == "Кружка" and cards["ART-1"].photo_url is not None
    assert cards["ART-1"].photo_url.endswith("/images/big/1.webp")
    assert cards["ART-2"].photo_url is None and cards["ART-2"].product_id == str(seller["cards"][1]["nmID"])


def test_without_a_warehouse_the_check_reads_the_sellers_profile_and_a_push_is_a_misconfiguration(
        seller, wb_connector, sandbox_state):
    sandbox_state.wildberries.seller(seller["token"]).name = "ИП Кружкин"
    connector = wb_connector(seller["token"])

    result = connector.check()

    assert result.ok and "ИП Кружкин" in result.message
    assert _calls(sandbox_state, "GET /api/v1/seller-info") == 1
    assert _calls(sandbox_state, "GET /api/v3/warehouses") == 0
    with pytest.raises(ConfigError) as raised:
        connector.update_stocks([StockUpdate(str(seller["cards"][0]["chrtIDs"][0]), 1)])
    assert raised.value.key == "no_warehouse" and _calls(sandbox_state, "PUT /api/v3/stocks/{warehouseId}") == 0


def test_a_revoked_token_fails_the_check_saying_so(seller, wb_connector, sandbox_state):
    sandbox_state.wildberries.revoke_token(seller["token"])

    result = wb_connector(seller["token"]).check()

    assert not result.ok and "rejected the token" in result.message
