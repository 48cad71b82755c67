"""Ozon Seller API client: one method per endpoint, every call a POST with a JSON body and the Client-Id and
Api-Key headers, Ozon's `rpcStatus` errors mapped to our tree in one table (`classify`).

What Ozon answers on failures is not in the spec's status list; public clients and emulators that probed the
live API agree on (code search, 2025-2026): a wrong Api-Key → HTTP 404 `{"code":5,"message":"Invalid Api-Key,
please check the key and try again"}`; missing headers → 401 code 16; a Client-Id that is not a positive
integer → 400 code 3 "Client-Id header value should be positive integer"; the 50 requests/s per Client-Id
(and per-method limits) → HTTP 429 `{"code":8,"message":"You have reached request rate limit per second"}`;
"Circle is open" (a method blocked for minutes under load) came as 400 code 3 in one client's fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import (
    ConfigError,
    ConnectorError,
    MalformedResponseError,
    OutcomeUnknownError,
    Param,
    RateLimited,
    RejectedError,
)
from marketsync.connectors.ozon.schemas import (
    AnalyticsStocks,
    FbsStocks,
    ProductInfoList,
    ProductList,
    RpcStatus,
    StocksUpdateAnswer,
    WarehouseList,
)
from marketsync.connectors.ozon.schemas_dictionary import AttributeList, AttributeValues, CategoryTree
from marketsync.http import HttpClient, parse_json

SYSTEM = "ozon"
WAREHOUSE_LIST = "/v1/warehouse/list"
PRODUCT_LIST = "/v3/product/list"
PRODUCT_INFO_LIST = "/v3/product/info/list"
FBS_STOCKS = "/v1/product/info/stocks-by-warehouse/fbs"
ANALYTICS_STOCKS = "/v1/analytics/stocks"
PRODUCTS_STOCKS = "/v2/products/stocks"

DESCRIPTION_TREE = "/v1/description-category/tree"
ATTRIBUTES = "/v1/description-category/attribute"
ATTRIBUTE_VALUES = "/v1/description-category/attribute/values"
ATTRIBUTE_VALUES_SEARCH = "/v1/description-category/attribute/values/search"
ATTRIBUTE_VALUES_LIMIT = 2000  # /v1/description-category/attribute/values: limit 1..2000
SEARCH_LIMIT = 100  # /v1/description-category/attribute/values/search: limit 1..100
SEARCH_MIN_CHARS = 2  # /values/search: `value` at least 2 characters
PRODUCT_LIST_LIMIT = 1000  # /v3/product/list: limit 1..1000
INFO_LIST_MAX = 1000  # /v3/product/info/list: at most 1000 offer_id + product_id + sku in total
# /v1/product/info/stocks-by-warehouse/fbs documents no maximum (the spec's description is empty); public
# clients send a few hundred SKUs per call. 500 keeps a request small without being chatty. [UNCONFIRMED]
FBS_STOCKS_SKUS = 500
ANALYTICS_STOCKS_SKUS = 100  # /v1/analytics/stocks: skus "maximum: 100"
STOCKS_UPDATE_MAX = 100  # /v2/products/stocks: 100 offer-warehouse pairs per request
STOCKS_UPDATES_PER_MINUTE = 80  # /v2/products/stocks: 80 requests a minute per seller account
REQUESTS_PER_SECOND = 50  # tag "Errors": at most 50 requests a second per Client-Id, every method together
PAIR_UPDATE_INTERVAL_SECONDS = 30  # /v2/products/stocks: one update of an offer-warehouse pair per 30 s
# "Circle is open": Ozon blocked the method under load and says it "recovers within a few minutes"; nothing
# was done, so the request is waited out like a rate limit.
CIRCLE_OPEN = "circle is open"
CIRCLE_OPEN_WAIT = 60.0
AUTH_MESSAGES = ("api-key", "api key", "client-id", "offer not signed")
ModelT = TypeVar("ModelT", bound=BaseModel)


def _status_of(response: httpx.Response) -> RpcStatus:
    try:
        return RpcStatus.model_validate(response.json())
    except (ValueError, ValidationError):
        return RpcStatus(message=response.reason_phrase)


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError an Ozon error answer stands for (429 and 5xx are raised by http.py first)."""
    status = response.status_code
    if status < 400:
        return
    error = _status_of(response)
    text = f"Ozon answered HTTP {status} (code {error.code}): {error.message}"
    said: dict[str, Param] = {"system": SYSTEM, "code": str(error.code), "detail": error.message}
    lowered = error.message.lower()
    if CIRCLE_OPEN in lowered:
        raise RateLimited(text, retry_after=CIRCLE_OPEN_WAIT, code=error.code)
    # 401 missing headers, 403 missing role / IP restriction / unsigned offer, 404 code 5 on a wrong key,
    # 400 on a Client-Id that is not a number: the connection itself is wrong, retrying cannot help.
    if status in (401, 403) or any(word in lowered for word in AUTH_MESSAGES):
        raise ConfigError(f"Ozon rejected the credentials: {error.message or f'HTTP {status}'}", code=error.code,
                          key="token_rejected", params={**said, "detail": error.message or f"HTTP {status}"})
    if status in (400, 404, 409):
        raise RejectedError(f"Ozon refused the request: {text}", code=error.code, key="refused", params=said)
    raise ConnectorError(text, code=status, key="http_status", params={"system": SYSTEM, "status": status})


