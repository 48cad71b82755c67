"""The emulated Wildberries' buyer side as WB's docs describe it: statistics orders and sales (dateFrom in Moscow
time, flag 0/1, the page cap, 1 request a minute per method with WB's 429), feedbacks, the common host, and the
event generator behind /_control/wildberries/events. Every answer and accepted query is checked against WB's
YAML (SANDBOX_VALIDATE_CONTRACT=1)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from marketsync.sandbox.contract import find_specs_dir
from marketsync.sandbox.state import SandboxState
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.demo_events import demo_tick
from marketsync.sandbox.wildberries.limits import ORDERS, SALES, Limit
from marketsync.sandbox.wildberries.seed import seed_wildberries

STATS, FEEDBACKS, COMMON = "/wildberries/statistics", "/wildberries/feedbacks", "/wildberries/common"
T0 = datetime(2025, 3, 1, 20, 30, tzinfo=UTC)  # 23:30 MSK
AUTH = {"Authorization": "wb-token"}


@pytest.fixture(autouse=True)
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every answer against WB's spec files when they are at hand (always in CI)."""
    if find_specs_dir() is not None:
        monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")


@pytest.fixture
def wb(state: SandboxState) -> Any:
    """A seller «wb-token» with two cards, its clock at 10 March 2025, limits lifted."""
    state.wildberries.relax_limits()
    state.wildberries.set_now(datetime(2025, 3, 10, tzinfo=UTC))
    seed_wildberries(state.wildberries, "wb-token", offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"]},
        {"vendor_code": "B", "sizes": [{"tech_size": "S", "barcodes": ["4600000000024"]}]}])
    return state.wildberries


def _get(client: TestClient, url: str, **params: Any) -> Any:
    return client.get(url, params=params, headers=AUTH)


def test_an_order_reads_in_moscow_time_and_dateFrom_is_moscow_time(client, wb):
    order = events.place_order(wb, "wb-token", at=T0)

    rows = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01T23:30:00").json()

    assert [(r["srid"], r["date"], r["lastChangeDate"], r["isCancel"], r["cancelDate"]) for r in rows] == [
        (order.srid, "2025-03-01T23:30:00", "2025-03-01T23:30:00", False, "0001-01-01T00:00:00")]
    assert _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01T23:30:01").json() == []


def test_flag_0_reads_changes_since_and_flag_1_the_orders_of_one_day(client, wb):
    early = events.place_order(wb, "wb-token", at=T0 - timedelta(days=1))  # 28 Feb 23:30 MSK
    late = events.place_order(wb, "wb-token", at=T0 + timedelta(hours=1))  # 2 March 00:30 MSK
    events.cancel_order(wb, "wb-token", early.srid, at=T0)

    changed = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01", flag=0).json()
    of_day = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-02-28T12:00:00", flag=1).json()

    assert [r["srid"] for r in changed] == [early.srid, late.srid]
    assert changed[0]["isCancel"] and changed[0]["cancelDate"] == "2025-03-01T23:30:00"
    assert [r["srid"] for r in of_day] == [early.srid]


def test_a_page_holds_at_most_the_cap_and_the_next_starts_at_the_last_rows_change(client, wb):
    wb.statistics_page_size = 2
    made = [events.place_order(wb, "wb-token", at=T0 + timedelta(minutes=n)) for n in range(3)]

    first = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01").json()
    second = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom=first[-1]["lastChangeDate"]).json()

    assert [r["srid"] for r in first] == [made[0].srid, made[1].srid]
    assert [r["srid"] for r in second] == [made[1].srid, made[2].srid]  # lastChangeDate >= dateFrom


def test_sales_are_buyouts_s_and_returns_r_with_negative_amounts(client, wb):
    order = events.place_order(wb, "wb-token", at=T0, price=1000, discount_percent=0)
    bought = events.buy_out(wb, "wb-token", order.srid, at=T0 + timedelta(days=1))
    returned = events.return_order(wb, "wb-token", order.srid, at=T0 + timedelta(days=2))

    rows = _get(client, f"{STATS}/api/v1/supplier/sales", dateFrom="2025-03-01").json()

    assert [(r["saleID"], r["srid"], r["priceWithDisc"]) for r in rows] == [
        (bought.sale_id, order.srid, 1000.0), (returned.sale_id, order.srid, -1000.0)]
    assert bought.sale_id.startswith("S") and returned.sale_id.startswith("R") and rows[1]["forPay"] < 0
    with pytest.raises(events.EventError):
        events.return_order(wb, "wb-token", order.srid)  # returned once already


def test_orders_and_sales_each_allow_one_request_a_minute(client, wb):
    wb.limits[ORDERS] = wb.limits[SALES] = Limit(1, 1)

    first = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01")
    sales = _get(client, f"{STATS}/api/v1/supplier/sales", dateFrom="2025-03-01")
    again = _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="2025-03-01")

    assert first.status_code == 200 and sales.status_code == 200  # a budget per method
    assert again.status_code == 429 and 55 <= int(again.headers["X-Ratelimit-Retry"]) <= 60


