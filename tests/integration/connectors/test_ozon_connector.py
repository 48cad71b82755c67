"""The Ozon connector against the sandbox over real HTTP: offers, FBS/FBO stocks, updates, limits, failures."""

from __future__ import annotations

import time

import pytest

from marketsync.connectors.capabilities import StockChannel
from marketsync.connectors.errors import ConfigError, OutcomeUnknownError
from marketsync.connectors.records import FBO, FBS, StockLevel, StockUpdate
from marketsync.sandbox.ozon.seed import OfferSeed
from ozon_world import DISABLED, FBO_MOSCOW, OURS, SECOND, ozon_connector, seed_seller


def _calls(state, path: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()["ozon"]["by_method"].get(path, 0))


def test_every_offer_is_listed_across_pages_with_its_ids_and_barcodes(env, sandbox_state, monkeypatch):
    monkeypatch.setattr("marketsync.connectors.ozon.client.PRODUCT_LIST_LIMIT", 4)
    world = seed_seller(sandbox_state, offers=8, extra=[OfferSeed("OLD-1", "Снятый товар", archived=True)])
    connector = ozon_connector(world)

    pages = list(connector.iter_offers())

    offers = [offer for page in pages for offer in page]
    assert [len(page) for page in pages] == [4, 4, 1]
    assert [o.offer_id for o in offers] == [f"A-{n}" for n in range(1, 9)] + ["OLD-1"]
    first = offers[0]
    assert first.stock_key == "A-1" and first.barcodes == ("4600000000001",) and first.name == "Товар 1"
    assert first.product_id and first.sku and first.sku != first.product_id
    assert [o.offer_id for o in offers if o.archived] == ["OLD-1"]
    assert _calls(sandbox_state, "/v3/product/list") == 3
    assert _calls(sandbox_state, "/v3/product/info/list") == 3


def test_read_stocks_gives_fbs_at_our_warehouse_only_and_skips_offers_without_a_record(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=3, extra=[OfferSeed("NO-STOCK", "Без остатка")])
    connector = ozon_connector(world)

    levels = connector.read_stocks(["A-1", "A-2", "A-3", "NO-STOCK", "UNKNOWN"])

    assert sorted(levels, key=lambda level: level.stock_key) == [
        StockLevel("A-1", str(OURS), 1, 0, FBS, "Склад на Ленина"),
        StockLevel("A-2", str(OURS), 1, 1, FBS, "Склад на Ленина"),  # 2 present, 1 reserved
        StockLevel("A-3", str(OURS), 3, 0, FBS, "Склад на Ленина"),
    ]


def test_read_stocks_batches_many_keys_inside(env, sandbox_state, monkeypatch):
    monkeypatch.setattr("marketsync.connectors.ozon.connector.INFO_LIST_MAX", 2)
    monkeypatch.setattr("marketsync.connectors.ozon.connector.FBS_STOCKS_SKUS", 1)
    world = seed_seller(sandbox_state, offers=5)

    levels = ozon_connector(world).read_stocks([f"A-{n}" for n in range(1, 6)])

    assert sorted(level.stock_key for level in levels) == [f"A-{n}" for n in range(1, 6)]
    assert _calls(sandbox_state, "/v3/product/info/list") == 3
    assert _calls(sandbox_state, "/v1/product/info/stocks-by-warehouse/fbs") == 5


def test_iter_stocks_yields_fbs_at_every_seller_warehouse_and_fbo(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=6)

    levels = [level for page in ozon_connector(world).iter_stocks() for level in page]

    fbs = {(lv.stock_key, lv.warehouse_id): lv.quantity for lv in levels if lv.fulfillment == FBS}
    assert len(fbs) == 6 + 3  # every offer at ours, the odd ones at the second warehouse too
    assert fbs[("A-3", str(SECOND))] == 103 and fbs[("A-4", str(OURS))] == 3
    fbo = [lv for lv in levels if lv.fulfillment == FBO]
    assert {(lv.stock_key, lv.warehouse_id, lv.quantity) for lv in fbo} == {("A-3", str(FBO_MOSCOW), 30),
                                                                          ("A-6", str(FBO_MOSCOW), 60)}
    assert all(lv.warehouse_name == "ХОРУГВИНО_РФЦ" for lv in fbo)


def test_one_full_batch_of_100_goes_in_one_request_and_every_pair_is_applied(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=100)
    connector = ozon_connector(world)
    assert isinstance(connector, StockChannel) and connector.batch_size == 100

    results = connector.update_stocks([StockUpdate(f"A-{n}", n + 7) for n in range(1, 101)])

    assert [r.ok for r in results] == [True] * 100
    assert _calls(sandbox_state, "/v2/products/stocks") == 1
    # Ozon keeps the reserved units on top of what we offer.
    assert sandbox_state.ozon.fbs_stock(int(world.client_id), "A-2", OURS) == (10, 1)
    assert sandbox_state.ozon.fbs_stock(int(world.client_id), "A-3", SECOND) == (103, 0), "other warehouses stay"
    with pytest.raises(ValueError):
        connector.update_stocks([StockUpdate(f"A-{n}", 1) for n in range(1, 102)])
    assert _calls(sandbox_state, "/v2/products/stocks") == 1, "over the maximum is never sent"


