"""Ozon's wire ↔ our records, and which error each Ozon answer stands for (no I/O)."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from marketsync.connectors.errors import ConfigError, ConnectorError, RateLimited, RejectedError
from marketsync.connectors.ozon.client import CIRCLE_OPEN_WAIT, classify
from marketsync.connectors.ozon.connector import OzonCredentials
from marketsync.connectors.ozon.mapping import fbs_level_from_wire, offer_from_wire, write_results_from_wire
from marketsync.connectors.ozon.schemas import FbsStockRow, ProductInfo, ProductListItem, StockUpdateResult
from marketsync.connectors.records import StockUpdate


def _answer(status: int, body: object) -> httpx.Response:
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(("status", "body", "error"), [
    (404, {"code": 5, "message": "Invalid Api-Key, please check the key and try again"}, ConfigError),
    (401, {"code": 16, "message": "Client-Id and Api-Key headers are required"}, ConfigError),
    (400, {"code": 3, "message": "Client-Id header value should be positive integer"}, ConfigError),
    (403, {"code": 7, "message": "Api-Key is missing a required role for a method"}, ConfigError),
    (403, {"code": 7, "message": "Offer not signed"}, ConfigError),
    (400, {"code": 3, "message": "stocks: at most 100 product-warehouse pairs per request"}, RejectedError),
    (404, {"code": 5, "message": "Not Found"}, RejectedError),
    (409, "not json at all", RejectedError),
    (418, {"code": 2, "message": "odd"}, ConnectorError),
])
def test_each_error_answer_maps_to_its_remedy(status: int, body: object, error: type[Exception]) -> None:
    with pytest.raises(error) as raised:
        classify(_answer(status, body))
    assert type(raised.value) is error


def test_circle_is_open_is_waited_out_like_a_rate_limit() -> None:
    with pytest.raises(RateLimited) as raised:
        classify(_answer(400, {"code": 3, "message": "Circle is open"}))
    assert raised.value.retry_after == CIRCLE_OPEN_WAIT


def test_a_200_is_not_an_error() -> None:
    classify(_answer(200, {"result": []}))


def test_an_offer_archived_by_ozon_counts_as_archived_and_keeps_its_barcodes() -> None:
    item = ProductListItem(product_id=11, offer_id="A-1", archived=False)
    info = ProductInfo(id=11, offer_id="A-1", sku=77, name="Сыр", barcodes=["460", ""], is_autoarchived=True)
    offer = offer_from_wire(item, info)
    assert (offer.archived, offer.barcodes, offer.sku, offer.product_id) == (True, ("460",), "77", "11")
    assert offer_from_wire(item, None).sku is None, "an offer Ozon gave no details of has no SKU yet"


def test_fbs_quantity_is_present_minus_reserved_never_below_zero() -> None:
    assert fbs_level_from_wire(FbsStockRow(sku=1, warehouse_id=5, present=7, reserved=2), "A").quantity == 5
    assert fbs_level_from_wire(FbsStockRow(sku=1, warehouse_id=5, present=1, reserved=3), "A").quantity == 0


def test_results_follow_our_order_even_when_ozon_answers_in_another() -> None:
    updates = [StockUpdate("A", 1), StockUpdate("B", 2), StockUpdate("C", 3)]
    answers = [StockUpdateResult(offer_id="C", product_id=3, updated=True),
               StockUpdateResult(offer_id="A", product_id=1, updated=True),
               StockUpdateResult(offer_id="B", errors=[{"code": "TOO_MANY_REQUESTS", "message": "wait"}])]
    results = write_results_from_wire(updates, answers)
    assert [(r.ok, r.external_id, r.code) for r in results] == [(True, "1", None), (False, None, "TOO_MANY_REQUESTS"),
                                                                (True, "3", None)]
    assert results[1].error == "TOO_MANY_REQUESTS: wait"


def test_an_update_ozon_does_not_mention_or_silently_skips_is_a_failure() -> None:
    updates = [StockUpdate("A", 1), StockUpdate("B", 2)]
    results = write_results_from_wire(updates, [StockUpdateResult(offer_id="B", updated=False)])
    assert [r.ok for r in results] == [False, False]
    assert "says nothing of offer A" in (results[0].error or "") and "gave no reason" in (results[1].error or "")


@pytest.mark.parametrize("field", ["client_id", "warehouse_id"])
@pytest.mark.parametrize("value", ["0", "-5", "abc", "１２３", ""])
def test_ids_must_be_positive_numbers(field: str, value: str) -> None:
    credentials = {"client_id": "123", "api_key": "key-12345678", "warehouse_id": "456", field: value}
    with pytest.raises(ValidationError):
        OzonCredentials.model_validate(credentials)


def test_credentials_are_trimmed() -> None:
    credentials = OzonCredentials(client_id=" 123 ", api_key=" key-12345678 ", warehouse_id="456\n")
    assert (credentials.client_id, credentials.api_key, credentials.warehouse_id) == ("123", "key-12345678", "456")
