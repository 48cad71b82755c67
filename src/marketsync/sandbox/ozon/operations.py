"""What each emulated Ozon method does with a valid seller's (spec-checked) request body; one function per path.

Batch maxima and paging as ozon/swagger.json documents them: /v3/product/list limit 1..1000 with `last_id`;
/v3/product/info/list ≤ 1000 ids in total; /v1/analytics/stocks ≤ 100 SKUs; /v2/products/stocks ≤ 100
pairs, each refused on its own inside the 200 (`result[].errors`, codes from the tag "Errors", messages the
spec's descriptions). The wording of the 400s for a broken maximum is not documented [UNCONFIRMED].
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from marketsync.sandbox.ozon.dictionary import DICTIONARY_OPERATIONS
from marketsync.sandbox.ozon.errors import OzonError, bad_request
from marketsync.sandbox.ozon.operations_cards import CARD_OPERATIONS
from marketsync.sandbox.ozon.operations_events import EVENT_OPERATIONS
from marketsync.sandbox.ozon.state import FBO_WAREHOUSES, OzonProduct, OzonSeller, OzonState
from marketsync.sandbox.ozon.wire import (
    fbo_row_to_wire,
    fbs_row_to_wire,
    info_to_wire,
    list_item_to_wire,
    warehouse_to_wire,
)

LIST_LIMIT_MAX = 1000
INFO_IDS_MAX = 1000
ANALYTICS_SKUS_MAX = 100
STOCKS_PAIRS_MAX = 100
STOCK_TOO_BIG_FROM = 1_000_000  # STOCK_TOO_BIG: "Укажите количество меньше миллиона"
ACTIVE = "created"
Operation = Callable[[OzonState, OzonSeller, dict[str, Any]], dict[str, Any]]

# Per-pair refusals of /v2/products/stocks: the code, and the spec's own description as the message.
OFFER_NOT_FOUND = ("offer_id_not_found", "Товара с таким артикулом нет в личном кабинете.")
PRODUCT_NOT_FOUND = ("NOT_FOUND_ERROR", "Товар не найден в личном кабинете.")
WAREHOUSE_NOT_FOUND = ("WAREHOUSE_NOT_FOUND", "Склад warehouse_id не найден. Проверьте наличие ошибок в ID склада и "
                                              "его статус — он должен быть активный.")
PRICE_IS_NOT_SENT = ("PRICE_IS_NOT_SENT", "Товар ещё не создан или находится на стадии обновления.")
STOCK_TOO_BIG = ("STOCK_TOO_BIG", "Вы указали слишком большое значение для остатка товара. Укажите количество меньше "
                                  "миллиона и повторите запрос.")
TOO_MANY_REQUESTS = ("TOO_MANY_REQUESTS", "Вы слишком часто обновляли остатки для одного артикула. Остатки для одного "
                                          "артикула можно обновлять не чаще одного раза в 30 секунд.")


def _pair_invalid(index: int) -> OzonError:
    # The spec's own example of this whole-request refusal ("Errors" tag): a pair without its warehouse.
    return bad_request(f"Request validation error: invalid ProductsStocksRequest.Stocks[{index}]: "
                       "embedded message failed validation")


def request_refusal(path: str, problems: list[str]) -> OzonError:
    """Return the 400 for a body the spec refuses (`problems` as spec.request_errors gives them)."""
    # A pair missing a field fails the generated validator; a value of the wrong type already fails decoding.
    pair = re.match(r"stocks/(\d+): .*(required property|not valid under any)", problems[0]) \
        if path == "/v2/products/stocks" else None
    return _pair_invalid(int(pair[1])) if pair else bad_request(f"invalid request: {problems[0]}")


def _ints(values: Any, field: str) -> list[int]:
    try:
        return [int(value) for value in values or []]
    except (TypeError, ValueError):
        raise bad_request(f"invalid value for int64 type in {field}") from None


def _last_id(product_id: int) -> str:
    return base64.b64encode(str(product_id).encode()).decode()


def _after(last_id: str) -> int:
    if not last_id:
        return 0
    try:
        return int(base64.b64decode(last_id.encode(), validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad_request("invalid last_id") from None


def warehouse_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/warehouse/list: the seller's FBS and rFBS warehouses, whatever their status."""
    return {"result": [warehouse_to_wire(w) for w in seller.warehouses.values()]}


