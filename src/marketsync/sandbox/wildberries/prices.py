"""The emulated WB prices host (02-products.yaml "Цены и скидки", CONTRACTS.md §1.5 and §9.2).

POST /api/v2/upload/task takes ≤ 1000 goods {nmID, price, discount}, refuses the whole request with the
documented 400 texts, answers 208 with the earlier id when the same upload already exists, else queues a task.
The task stays in processing (status 1, seen by /api/v2/buffer/...) for `price_delay_seconds` on the emulator's
clock, then each good is applied, or refused («Invalid item No.» for an nmID the seller has no card of), or,
when its discounted price is at least 3 times below the current one, quarantined: the good keeps its price,
its history says WB's quarantine text and /api/v2/quarantine/goods lists it until another price is sent.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.card_jobs import PricedGood, PriceTask, Quarantined
from marketsync.sandbox.wildberries.state import WbSeller, WbState

PRICES_MAX = 1000
QUARANTINE_TEXT = ("The new price is several times lower than the current price. Item has been moved to Price "
                   "Quarantine")
ALREADY_SET = "The specified prices and discounts are already set"
NONE_VALID = ("All item Nos. are specified incorrectly, or the specified prices and discounts are already set")


def _price_error(text: str, status: int = 400) -> errors.WbError:
    return errors.WbError(status, {"data": None, "error": True, "errorText": text})


def _goods(body: Any) -> list[dict[str, Any]]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _price_error("Invalid data format")
    if not data:
        raise _price_error("Empty data")
    if len(data) > PRICES_MAX:
        raise _price_error("Upload limit exceeded: You can upload a maximum of 10 000 items")  # sic, 1000
    nm_ids = [item.get("nmID") for item in data]
    if any(not isinstance(n, int) or isinstance(n, bool) or n <= 0 for n in nm_ids):
        raise _price_error("Invalid item No.")
    if len(set(nm_ids)) != len(nm_ids):
        raise _price_error("Duplicate item Nos.")
    for item in data:
        price, discount = item.get("price"), item.get("discount")
        if price is None and discount is None:
            raise _price_error("Price and discount not specified")
        if isinstance(price, float):
            raise _price_error("Price should be a whole number")
        if price is not None and (not isinstance(price, int) or isinstance(price, bool) or price <= 0):
            raise _price_error("Invalid price value")
        if discount is not None and (not isinstance(discount, int) or isinstance(discount, bool)
                                     or not 0 <= discount < 100):
            raise _price_error("Invalid discount value")
    return data


def upload_task(wb: WbState, seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Check and queue a price upload."""
    data = _goods(body)
    canonical = json.dumps(data, sort_keys=True)
    for task in seller.pricing.tasks.values():
        if task.body == canonical and task.status == 1:
            return 208, {"data": {"id": task.id, "alreadyExists": True}, "error": False,
                         "errorText": "This task already exists"}
    goods = []
    for item in data:
        card = seller.cards.get(item["nmID"])
        price: int = item["price"] if item.get("price") is not None else (card.price if card else 0)
        discount: int = item["discount"] if item.get("discount") is not None else (card.discount if card else 0)
        goods.append(PricedGood(item["nmID"], card.vendor_code if card else "", price, discount))
    known = [g for g in goods if (card := seller.cards.get(g.nm_id)) is not None and not card.trashed]
    changed = [g for g in known if (g.price, g.discount) != (seller.cards[g.nm_id].price,
                                                             seller.cards[g.nm_id].discount)]
    if not changed:
        raise _price_error(ALREADY_SET if len(known) == len(goods) else NONE_VALID)
    now = wb.now()
    task = PriceTask(wb.new_id("upload"), now, now + timedelta(seconds=wb.price_delay_seconds), canonical, goods)
    seller.pricing.tasks[task.id] = task
    process_due(wb, seller)
    return 200, {"data": {"id": task.id, "alreadyExists": False}, "error": False, "errorText": ""}