class OzonClient:
    """Talks to api-seller.ozon.ru (or the sandbox) as one seller (Client-Id) with one Api-Key."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def read(self, path: str, body: dict[str, Any], model: type[ModelT],
             classify_with: Callable[[httpx.Response], None] = classify) -> ModelT:
        """POST a request that changes nothing (so it may be retried) and read the answer as `model`."""
        response = self.http.request("POST", path, json=body, idempotent=True, classify=classify_with)
        try:
            return model.model_validate(parse_json(response, SYSTEM))
        except ValidationError as exc:
            raise MalformedResponseError(f"Ozon {path}: unexpected answer: {exc.errors()[0]['msg']}") from exc

    def warehouse_list(self) -> WarehouseList:
        """POST /v1/warehouse/list: the seller's FBS and rFBS warehouses (no request body is declared)."""
        return self.read(WAREHOUSE_LIST, {}, WarehouseList)

    def product_list(self, last_id: str = "", limit: int | None = None) -> ProductList:
        """POST /v3/product/list: one page (limit 1..1000) of every product, archived ones included."""
        body = {"filter": {"visibility": "ALL"}, "last_id": last_id, "limit": limit or PRODUCT_LIST_LIMIT}
        return self.read(PRODUCT_LIST, body, ProductList)

    def iter_product_pages(self) -> Iterator[ProductList]:
        """POST /v3/product/list page by page, passing `result.last_id` back until a short or empty page."""
        last_id, seen = "", set()
        while True:
            page = self.product_list(last_id)
            yield page
            result = page.result
            if len(result.items) < PRODUCT_LIST_LIMIT or not result.last_id or result.last_id in seen:
                return  # a repeated last_id would loop forever
            seen.add(result.last_id)
            last_id = result.last_id

    def product_info_list(self, *, product_ids: Sequence[int] = (), offer_ids: Sequence[str] = (),
                          skus: Sequence[int] = ()) -> ProductInfoList:
        """POST /v3/product/info/list: sku, barcodes, name and images of at most 1000 products in total."""
        if not 0 < len(product_ids) + len(offer_ids) + len(skus) <= INFO_LIST_MAX:
            raise ValueError(f"product info takes 1..{INFO_LIST_MAX} ids")
        body: dict[str, Any] = {}
        if product_ids:
            body["product_id"] = [str(i) for i in product_ids]
        if offer_ids:
            body["offer_id"] = list(offer_ids)
        if skus:
            body["sku"] = [str(s) for s in skus]
        return self.read(PRODUCT_INFO_LIST, body, ProductInfoList)

    def stocks_by_warehouse_fbs(self, skus: Sequence[int]) -> FbsStocks:
        """POST /v1/product/info/stocks-by-warehouse/fbs: present and reserved per SKU and seller warehouse."""
        if not 0 < len(skus) <= FBS_STOCKS_SKUS:
            raise ValueError(f"FBS stocks take 1..{FBS_STOCKS_SKUS} SKUs")
        return self.read(FBS_STOCKS, {"sku": [str(s) for s in skus]}, FbsStocks)

    def analytics_stocks(self, skus: Sequence[int]) -> AnalyticsStocks:
        """POST /v1/analytics/stocks: FBO stock per SKU and Ozon warehouse, at most 100 SKUs a call."""
        if not 0 < len(skus) <= ANALYTICS_STOCKS_SKUS:
            raise ValueError(f"analytics stocks take 1..{ANALYTICS_STOCKS_SKUS} SKUs")
        return self.read(ANALYTICS_STOCKS, {"skus": [str(s) for s in skus]}, AnalyticsStocks)

    def products_stocks(self, stocks: Sequence[dict[str, Any]]) -> StocksUpdateAnswer:
        """POST /v2/products/stocks: set FBS stock of ≤ 100 offer-warehouse pairs (80 requests/min per seller,
        one update of a pair per 30 s); per-pair refusals come back inside the 200 as `result[].errors`."""
        if not 0 < len(stocks) <= STOCKS_UPDATE_MAX:
            raise ValueError(f"a stock update takes 1..{STOCKS_UPDATE_MAX} pairs, got {len(stocks)}")
        response = self.http.request("POST", PRODUCTS_STOCKS, json={"stocks": list(stocks)}, idempotent=False,
                                     classify=classify)
        try:
            answer = StocksUpdateAnswer.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            # The request went through and may have been applied: the caller must re-read, not resend.
            raise OutcomeUnknownError("Ozon /v2/products/stocks: the answer could not be read, the update may "
                                      "or may not have been applied") from exc
        return answer

    def description_category_tree(self) -> CategoryTree:
        """POST /v1/description-category/tree (50 requests/s per Client-Id, every method): the whole tree of
        categories and their types, in Russian (`DEFAULT`)."""
        return self.read(DESCRIPTION_TREE, {"language": "DEFAULT"}, CategoryTree)

    def category_attributes(self, category_id: int, type_id: int) -> AttributeList:
        """POST /v1/description-category/attribute (50 requests/s per Client-Id): the attributes of one type."""
        body = {"description_category_id": category_id, "type_id": type_id, "language": "DEFAULT"}
        return self.read(ATTRIBUTES, body, AttributeList)

    def attribute_values(self, category_id: int, type_id: int, attribute_id: int, *, last_value_id: int = 0,
                         limit: int = ATTRIBUTE_VALUES_LIMIT) -> AttributeValues:
        """POST /v1/description-category/attribute/values (limit 1..2000; 50 requests/s per Client-Id): one page
        of an attribute's dictionary after `last_value_id`."""
        if not 0 < limit <= ATTRIBUTE_VALUES_LIMIT:
            raise ValueError(f"attribute values take a limit of 1..{ATTRIBUTE_VALUES_LIMIT}")
        body = {"attribute_id": attribute_id, "description_category_id": category_id, "type_id": type_id,
                "limit": limit, "last_value_id": last_value_id, "language": "DEFAULT"}
        return self.read(ATTRIBUTE_VALUES, body, AttributeValues)

    def iter_attribute_values(self, category_id: int, type_id: int, attribute_id: int) -> Iterator[AttributeValues]:
        """POST /v1/description-category/attribute/values page by page (2000 a page): while `has_next`, ask again
        with `last_value_id` = the last id received."""
        last_value_id, seen = 0, set()
        while True:
            page = self.attribute_values(category_id, type_id, attribute_id, last_value_id=last_value_id)
            yield page
            if not page.has_next or not page.result or page.result[-1].id in seen:  # a repeated id would loop
                return
            last_value_id = page.result[-1].id
            seen.add(last_value_id)

    def search_attribute_values(self, category_id: int, type_id: int, attribute_id: int, value: str,
                                limit: int = SEARCH_LIMIT) -> AttributeValues:
        """POST /v1/description-category/attribute/values/search (limit 1..100, `value` ≥ 2 characters; 50
        requests/s per Client-Id): the dictionary values matching a text."""
        if len(value.strip()) < SEARCH_MIN_CHARS:
            raise ValueError(f"a dictionary search takes at least {SEARCH_MIN_CHARS} characters")
        if not 0 < limit <= SEARCH_LIMIT:
            raise ValueError(f"a dictionary search takes a limit of 1..{SEARCH_LIMIT}")
        body = {"attribute_id": attribute_id, "description_category_id": category_id, "type_id": type_id,
                "value": value.strip(), "limit": limit}
        return self.read(ATTRIBUTE_VALUES_SEARCH, body, AttributeValues)