def _visible(product: OzonProduct, visibility: str) -> bool:
    # ALL lists every product, archived ones too (the spec: "все товары"); ARCHIVED only those; the other
    # filters are approximated as "not archived".
    if visibility == "ALL":
        return True
    return product.archived if visibility == "ARCHIVED" else not product.archived


def product_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v3/product/list: products in product_id order, `limit` 1..1000 a page, `last_id` to go on."""
    limit = body.get("limit") or 0
    if not 1 <= limit <= LIST_LIMIT_MAX:
        raise bad_request(f"limit must be between 1 and {LIST_LIMIT_MAX}")
    flt = body.get("filter") or {}
    offer_ids, product_ids = flt.get("offer_id") or [], set(_ints(flt.get("product_id"), "filter.product_id"))
    if len(offer_ids) > INFO_IDS_MAX or len(product_ids) > INFO_IDS_MAX:
        raise bad_request(f"filter takes at most {INFO_IDS_MAX} identifiers")
    visibility = flt.get("visibility") or "ALL"
    after = _after(body.get("last_id") or "")
    wanted_offers = set(offer_ids)
    matching = [p for p in seller.products.values() if _visible(p, visibility)
                and (not wanted_offers or p.offer_id in wanted_offers)
                and (not product_ids or p.product_id in product_ids)]
    page = [p for p in matching if p.product_id > after][:limit]
    return {"result": {"items": [list_item_to_wire(seller, p) for p in page], "total": len(matching),
                       "last_id": _last_id(page[-1].product_id) if page else ""}}


def product_info_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v3/product/info/list: details of ≤ 1000 products by offer_id, product_id and sku together."""
    offer_ids = list(body.get("offer_id") or [])
    product_ids = _ints(body.get("product_id"), "product_id")
    skus = _ints(body.get("sku"), "sku")
    count = len(offer_ids) + len(product_ids) + len(skus)
    if count == 0:
        raise bad_request("pass offer_id, product_id or sku")
    if count > INFO_IDS_MAX:
        raise bad_request(f"at most {INFO_IDS_MAX} identifiers in total per request, got {count}")
    found = {seller.by_offer[o] for o in offer_ids if o in seller.by_offer}
    found |= {p for p in product_ids if p in seller.products}
    found |= {seller.by_sku[s] for s in skus if s in seller.by_sku}
    return {"items": [info_to_wire(seller, seller.products[p]) for p in sorted(found)]}


