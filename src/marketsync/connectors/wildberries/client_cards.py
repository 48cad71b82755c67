"""Wildberries card publishing and prices on the wire: card upload, update and error list (content host) and
price uploads with their outcome (prices host), each within the budgets hosts.py gives them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from marketsync.connectors.errors import RejectedError
from marketsync.connectors.wildberries.client import _model, classify
from marketsync.connectors.wildberries.hosts import (
    CARDS_PATH,
    CONTENT_BUDGET,
    ERRORS_PATH,
    MEDIA_PATH,
    PRICES_BUDGET,
    UPDATE_PATH,
    UPLOAD_PATH,
)
from marketsync.connectors.wildberries.schemas import CardsPage
from marketsync.connectors.wildberries.schemas_cards import (
    ErrorBatch,
    ErrorListAnswer,
    GoodOutcome,
    GoodsAnswer,
    MediaSaved,
    TaskCreated,
    TaskState,
    TaskStateAnswer,
)

ERRORS_PAGE = 100  # error list: limit max 100 batches
GOODS_PAGE = 1000  # goods of an upload: limit ≤ 1000
MEDIA_MAX = 30  # media save: "максимум изображений для одной карточки товара — 30"


class WildberriesCardsClient:
    """Sends cards and prices of one token."""

    def __init__(self, content: Any, prices: Any) -> None:
        self.content = content
        self.prices = prices

    def upload(self, body: list[dict[str, Any]]) -> None:
        """POST /content/v2/cards/upload (10/min, 6 s, burst 5): queue the creation of ≤ 100 merged cards."""
        self.content.request("POST", UPLOAD_PATH, json=body, idempotent=False, classify=classify)

    def update(self, body: list[dict[str, Any]]) -> None:
        """POST /content/v2/cards/update (10/min, 6 s, burst 5): queue the overwrite of ≤ 3000 cards."""
        self.content.request("POST", UPDATE_PATH, json=body, idempotent=False, classify=classify)

    def error_list(self) -> Iterator[ErrorBatch]:
        """POST /content/v2/cards/error/list (10/min, 6 s, burst 5): every batch, oldest first, cursor paging
        (updatedAt + batchUUID of the answer into the next request) until `next` is false."""
        cursor: dict[str, Any] = {"limit": ERRORS_PAGE}
        while True:
            response = self.content.request("POST", ERRORS_PATH, params={"locale": "ru"},
                                            json={"cursor": cursor, "order": {"ascending": True}},
                                            idempotent=True, classify=classify)
            data = _model(response, ErrorListAnswer, "error list").data
            if data is None:
                return
            yield from data.items
            if not data.cursor.next or not data.items:
                return
            cursor = {"limit": ERRORS_PAGE, "updatedAt": data.cursor.updatedAt, "batchUUID": data.cursor.batchUUID}

    def search_cards(self, text: str) -> CardsPage:
        """POST /content/v2/get/cards/list with textSearch (vendorCode, nmID or barcode): the first 100 matches."""
        body = {"settings": {"cursor": {"limit": 100}, "filter": {"withPhoto": -1, "textSearch": text}}}
        response = self.content.request("POST", CARDS_PATH, params={"locale": "ru"}, json=body, idempotent=True,
                                        classify=classify)
        return _model(response, CardsPage, "cards list")

    def save_media(self, nm_id: int, links: list[str]) -> None:
        """POST /content/v3/media/save (Content: 100/min, 600 ms, burst 5): replace all media of card `nm_id` with
        the files behind ≤ 30 links, in their order (at least 700×900 px, ≤ 32 MB, JPG/PNG/BMP/GIF/WebP).

        A 200 only says WB took the links: when one file fails WB's requirements none loads. Saving the same links
        again replaces the media with the same files, so a lost answer is safely repeated. A 4xx (or a 200 with
        error true) raises RejectedError with WB's text.
        """
        if len(links) > MEDIA_MAX:
            raise ValueError(f"Wildberries takes at most {MEDIA_MAX} images a card, got {len(links)}")
        response = self.content.request("POST", MEDIA_PATH, json={"nmId": nm_id, "data": links}, idempotent=True,
                                        write=True, classify=classify, budget_key=CONTENT_BUDGET)
        answer = _model(response, MediaSaved, "media save")
        if answer.error:
            raise RejectedError(f"Wildberries refused the media: {answer.errorText}", key="refused",
                                params={"system": "wildberries", "code": "media", "detail": answer.errorText})

    def upload_prices(self, goods: list[dict[str, Any]]) -> int:
        """POST /api/v2/upload/task (Prices: 10 per 6 s, burst 5): return the upload id (208: the id of the same
        upload made before). A 400 raises RejectedError with WB's text."""
        response: httpx.Response = self.prices.request("POST", "/api/v2/upload/task", json={"data": goods},
                                                       idempotent=False, classify=classify,
                                                       budget_key=PRICES_BUDGET)
        answer = _model(response, TaskCreated, "price upload")
        if answer.data is None:
            raise RejectedError(f"Wildberries took the prices without an upload id: {answer.errorText}",
                                key="refused", params={"system": "wildberries", "code": "no_id",
                                                       "detail": answer.errorText})
        return answer.data.id

    def task_state(self, upload_id: int, *, buffer: bool) -> TaskState | None:
        """GET /api/v2/history/tasks (processed) or /api/v2/buffer/tasks (processing): None when not there."""
        path = "/api/v2/buffer/tasks" if buffer else "/api/v2/history/tasks"
        response = self.prices.request("GET", path, params={"uploadID": upload_id}, idempotent=True,
                                       classify=classify, budget_key=PRICES_BUDGET)
        return _model(response, TaskStateAnswer, "price upload state").data

    def task_goods(self, upload_id: int) -> list[GoodOutcome]:
        """GET /api/v2/history/goods/task: every good of a processed upload, 1000 a page."""
        goods: list[GoodOutcome] = []
        while True:
            response = self.prices.request("GET", "/api/v2/history/goods/task",
                                           params={"uploadID": upload_id, "limit": GOODS_PAGE, "offset": len(goods)},
                                           idempotent=True, classify=classify, budget_key=PRICES_BUDGET)
            data = _model(response, GoodsAnswer, "price upload goods").data
            page = (data.historyGoods if data else None) or []
            goods.extend(page)
            if len(page) < GOODS_PAGE:
                return goods
