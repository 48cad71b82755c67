"""Pure Yandex Market rules: which stock is available, which offers a refusal names, how long a 420 waits."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from marketsync.connectors.records import StockUpdate
from marketsync.connectors.yandex_market.client import rate_limit_wait
from marketsync.connectors.yandex_market.mapping import quantities, refused_keys, skus_to_wire
from marketsync.connectors.yandex_market.schemas import ApiError, StockCount


@pytest.mark.parametrize(("lines", "expected"), [
    ([("FIT", 10), ("FREEZE", 3), ("AVAILABLE", 7)], (7, 3)),
    ([("FIT", 10), ("FREEZE", 3)], (7, 3)),  # no AVAILABLE line: fit minus reserved
    ([("AVAILABLE", 4), ("DEFECT", 9), ("QUARANTINE", 2), ("EXPIRED", 1)], (4, 0)),  # not for sale: ignored
    ([], (0, 0)),
    ([("FIT", 1), ("FREEZE", 5)], (0, 5)),
])
def test_available_stock_is_what_buyers_can_order(lines, expected):
    assert quantities([StockCount(type=t, count=c) for t, c in lines]) == expected


def test_a_refusal_names_only_whole_skus():
    errors = [ApiError(code="BAD_REQUEST", message="Offer not found in the catalogue: 0557722"),
              ApiError(code="BAD_REQUEST", message="Offer not found in the catalogue: A-1/b")]

    named = refused_keys(errors, ["557722", "0557722", "A-1", "A-1/b", "B"])

    assert set(named) == {"0557722", "A-1/b"}


def test_the_update_body_has_one_item_per_sku_with_an_offset_timestamp():
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert skus_to_wire([StockUpdate("A", 3), StockUpdate("B", -2)], moment) == [
        {"sku": "A", "items": [{"count": 3, "updatedAt": "2026-01-02T03:04:05+00:00"}]},
        {"sku": "B", "items": [{"count": 0, "updatedAt": "2026-01-02T03:04:05+00:00"}]},
    ]


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Retry-After": "3"}, 3.0),
    ({"X-RateLimit-Resource-Until": "Thu, 01 Jan 2026 00:00:20 GMT"}, 20.0),
    ({"X-RateLimit-Resource-Until": "Thu, 01 Jan 2026 00:00:00 GMT"}, 1.0),  # already passed: a second
    ({}, 1.0),
])
def test_a_420_waits_retry_after_else_until_the_limits_window_ends(headers, expected):
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert rate_limit_wait(httpx.Response(420, headers=headers), now=now) == expected


def test_every_shop_path_gets_its_operations_budget_and_other_paths_none():
    from marketsync.connectors.yandex_market.connector import METHOD_BUDGETS

    assert METHOD_BUDGETS.get("/v2/campaigns/123/offers/stocks") == METHOD_BUDGETS.get("/v2/campaigns/9/offers/stocks")
    assert METHOD_BUDGETS["/v2/campaigns/9/offers/stocks"].per_minute == 50
    assert METHOD_BUDGETS["/v2/businesses/7/offer-mappings"].per_minute == 100
    assert METHOD_BUDGETS["/v2/campaigns/7"].per_minute == 83
    assert METHOD_BUDGETS["/v2/campaigns"].per_minute == 16
    assert METHOD_BUDGETS.get("/v2/campaigns/x/offers/stocks") is None
    assert METHOD_BUDGETS.get("/v2/campaigns/7/offers") is None
