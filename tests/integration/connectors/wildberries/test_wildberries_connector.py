"""The Wildberries connector against the emulated WB over real HTTP: offers, FBS and FBO stock, stock updates
in full batches with WB's per-size refusals, lost answers, and what a seller sees when the setup is wrong."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from marketsync.connectors.errors import ConfigError, OutcomeUnknownError
from marketsync.connectors.records import FBO, FBS, StockUpdate
from marketsync.sandbox.wildberries.stocks import STOCKS_MAX

PUT, READ = "PUT /api/v3/stocks/{warehouseId}", "POST /api/v3/stocks/{warehouseId}"


def _calls(state, method: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot().get("wildberries", {}).get("by_method", {}).get(method, 0))


def test_every_size_of_every_card_is_listed_across_pages(wb_seller, wb_connector, sandbox_state):
    offers = [{"vendor_code": f"A-{n}", "barcodes": [f"46000000{n:05d}"], "photos": n % 2} for n in range(200)]
    offers.append({"vendor_code": "SHIRT", "title": "Рубашка", "sizes": [
        {"tech_size": "S", "barcodes": ["4601111111111"]}, {"tech_size": "M", "barcodes": ["4602222222222", "4603"]}]})
    offers.append({"vendor_code": "GONE", "trashed": True})
    seller = wb_seller(offers=offers)

    pages = list(wb_connector(seller["token"], seller["warehouse_ids"][0]).iter_offers())

    listed = [offer for page in pages for offer in page]
    # 201 cards, 100 a page, newest first: the 2-size card (the newest) gives two offers on the first page.
    assert [len(page) for page in pages] == [101, 100, 1]
    assert len(listed) == 202 and "GONE" not in {o.offer_id for o in listed}
    shirt = sorted((o for o in listed if o.offer_id == "SHIRT"), key=lambda o: o.sku or "")
    chrt_ids = seller["cards"][200]["chrtIDs"]
    assert [(o.sku, o.stock_key, o.barcodes) for o in shirt] == [
        ("M", str(chrt_ids[1]), ("4602222222222", "4603")), ("S", str(chrt_ids[0]), ("4601111111111",))]
    assert {o.product_id for o in shirt} == {str(seller["cards"][200]["nmID"])}
    assert _calls(sandbox_state, "POST /content/v2/get/cards/list") == 3


def test_fbs_stock_is_read_at_the_connections_warehouse_only(wb_seller, wb_connector):
    seller = wb_seller(warehouses=[{"name": "Основной"}, {"name": "Второй"}],
                       offers=[{"vendor_code": "A", "fbs": {0: 7, 1: 3}}, {"vendor_code": "B", "fbs": {1: 4}},
                               {"vendor_code": "C"}])
    keys = [str(card["chrtIDs"][0]) for card in seller["cards"]]

    levels = wb_connector(seller["token"], seller["warehouse_ids"][0]).read_stocks([*keys, "777", "not-a-size"])

    assert [(lv.stock_key, lv.quantity, lv.warehouse_id, lv.fulfillment) for lv in levels] == [
        (keys[0], 7, str(seller["warehouse_ids"][0]), FBS)]


def test_every_warehouse_and_wbs_own_are_reported_fbo_keyed_by_size(wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(warehouses=[{"name": "Основной"}, {"name": "Второй"}], offers=[
        {"vendor_code": "A", "barcodes": ["4600000000017"], "fbs": {0: 5, 1: 2},
         "fbo": [{"warehouse": "Коледино", "quantity": 12, "in_way": 1}, {"warehouse": "Казань", "quantity": 3}]},
        {"vendor_code": "B", "sizes": [{"tech_size": "S", "barcodes": ["4600000000024"]},
                                       {"tech_size": "M", "barcodes": ["4600000000031"]}],
         "fbo": [{"warehouse": "Электросталь", "quantity": 4}]}])
    sandbox_state.wildberries.fbo_page_size = 3  # the next page starts again at the last row's time
    a, (b_s, b_m) = seller["cards"][0]["chrtIDs"][0], seller["cards"][1]["chrtIDs"]
    one, two = (str(w) for w in seller["warehouse_ids"])

    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])
    connector.client.stocks_last_page_below = 3  # pages of 3 rows count as full here, as 60,000 do at WB
    levels = [lv for page in connector.iter_stocks() for lv in page]

    seen = sorted((lv.fulfillment, lv.warehouse_id, lv.stock_key, lv.quantity, lv.reserved) for lv in levels)
    assert seen == sorted([
        (FBS, one, str(a), 5, 0), (FBS, two, str(a), 2, 0),
        (FBO, "Коледино", str(a), 12, 1), (FBO, "Казань", str(a), 3, 0),
        (FBO, "Электросталь", str(b_s), 4, 0), (FBO, "Электросталь", str(b_m), 4, 0)])
    # Page 2 starts again at page 1's last time and holds nothing newer after it: no third minute-long wait.
    assert _calls(sandbox_state, "GET /api/v1/supplier/stocks") == 2


def test_a_full_batch_of_a_thousand_sizes_is_one_request(wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(offers=[{"vendor_code": f"V-{n}", "sizes": [{"tech_size": str(s)} for s in range(100)]}
                               for n in range(10)])
    keys = [str(chrt) for card in seller["cards"] for chrt in card["chrtIDs"]]
    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])
    assert connector.batch_size == STOCKS_MAX == len(keys)

    results = connector.update_stocks([StockUpdate(key, n % 50) for n, key in enumerate(keys)])

    assert all(r.ok for r in results) and [r.external_id for r in results] == keys
    assert _calls(sandbox_state, PUT) == 1
    levels = connector.read_stocks([*keys, "999999999"])  # one more than a read takes: two requests
    assert {lv.stock_key: lv.quantity for lv in levels} == {k: n % 50 for n, k in enumerate(keys)}
    assert _calls(sandbox_state, READ) == 2
    with pytest.raises(ValueError, match="at most 1000"):
        connector.update_stocks([StockUpdate(keys[0], 1)] * (STOCKS_MAX + 1))


def test_refused_sizes_fail_with_wbs_code_and_the_rest_is_applied_in_the_same_call(
        wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(offers=[{"vendor_code": "A", "fbs": 1}, {"vendor_code": "B", "fbs": 1},
                               {"vendor_code": "BIG", "cargo_type": 3, "fbs": 1}, {"vendor_code": "C"}])
    a, b, big, c = (str(card["chrtIDs"][0]) for card in seller["cards"])
    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])

    started = time.monotonic()
    results = connector.update_stocks([StockUpdate(a, 9), StockUpdate("123456", 2), StockUpdate(b, 100_001),
                                       StockUpdate(big, 1), StockUpdate(c, 4), StockUpdate("x1", 1)])

    assert [(r.ok, r.code) for r in results] == [
        (True, None), (False, "NotFound"), (False, "UploadDataLimit"), (False, "CargoWarehouseRestrictionKGTPlus"),
        (True, None), (False, "InvalidStockKey")]
    assert results[2].error == "Upload limit exceeded."
    assert _calls(sandbox_state, PUT) == 2  # the refused sizes dropped, the rest sent again once
    assert {lv.stock_key: lv.quantity for lv in connector.read_stocks([a, b, big, c])} == {a: 9, b: 1, big: 1, c: 4}
    # WB bills the 409 as 10 requests: with the resend and the read, 12 of the burst of 20 (one more per 200 ms)
    # are spent, so eight more reads go at once and the ninth waits for the window (20 per 4.2 s) to move on.
    for _ in range(9):
        connector.read_stocks([a])
    assert time.monotonic() - started >= 4.0


def test_a_warehouse_being_updated_refuses_the_whole_batch(wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(warehouses=[{"name": "Основной", "processing": True}],
                       offers=[{"vendor_code": "A"}, {"vendor_code": "B"}])
    keys = [str(card["chrtIDs"][0]) for card in seller["cards"]]

    results = wb_connector(seller["token"], seller["warehouse_ids"][0]).update_stocks(
        [StockUpdate(k, 3) for k in keys])

    assert [(r.ok, r.code, r.error) for r in results] == [(False, "StoreIsProcessing", "The store is processing")] * 2
    assert _calls(sandbox_state, PUT) == 1


def test_a_rate_limit_is_waited_out_exactly_as_x_ratelimit_retry_says(wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(offers=[{"vendor_code": "A", "fbs": 1}])
    sandbox_state.faults.configure("wildberries", rate=1, kinds=["429"], retry_after=2, max_faults=1)
    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])

    started = time.monotonic()
    levels = connector.read_stocks([str(seller["cards"][0]["chrtIDs"][0])])

    assert [lv.quantity for lv in levels] == [1]
    assert 2.0 <= time.monotonic() - started < 4.0
    assert sandbox_state.faults.config("wildberries").injected == 1


def test_a_lost_write_answer_raises_outcome_unknown_and_wb_applied_it(wb_seller, wb_connector, sandbox_state):
    seller = wb_seller(offers=[{"vendor_code": "A", "fbs": 1}])
    key = str(seller["cards"][0]["chrtIDs"][0])
    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])
    sandbox_state.faults.configure("wildberries", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        connector.update_stocks([StockUpdate(key, 42)])

    assert _calls(sandbox_state, PUT) == 1  # never resent blindly
    assert [lv.quantity for lv in connector.read_stocks([key])] == [42]


def test_a_bad_token_is_a_config_error_and_the_check_says_so(wb_seller, wb_connector):
    seller = wb_seller(offers=[{"vendor_code": "A"}])
    connector = wb_connector("wb-this-token-does-not-exist", seller["warehouse_ids"][0])

    result = connector.check()

    assert not result.ok and "Wildberries rejected the token" in result.message
    with pytest.raises(ConfigError, match="HTTP 401"):
        list(connector.iter_offers())


def test_a_token_without_the_marketplace_category_is_told_so(wb_seller, wb_connector):
    seller = wb_seller(categories=["content", "statistics"])

    result = wb_connector(seller["token"], seller["warehouse_ids"][0]).check()

    assert not result.ok and "token scope not allowed" in result.message


def test_a_warehouse_that_is_not_the_sellers_fails_the_check_naming_the_seller_ones(wb_seller, wb_connector):
    seller = wb_seller(warehouses=[{"name": "Склад на Ленина"}])
    good = wb_connector(seller["token"], seller["warehouse_ids"][0]).check()

    result = wb_connector(seller["token"], 999).check()

    assert good.ok and "Склад на Ленина" in good.message
    assert not result.ok
    assert result.message == (f"Wildberries: warehouse 999 is not among the seller's warehouses "
                              f"({seller['warehouse_ids'][0]} «Склад на Ленина»)")


def test_without_a_warehouse_stock_methods_say_what_is_missing(wb_seller, wb_connector):
    seller = wb_seller(offers=[{"vendor_code": "A"}])
    connector = wb_connector(seller["token"])

    assert connector.check().ok
    with pytest.raises(ConfigError, match="no seller warehouse is set"):
        connector.read_stocks([str(seller["cards"][0]["chrtIDs"][0])])
    with pytest.raises(ConfigError, match="--warehouse-id"):
        connector.update_stocks([StockUpdate(str(seller["cards"][0]["chrtIDs"][0]), 1)])


def test_statistics_dates_are_sent_in_moscow_time_without_an_offset(wb_seller, wb_connector, sandbox_state):
    # A row changed at 22:30 UTC on 1 March is 01:30 on 2 March in Moscow: WB reports and filters it so.
    seller = wb_seller(offers=[{"vendor_code": "A", "barcodes": ["4600000000017"],
                                "fbo": [{"warehouse": "Коледино", "quantity": 5}]}],
                       start=datetime(2025, 3, 1, 22, 30, tzinfo=UTC))
    dump = sandbox_state.dump("wildberries", seller["token"])

    connector = wb_connector(seller["token"], seller["warehouse_ids"][0])
    connector.client.stocks_last_page_below = 3  # pages of 3 rows count as full here, as 60,000 do at WB
    levels = [lv for page in connector.iter_stocks() for lv in page]

    assert dump["fbo"][0]["lastChangeDate"] == "2025-03-02T01:30:00"
    assert [(lv.fulfillment, lv.quantity) for lv in levels] == [(FBO, 5)]


def test_a_seller_whose_stock_updates_wb_blocked_is_told_so(wb_seller, wb_connector, sandbox, sandbox_state):
    seller = wb_seller(offers=[{"vendor_code": "A", "fbs": 1}])
    httpx.post(f"{sandbox.url}/_control/wildberries/tokens/{seller['token']}/stock-blocked", json={"blocked": True})

    with pytest.raises(ConfigError, match="blocked stock updates"):
        wb_connector(seller["token"], seller["warehouse_ids"][0]).update_stocks(
            [StockUpdate(str(seller["cards"][0]["chrtIDs"][0]), 5)])


def test_card_pages_at_wbs_documented_limit_are_paced_and_never_refused(wb_seller, wb_connector, sandbox_state):
    from marketsync.sandbox.wildberries.limits import CONTENT, DEFAULT_LIMITS

    seller = wb_seller(offers=[{"vendor_code": f"P-{n}", "barcodes": [f"46100000{n:05d}"]} for n in range(1200)])
    sandbox_state.wildberries.limits[CONTENT] = DEFAULT_LIMITS[CONTENT]  # 100/min, burst 5, one per 600 ms
    sandbox_state.stats.reset()
    began = time.monotonic()

    offers = [o for page in wb_connector(seller["token"], seller["warehouse_ids"][0]).iter_offers() for o in page]

    assert len(offers) == 1200
    stats = sandbox_state.stats.snapshot()["wildberries"]
    assert stats["by_method"]["POST /content/v2/get/cards/list"] == 13 and stats["limited"] == 0, \
        "the burst of 5 went at once, the rest one per interval: WB never had to refuse a page"
    assert time.monotonic() - began >= 8 * 0.6, "13 pages with a burst of 5: at least 8 intervals of 600 ms"