def test_statistics_refuse_a_missing_or_malformed_date(client, wb):
    assert _get(client, f"{STATS}/api/v1/supplier/sales").json() == {"errors": ["dateFrom: field required"]}
    assert _get(client, f"{STATS}/api/v1/supplier/orders", dateFrom="вчера").status_code == 400


def test_feedbacks_page_by_take_and_skip_answered_apart_since_a_unix_time(client, wb):
    old = events.write_review(wb, "wb-token", rating=5, at=T0 - timedelta(days=1))
    new = [events.write_review(wb, "wb-token", rating=r, text=f"Отзыв {r}", at=T0 + timedelta(minutes=r))
           for r in (1, 2, 3)]
    events.write_review(wb, "wb-token", rating=4, answer="Спасибо", at=T0)

    def page(**params: Any) -> Any:
        return _get(client, f"{FEEDBACKS}/api/v1/feedbacks", isAnswered="false", take=2, **params).json()

    first = page(skip=0, order="dateAsc", dateFrom=int(T0.timestamp()))
    second = page(skip=2, order="dateAsc", dateFrom=int(T0.timestamp()))

    ids = [f["id"] for f in first["data"]["feedbacks"] + second["data"]["feedbacks"]]
    assert ids == [f.id for f in new] and old.id not in ids
    assert first["data"]["countUnanswered"] == 4 and first["data"]["countArchive"] == 1
    assert first["data"]["feedbacks"][0]["createdDate"] == "2025-03-01T23:31:00+03:00"
    refused = _get(client, f"{FEEDBACKS}/api/v1/feedbacks", isAnswered="false", take=6000, skip=0)
    assert refused.status_code == 400 and refused.json()["error"] is True


def test_the_common_host_takes_any_token_and_names_the_seller(client, state, wb):
    seed_wildberries(wb, "stats-only", categories=("statistics",))

    info = client.get(f"{COMMON}/api/v1/seller-info", headers={"Authorization": "stats-only"})
    ping = client.get(f"{COMMON}/ping", headers=AUTH)
    wrong = client.get(f"{FEEDBACKS}/ping", headers={"Authorization": "stats-only"})

    assert info.status_code == 200 and set(info.json()) == {"name", "sid", "tradeMark"}
    assert ping.json()["Status"] == "OK" and wrong.status_code == 401


def test_stock_moves_keep_the_total_and_stamp_the_change(client, wb):
    events.set_stock(wb, "wb-token", barcode="4600000000017", warehouse="Коледино", quantity=4, at=T0)
    events.move_stock(wb, "wb-token", barcode="4600000000017", source="Коледино", target="Казань", quantity=3,
                      at=T0 + timedelta(hours=1))

    rows = _get(client, f"{STATS}/api/v1/supplier/stocks", dateFrom="2019-06-20").json()

    assert sorted((r["warehouseName"], r["quantity"], r["lastChangeDate"]) for r in rows) == [
        ("Казань", 3, "2025-03-02T00:30:00"), ("Коледино", 1, "2025-03-02T00:30:00")]
    with pytest.raises(events.EventError):
        events.move_stock(wb, "wb-token", barcode="4600000000017", source="Коледино", target="Казань", quantity=2)


def test_the_control_api_makes_every_kind_of_event(client, wb):
    def make(kind: str, **params: Any) -> Any:
        answer = client.post("/_control/wildberries/events", json={"token": "wb-token", "kind": kind, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()

    order = make("order", barcode="4600000000024", at="2025-03-01T23:30:00+03:00")
    make("buyout", srid=order["srid"])
    make("return", srid=order["srid"])
    second = make("order")
    make("cancel", srid=second["srid"])
    review = make("review", rating=1, text="Брак")
    make("stock", barcode="4600000000017", warehouse="Коледино", quantity=5)
    moved = make("move", barcode="4600000000017", source="Коледино", target="Казань", quantity=2)

    assert order["lastChangeDate"] == "2025-03-01T23:30:00" and review["productValuation"] == 1
    assert [row["quantity"] for row in moved["rows"]] == [3, 2]
    bad = client.post("/_control/wildberries/events", json={"token": "wb-token", "kind": "cancel", "srid": "nope"})
    assert bad.status_code == 400
    assert client.post("/_control/wildberries/demo/tick", json={"token": "wb-token"}).json()["made"] is not None


def test_the_demo_stream_makes_plausible_events_and_the_demo_seller_has_history(state):
    creds = state.seed(products=120)
    seller = state.wildberries.seller(creds["wb_token"])
    history = (len(seller.orders), len(seller.sales), len(seller.feedbacks))

    for _ in range(30):
        demo_tick(state.wildberries, creds["wb_token"], random.Random(7))

    assert history[0] > 10 and history[1] > 0 and history[2] > 0
    assert len(seller.orders) + len(seller.sales) + len(seller.feedbacks) > sum(history)
    assert all(sale.order.srid in seller.orders for sale in seller.sales.values())