def process_due(wb: WbState, seller: WbSeller) -> None:
    """Apply every price upload whose processing time has come."""
    now = wb.now()
    for task in seller.pricing.tasks.values():
        if task.status != 1 or task.ready_at > now:
            continue
        for good in task.goods:
            card = seller.cards.get(good.nm_id)
            if card is None or card.trashed:
                good.status, good.error_text = 3, "Invalid item No."
                continue
            old = card.price * (100 - card.discount)
            if old > 0 and good.price * (100 - good.discount) * 3 <= old:
                seller.pricing.quarantine[card.nm_id] = Quarantined(card.nm_id, good.price, card.price,
                                                                    good.discount, card.discount)
                good.status, good.error_text = 3, QUARANTINE_TEXT
                continue
            seller.pricing.quarantine.pop(card.nm_id, None)  # another price lifts the quarantine
            card.price, card.discount, good.status = good.price, good.discount, 2
        failed = sum(good.status == 3 for good in task.goods)
        task.status = 3 if not failed else 6 if failed == len(task.goods) else 5


def _upload_id(query: Any) -> int:
    try:
        return int(query.get("uploadID") or "")
    except ValueError:
        raise _price_error("Invalid request parameters") from None


def _page(query: Any) -> tuple[int, int]:
    try:
        limit, offset = int(query.get("limit") or ""), int(query.get("offset") or 0)
    except ValueError:
        raise _price_error("Invalid request parameters") from None
    if not 0 < limit <= PRICES_MAX or offset < 0:
        raise _price_error("Invalid request parameters")
    return limit, offset


def _good_to_wire(good: PricedGood) -> dict[str, Any]:
    return {"nmID": good.nm_id, "vendorCode": good.vendor_code, "sizeID": 0, "techSizeName": "",
            "price": good.price, "currencyIsoCode4217": "RUB", "discount": good.discount, "clubDiscount": 0,
            "status": good.status, "errorText": good.error_text}


def task_state(wb: WbState, seller: WbSeller, query: Any, *, buffer: bool) -> tuple[int, Any]:
    """GET /api/v2/history/tasks (processed) or /api/v2/buffer/tasks (in processing): a task's state, data
    null when the upload is not in that list."""
    process_due(wb, seller)
    task = seller.pricing.tasks.get(_upload_id(query))
    if task is None or (task.status == 1) != buffer:
        return 200, {"data": None, "error": False, "errorText": ""}
    done = sum(good.status == 2 for good in task.goods)
    return 200, {"data": {"uploadID": task.id, "status": task.status,
                          "uploadDate": task.uploaded_at.isoformat(timespec="seconds"),
                          "activationDate": task.ready_at.isoformat(timespec="seconds"),
                          "overAllGoodsNumber": len(task.goods), "successGoodsNumber": done},
                 "error": False, "errorText": ""}


def task_goods(wb: WbState, seller: WbSeller, query: Any, *, buffer: bool) -> tuple[int, Any]:
    """GET /api/v2/history/goods/task or /api/v2/buffer/goods/task: a page of a task's goods."""
    process_due(wb, seller)
    limit, offset = _page(query)
    upload_id = _upload_id(query)
    task = seller.pricing.tasks.get(upload_id)
    goods = task.goods if task is not None and (task.status == 1) == buffer else []
    rows = [_good_to_wire(good) for good in goods[offset:offset + limit]]
    if buffer:
        return 200, {"data": {"uploadID": upload_id if task else None, "bufferGoods": rows}, "error": False,
                     "errorText": ""}
    return 200, {"data": {"uploadID": upload_id, "historyGoods": rows}}


def quarantine(wb: WbState, seller: WbSeller, query: Any) -> tuple[int, Any]:
    """GET /api/v2/quarantine/goods: the goods whose new price was held back."""
    process_due(wb, seller)
    limit, offset = _page(query)
    held = sorted(seller.pricing.quarantine.values(), key=lambda q: q.nm_id)[offset:offset + limit]
    rows = [{"nmID": q.nm_id, "sizeID": None, "techSizeName": "", "currencyIsoCode4217": "RUB",
             "newPrice": q.new_price, "oldPrice": q.old_price, "newDiscount": q.new_discount,
             "oldDiscount": q.old_discount,
             "priceDiff": q.new_price * (1 - q.new_discount / 100) - q.old_price * (1 - q.old_discount / 100)}
            for q in held]
    return 200, {"data": {"quarantineGoods": rows}, "error": False, "errorText": ""}