def test_refused_pairs_come_back_as_failures_with_ozons_code_and_the_rest_is_applied(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=4, extra=[OfferSeed("MOD-1", "На модерации", price_sent=False)])
    connector = ozon_connector(world)
    client_id = int(world.client_id)

    results = connector.update_stocks([StockUpdate("A-1", 5), StockUpdate("UNKNOWN", 1), StockUpdate("MOD-1", 3),
                                       StockUpdate("A-4", -2), StockUpdate("A-2", 1_000_000), StockUpdate("A-3", 0)])

    assert [(r.ok, r.code) for r in results] == [(True, None), (False, "offer_id_not_found"),
                                                 (False, "PRICE_IS_NOT_SENT"), (False, None), (False, "STOCK_TOO_BIG"),
                                                 (True, None)]
    assert "артикулом нет" in (results[1].error or "") and "negative" in (results[3].error or "")
    assert _calls(sandbox_state, "/v2/products/stocks") == 1, "a negative stock does not sink the request"
    assert sandbox_state.ozon.fbs_stock(client_id, "A-4", OURS) == (4, 1)
    assert sandbox_state.ozon.fbs_stock(client_id, "A-1", OURS) == (5, 0)
    assert sandbox_state.ozon.fbs_stock(client_id, "A-3", OURS) == (0, 0)
    assert sandbox_state.ozon.fbs_stock(client_id, "A-2", OURS) == (2, 1), "a refused pair is left as it was"


def test_the_same_offer_again_within_30_seconds_is_refused_too_many_requests(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    connector = ozon_connector(world)
    assert connector.update_stocks([StockUpdate("A-1", 5)])[0].ok

    again = connector.update_stocks([StockUpdate("A-1", 6), StockUpdate("A-2", 6)])

    assert (again[0].ok, again[0].code) == (False, "TOO_MANY_REQUESTS") and again[1].ok
    assert sandbox_state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (5, 0)
    sandbox_state.ozon.advance(30)
    assert connector.update_stocks([StockUpdate("A-1", 6)])[0].ok


def test_a_429_is_waited_out_exactly_as_retry_after_says(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    sandbox_state.faults.configure("ozon", rate=1, kinds=["429"], retry_after=1, max_faults=2)
    connector = ozon_connector(world)

    started = time.monotonic()
    results = connector.update_stocks([StockUpdate("A-1", 9)])
    elapsed = time.monotonic() - started

    assert results[0].ok and sandbox_state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (9, 0)
    assert 2.0 <= elapsed < 3.5, elapsed  # two answers asking for one second each
    assert _calls(sandbox_state, "/v2/products/stocks") == 3


def test_ozons_own_per_second_limit_is_waited_out(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=4)
    sandbox_state.ozon.requests_per_second = 2
    connector = ozon_connector(world)

    levels = [connector.read_stocks([f"A-{n}"]) for n in range(1, 5)]  # two requests each

    assert [len(found) for found in levels] == [1, 1, 1, 1]
    assert sandbox_state.stats.snapshot()["ozon"]["requests"] > 8, "some requests met 429 and were sent again"


def test_a_lost_answer_raises_outcome_unknown_and_the_update_was_applied(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    sandbox_state.faults.configure("ozon", rate=1, kinds=["lost_write"], max_faults=1)

    with pytest.raises(OutcomeUnknownError):
        ozon_connector(world).update_stocks([StockUpdate("A-1", 42)])

    assert _calls(sandbox_state, "/v2/products/stocks") == 1, "a write is never resent blindly"
    assert sandbox_state.ozon.fbs_stock(int(world.client_id), "A-1", OURS) == (42, 0)


def test_a_wrong_key_is_a_config_error_and_a_clear_check(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)
    connector = ozon_connector(world, api_key="wrong-key-123456")

    with pytest.raises(ConfigError, match="Invalid Api-Key"):
        list(connector.iter_offers())
    result = connector.check()

    assert not result.ok
    assert result.message == "Ozon rejected the credentials: Invalid Api-Key, please check the key and try again"


def test_a_deactivated_key_is_a_config_error(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)
    sandbox_state.ozon.revoke_key(world.api_key)

    with pytest.raises(ConfigError, match="deactivated"):
        ozon_connector(world).update_stocks([StockUpdate("A-1", 1)])


def test_check_names_the_warehouse_that_is_not_the_sellers_or_not_active(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)

    good = ozon_connector(world).check()
    unknown = ozon_connector(world, warehouse_id="777").check()
    disabled = ozon_connector(world, warehouse_id=str(DISABLED)).check()

    assert good.ok and "«Склад на Ленина»" in good.message
    assert not unknown.ok and "Ozon warehouse 777 is not among the seller's FBS warehouses" in unknown.message
    assert str(OURS) in unknown.message, "the message lists the warehouses the seller has"
    assert not disabled.ok and "not active (status disabled)" in disabled.message
