"""The emulated Ozon's card and price methods (ozon/swagger.json):

- `/v3/product/import`: ≤ 100 items (more, or none: a 400), answered with a new `task_id` at once; the items are
  processed when the task is `state.import_processing_s` old on the emulator's clock (`/_control/ozon/clock/advance`
  moves it): each is then `failed` with card_checks' errors, `skipped` when it equals the item last imported for
  its offer_id, or `imported`: the product with that offer_id is updated, or created with a product_id and an
  SKU, so the product lists, the stock methods and the price method see it. Never a second product per offer_id.
- `/v1/product/import/info`: the task's items, `pending` until processed (an unknown task: 404 [UNCONFIRMED]).
- `/v1/product/import/prices`: ≤ 1000 prices (the spec's maxItems); per item `NOT_FOUND_ERROR`, `price_negative`,
  and at most 10 changes of a product's price an hour: the 11th is refused with `PRICE_UPDATE_TOO_OFTEN`
  (the code and text are not documented [UNCONFIRMED]).

Every seller request first processes its due tasks (`settle`), so a product appears wherever Ozon shows it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marketsync.sandbox.ozon.card_checks import decimal_or_none, item_errors
from marketsync.sandbox.ozon.cards import ImportTask
from marketsync.sandbox.ozon.errors import NOT_FOUND, OzonError, bad_request
from marketsync.sandbox.ozon.state import OzonSeller, OzonState

IMPORT_MAX = 100
PRICE_CHANGES_PER_HOUR = 10
HOUR = 3600.0
NOT_FOUND_ERROR = ("NOT_FOUND_ERROR", "Товара с таким идентификатором нет в личном кабинете.")
PRICE_NEGATIVE = ("price_negative", "Попытка установить отрицательную цену.")
PRICE_INVALID = ("invalid_price", "Укажите цену числом с точкой, до двух знаков после запятой.")  # [UNCONFIRMED]
PRICE_TOO_OFTEN = ("PRICE_UPDATE_TOO_OFTEN", "Цену товара можно обновлять не больше 10 раз в час.")  # [UNCONFIRMED]


def _apply(state: OzonState, seller: OzonSeller, item: dict[str, Any]) -> int:
    """Create or update the product of an imported item; return its product_id."""
    offer_id = str(item["offer_id"])
    product = seller.product(offer_id)
    if product is None:
        product = state.add_product(seller.client_id, offer_id, str(item["name"]), photos=0,
                                    created_at=state.utcnow())
    product.name = str(item["name"])
    product.barcodes = [str(item["barcode"])] if item.get("barcode") else product.barcodes
    product.images = list(item.get("images") or [])
    product.price = Decimal(str(item["price"]))
    product.updated_at = state.utcnow()
    return product.product_id


def _process(state: OzonState, seller: OzonSeller, task: ImportTask) -> None:
    results = []
    for item in task.items:
        offer_id = str(item.get("offer_id") or "")
        existing = seller.product(offer_id) if offer_id else None
        result: dict[str, Any] = {"offer_id": offer_id, "product_id": existing.product_id if existing else 0,
                                  "status": "imported", "errors": []}
        errors = item_errors(item)
        if errors:
            result.update(status="failed", errors=errors)
        elif existing is not None and seller.cards.items.get(offer_id) == item:
            result["status"] = "skipped"
        else:
            result["product_id"] = _apply(state, seller, item)
            seller.cards.items[offer_id] = item
        results.append(result)
    task.results = results


def settle(state: OzonState, seller: OzonSeller) -> None:
    """Process the seller's import tasks whose time has come, oldest first."""
    for task in seller.cards.due(state.now(), state.import_processing_s):
        _process(state, seller, task)


def product_import(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v3/product/import: queue ≤ 100 products for creation or update; answer the task id."""
    items = body.get("items") or []
    if not items:
        raise bad_request("items: at least one product is required")
    if len(items) > IMPORT_MAX:
        raise bad_request(f"items: at most {IMPORT_MAX} products per request, got {len(items)}")
    settle(state, seller)
    task = seller.cards.new_task(state.now(), [dict(item) for item in items])
    return {"result": {"task_id": task.task_id}}


def import_info(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/product/import/info: each item of a task, `pending` until it is processed."""
    task_id = int(body["task_id"])
    settle(state, seller)
    task = seller.cards.tasks.get(task_id)
    if task is None:
        raise OzonError(404, NOT_FOUND, f"task {task_id} not found")
    if task.results is not None:
        items = task.results
    else:
        items = [{"offer_id": str(i.get("offer_id") or ""), "product_id": getattr(seller.product(
            str(i.get("offer_id") or "")), "product_id", 0), "status": "pending", "errors": []} for i in task.items]
    return {"result": {"items": items, "total": len(items)}}


def _set_price(state: OzonState, seller: OzonSeller, price: dict[str, Any]) -> dict[str, Any]:
    offer_id = str(price.get("offer_id") or "")
    # "If both offer_id and product_id are given, offer_id wins."
    product = seller.product(offer_id) if offer_id else seller.products.get(int(price.get("product_id") or 0))
    result: dict[str, Any] = {"offer_id": offer_id or (product.offer_id if product else ""),
                              "product_id": product.product_id if product else int(price.get("product_id") or 0),
                              "updated": False, "errors": []}
    value = decimal_or_none(price.get("price"))
    now = state.now()
    recent = [t for t in seller.cards.price_changes.get(product.product_id, []) if now - t < HOUR] \
        if product else []
    error: tuple[str, str] | None = None
    if product is None:
        error = NOT_FOUND_ERROR
    elif value is None:
        error = PRICE_INVALID
    elif value < 0:
        error = PRICE_NEGATIVE
    elif len(recent) >= PRICE_CHANGES_PER_HOUR:
        error = PRICE_TOO_OFTEN
    if error is not None or product is None or value is None:
        result["errors"] = [{"code": error[0], "message": error[1]}] if error else []
        return result
    product.price = value
    product.updated_at = state.utcnow()
    seller.cards.price_changes[product.product_id] = [*recent, now]
    result["updated"] = True
    return result


def import_prices(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/product/import/prices: set ≤ 1000 prices, each refused alone inside the 200."""
    prices = body.get("prices") or []
    if not prices:
        raise bad_request("prices: at least one item is required")
    settle(state, seller)
    return {"result": [_set_price(state, seller, price) for price in prices]}


CARD_OPERATIONS = {  # path → (what it does, whether it writes)
    "/v3/product/import": (product_import, True),
    "/v1/product/import/info": (import_info, False),
    "/v1/product/import/prices": (import_prices, True),
}