def fbs_stocks(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/product/info/stocks-by-warehouse/fbs: a row per SKU and seller warehouse with a stock record."""
    rows = []
    for sku in dict.fromkeys(_ints(body.get("sku"), "sku")):
        product_id = seller.by_sku.get(sku)
        if product_id is None:
            continue
        for warehouse_id, record in seller.fbs.get(product_id, {}).items():
            warehouse = seller.warehouses.get(warehouse_id)
            if warehouse is not None:
                rows.append(fbs_row_to_wire(seller.products[product_id], warehouse, record))
    return {"result": rows}


def analytics_stocks(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/analytics/stocks: FBO stock per SKU at Ozon's warehouses, 1..100 SKUs a request."""
    skus = _ints(body.get("skus"), "skus")
    if not 1 <= len(skus) <= ANALYTICS_SKUS_MAX:
        raise bad_request(f"skus: from 1 to {ANALYTICS_SKUS_MAX} values")
    warehouses = set(_ints(body.get("warehouse_ids"), "warehouse_ids"))
    clusters = set(_ints(body.get("cluster_ids"), "cluster_ids"))
    cluster_of = {w[0]: w[2] for w in FBO_WAREHOUSES}
    items = []
    for sku in dict.fromkeys(skus):
        product_id = seller.by_sku.get(sku)
        if product_id is None:
            continue
        for warehouse_id, available in seller.fbo.get(product_id, {}).items():
            if (not warehouses or warehouse_id in warehouses) and (not clusters or cluster_of[warehouse_id]
                                                                   in clusters):
                items.append(fbo_row_to_wire(seller.products[product_id], warehouse_id, available))
    return {"items": items}


def products_stocks(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v2/products/stocks: set ≤ 100 offer-warehouse pairs; each pair refused alone, in a 200."""
    pairs = body.get("stocks") or []
    if not pairs:
        raise bad_request("stocks: at least one item is required")
    if len(pairs) > STOCKS_PAIRS_MAX:
        raise bad_request(f"stocks: at most {STOCKS_PAIRS_MAX} product-warehouse pairs per request, "
                          f"got {len(pairs)}")
    for index, pair in enumerate(pairs):
        if not pair.get("warehouse_id") or pair.get("stock") is None or pair["stock"] < 0:
            raise _pair_invalid(index)
    return {"result": [_set_pair(state, seller, pair) for pair in pairs]}


def _set_pair(state: OzonState, seller: OzonSeller, pair: dict[str, Any]) -> dict[str, Any]:
    offer_id, warehouse_id, stock = pair.get("offer_id") or "", int(pair["warehouse_id"]), int(pair["stock"])
    # "If both offer_id and product_id are given, offer_id wins."
    product = seller.product(offer_id) if offer_id else seller.products.get(int(pair.get("product_id") or 0))
    result: dict[str, Any] = {"warehouse_id": warehouse_id, "offer_id": offer_id or (product.offer_id if product
                                                                                       else ""),
                              "product_id": product.product_id if product else int(pair.get("product_id") or 0),
                              "updated": False, "errors": []}
    warehouse = seller.warehouses.get(warehouse_id)
    now = state.now()
    error: tuple[str, str] | None = None
    if product is None:
        error = OFFER_NOT_FOUND if offer_id else PRODUCT_NOT_FOUND
    elif warehouse is None or warehouse.status != ACTIVE:
        error = WAREHOUSE_NOT_FOUND
    elif not product.price_sent:
        error = PRICE_IS_NOT_SENT
    elif stock >= STOCK_TOO_BIG_FROM:
        error = STOCK_TOO_BIG
    elif now - seller.pair_updated_at.get((product.product_id, warehouse_id), -1e18) < state.pair_interval_s:
        error = TOO_MANY_REQUESTS
    if error is not None or product is None:
        result["errors"] = [{"code": error[0], "message": error[1]}] if error else []
        return result
    records = seller.fbs.setdefault(product.product_id, {})
    reserved = records[warehouse_id][1] if warehouse_id in records else 0
    # The stock sent is what buyers may order; Ozon keeps `present` = that + the units already reserved.
    records[warehouse_id] = [stock + reserved, reserved]
    seller.pair_updated_at[(product.product_id, warehouse_id)] = now
    result["updated"] = True
    return result


OPERATIONS: dict[str, tuple[Operation, bool]] = {  # path → (what it does, whether it writes)
    "/v1/warehouse/list": (warehouse_list, False),
    "/v3/product/list": (product_list, False),
    "/v3/product/info/list": (product_info_list, False),
    "/v1/product/info/stocks-by-warehouse/fbs": (fbs_stocks, False),
    "/v1/analytics/stocks": (analytics_stocks, False),
    "/v2/products/stocks": (products_stocks, True),
    **EVENT_OPERATIONS,  # buyers' postings, returns and reviews
    **DICTIONARY_OPERATIONS,  # the category tree, attributes and their dictionaries
    **CARD_OPERATIONS,  # product import, its task, prices
}
