"""The Yandex Market connector against its emulator over real HTTP: offers page by page, FBS and FBO stocks,
stock updates at the documented maximum, refusals, 420 waits, lost answers, keys and shops that do not fit."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from marketsync.connectors import connect
from marketsync.connectors.errors import ConfigError, OutcomeUnknownError
from marketsync.connectors.records import FBO, FBS, StockUpdate
from marketsync.connectors.yandex_market import connector as ym_connector
from marketsync.sandbox.yandex_market.limits import Limit
from marketsync.sandbox.yandex_market.seed import seed_yandex_market

BUSINESS, CAMPAIGN, WAREHOUSE, FBY = 5001, 6001, 7001, 6002


def _offers(count: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"offer_id": f"SKU-{n:03d}", "name": f"Товар {n}", "barcodes": [f"46000000{n:05d}"],
             "market_sku": 10_000 + n, **extra} for n in range(count)]


def _world(state, offers, **kwargs) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    # A fresh key per test: our own request budgets live in a file shared by the whole test session.
    token = f"ym-{uuid.uuid4().hex}"
    return seed_yandex_market(state.yandex_market, token, offers=offers, business_id=BUSINESS,
                              campaign_id=CAMPAIGN, warehouse_id=WAREHOUSE, **kwargs)


def _connector(world: dict[str, Any], **overrides: Any):  # type: ignore[no-untyped-def]
    credentials = {"token": world["ym_token"], "business_id": BUSINESS, "campaign_id": CAMPAIGN, **overrides}
    return connect("yandex_market", credentials, connection_key=uuid.uuid4().hex)


def _requests(state, operation: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()["yandex_market"]["by_method"].get(operation, 0))


def test_offers_are_listed_page_by_page_with_barcodes_market_sku_and_archived_ones_last(env, sandbox_state):
    offers = [*_offers(23), *_offers(1, archived=True, offer_id="OLD-1"),
              {"offer_id": "FBY-ONLY", "placed": False, "fbo": {145: 3}}]
    world = _world(sandbox_state, offers, fby_campaign_id=FBY, fby_warehouses={145: "Софьино"})
    sandbox_state.yandex_market.page_cap = 10
    channel = _connector(world)

    pages = list(channel.iter_offers())

    listed = [offer for page in pages for offer in page]
    assert [len(page) for page in pages] == [10, 10, 3, 1]
    assert [o.offer_id for o in listed] == [f"SKU-{n:03d}" for n in range(23)] + ["OLD-1"]
    first = listed[0]
    assert (first.stock_key, first.barcodes, first.product_id, first.name) == \
        ("SKU-000", ("4600000000000",), "10000", "Товар 0")
    assert [o.archived for o in listed] == [False] * 23 + [True]
    assert _requests(sandbox_state, "getOfferMappings") == 4  # 3 pages of active offers, 1 of archived ones


def test_read_stocks_gives_available_and_reserved_at_the_shops_warehouse_in_batches(env, sandbox_state, monkeypatch):
    offers = [{**o, "stock": n, "reserved": 1 if n == 2 else 0} for n, o in enumerate(_offers(25))]
    offers.append({"offer_id": "NEVER-SENT", "name": "Без остатка"})
    world = _world(sandbox_state, offers)
    monkeypatch.setattr(ym_connector, "STOCKS_OFFER_IDS_MAX", 10)  # the spec's 500, made small for tens of items

    levels = _connector(world).read_stocks([o["offer_id"] for o in offers] + ["UNKNOWN"])

    by_key = {level.stock_key: level for level in levels}
    assert len(levels) == 25 and "NEVER-SENT" not in by_key and "UNKNOWN" not in by_key
    assert (by_key["SKU-002"].quantity, by_key["SKU-002"].reserved) == (2, 1)
    assert {(lv.warehouse_id, lv.fulfillment) for lv in levels} == {(str(WAREHOUSE), FBS)}
    assert _requests(sandbox_state, "getStocks") == 3  # 27 keys, 10 offerIds a request


def test_iter_stocks_yields_fbs_at_the_seller_and_fbo_at_markets_warehouses(env, sandbox_state):
    offers = [{**o, "stock": 5} for o in _offers(3)]
    offers[0]["fbo"] = {145: 7, 171: 2}
    world = _world(sandbox_state, offers, fby_campaign_id=FBY, fby_warehouses={145: "Софьино", 171: "Томилино"})

    levels = [level for page in _connector(world).iter_stocks() for level in page]

    assert sorted((lv.stock_key, lv.warehouse_id, lv.fulfillment, lv.quantity) for lv in levels) == [
        ("SKU-000", "145", FBO, 7), ("SKU-000", "171", FBO, 2), ("SKU-000", str(WAREHOUSE), FBS, 5),
        ("SKU-001", str(WAREHOUSE), FBS, 5), ("SKU-002", str(WAREHOUSE), FBS, 5)]


def test_one_request_updates_the_documented_maximum_of_2000_offers(env, sandbox_state):
    world = _world(sandbox_state, [{"offer_id": f"M{n}", "name": "x"} for n in range(2000)])
    channel = _connector(world)
    assert channel.batch_size == 2000

    results = channel.update_stocks([StockUpdate(f"M{n}", n % 7) for n in range(2000)])

    assert all(r.ok for r in results) and len(results) == 2000
    assert _requests(sandbox_state, "updateStocks") == 1
    assert sandbox_state.yandex_market.stock(CAMPAIGN, WAREHOUSE, "M13").available == 6
    with pytest.raises(ValueError):
        channel.update_stocks([StockUpdate(f"M{n}", 1) for n in range(2001)])


def test_the_emulator_refuses_2001_offers_with_the_documented_400(env, sandbox_state, sandbox):
    world = _world(sandbox_state, _offers(1))
    skus = [{"sku": f"S{n}", "items": [{"count": 1}]} for n in range(2001)]

    answer = httpx.put(f"{sandbox.url}/yandex_market/v2/campaigns/{CAMPAIGN}/offers/stocks",
                       headers={"Api-Key": world["ym_token"]}, json={"skus": skus})

    assert answer.status_code == 400
    assert answer.json()["status"] == "ERROR" and answer.json()["errors"][0]["code"] == "BAD_REQUEST"
    assert "skus" in answer.json()["errors"][0]["message"]


def test_unknown_offers_fail_alone_and_the_rest_of_the_batch_is_applied(env, sandbox_state):
    world = _world(sandbox_state, _offers(3))
    updates = [StockUpdate("SKU-000", 4), StockUpdate("GHOST-1", 1), StockUpdate("SKU-001", 9),
               StockUpdate("SKU-00", 2)]

    results = _connector(world).update_stocks(updates)

    assert [r.ok for r in results] == [True, False, True, False]
    assert results[1].code == "BAD_REQUEST" and "GHOST-1" in (results[1].error or "")
    assert "SKU-00" in (results[3].error or "") and "SKU-000" not in (results[3].error or "")
    ym = sandbox_state.yandex_market
    assert (ym.stock(CAMPAIGN, WAREHOUSE, "SKU-000").available, ym.stock(CAMPAIGN, WAREHOUSE, "SKU-001").available) \
        == (4, 9)
    assert _requests(sandbox_state, "updateStocks") == 2  # refused whole, then resent without the two


def test_a_420_is_waited_out_as_retry_after_says(env, sandbox_state):
    world = _world(sandbox_state, _offers(2))
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["429"], retry_after=1, max_faults=1)

    started = time.monotonic()
    results = _connector(world).update_stocks([StockUpdate("SKU-000", 3)])

    assert results[0].ok and time.monotonic() - started >= 1.0
    assert _requests(sandbox_state, "updateStocks") == 2
    assert sandbox_state.yandex_market.stock(CAMPAIGN, WAREHOUSE, "SKU-000").available == 3


def test_the_emulators_own_limit_answers_420_until_its_window_ends_and_is_waited_out(env, sandbox_state):
    world = _world(sandbox_state, _offers(4))
    sandbox_state.yandex_market.page_cap = 2
    sandbox_state.yandex_market.limits["getOfferMappings"] = Limit(2, 2.0)

    started = time.monotonic()
    offers = [o for page in _connector(world).iter_offers() for o in page]

    assert len(offers) == 4 and time.monotonic() - started >= 1.0  # the third request waited for the window
    assert _requests(sandbox_state, "getOfferMappings") >= 4


def test_a_lost_answer_to_a_write_raises_outcome_unknown_and_the_write_was_applied(env, sandbox_state):
    world = _world(sandbox_state, _offers(1))
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        _connector(world).update_stocks([StockUpdate("SKU-000", 11)])

    assert _requests(sandbox_state, "updateStocks") == 1, "a write with an unknown outcome is never resent"
    assert sandbox_state.yandex_market.stock(CAMPAIGN, WAREHOUSE, "SKU-000").available == 11


def test_a_server_error_on_a_read_is_retried(env, sandbox_state):
    world = _world(sandbox_state, [{**o, "stock": 2} for o in _offers(1)])
    sandbox_state.faults.configure("yandex_market", rate=1, kinds=["500"], max_faults=1)

    assert [lv.quantity for lv in _connector(world).read_stocks(["SKU-000"])] == [2]


def test_a_bad_key_raises_config_error_and_check_says_so(env, sandbox_state):
    world = _world(sandbox_state, _offers(1))
    sandbox_state.yandex_market.revoke_token(world["ym_token"])
    channel = _connector(world)

    with pytest.raises(ConfigError):
        list(channel.iter_offers())
    result = channel.check()
    assert not result.ok and "Yandex Market refused the Api-Key" in result.message and "403" in result.message


def test_check_names_the_shop_and_refuses_other_businesses_unknown_and_fby_shops(env, sandbox_state):
    world = _world(sandbox_state, _offers(1), domain="lenina", fby_campaign_id=FBY, fby_warehouses={145: "С"})
    other = seed_yandex_market(sandbox_state.yandex_market, f"ym-{uuid.uuid4().hex}", business_id=9001,
                               campaign_id=9002, warehouse_id=9003)

    ok = _connector(world).check()
    wrong_business = _connector(world, business_id=4242).check()
    foreign_shop = _connector(world, campaign_id=other["ym_campaign_id"]).check()
    unknown = _connector(world, campaign_id=123456).check()
    fby = _connector(world, campaign_id=FBY).check()

    assert ok.ok and ok.message == f"Yandex Market: «lenina», campaign {CAMPAIGN} (FBS)"
    assert not wrong_business.ok and wrong_business.message == \
        f"Yandex Market: campaign {CAMPAIGN} belongs to business {BUSINESS}, not to business 4242"
    assert not foreign_shop.ok and "campaign 9002" in foreign_shop.message
    assert not unknown.ok and unknown.message == "Yandex Market: campaign 123456 was not found"
    assert not fby.ok and "works by FBY" in fby.message
