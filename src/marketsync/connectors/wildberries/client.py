"""Wildberries seller API client of the stock sync: one method per endpoint over the content, marketplace and
statistics hosts (what buyers did is read by client_reports.py).

The token goes raw in `Authorization` (securityScheme HeaderApiKey in every WB YAML; WB's knowledge base
"Система авторизации WB API" shows `Bearer <token>`, and clients in the wild send it raw, so both are
accepted). Errors come in four shapes (gateway {title, detail, ...}; marketplace {code, message}; content
{errorText}; statistics {errors}); `classify` maps them in one table. A 409 of PUT /api/v3/stocks names the
refused items and is handed to the caller, and WB bills it as 10 requests, so the client charges 9 more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from marketsync.connectors.errors import ConfigError, ConnectorError, MalformedResponseError, Param, RejectedError
from marketsync.connectors.wildberries.hosts import CONTENT_BUDGET, STOCKS_BUDGET, SYSTEM, WbHosts
from marketsync.connectors.wildberries.schemas import (
    CardsPage,
    ErrorBody,
    StockEntry,
    StockRefusal,
    StocksAnswer,
    SupplierStock,
    Warehouse,
)
from marketsync.connectors.wildberries.schemas_dictionary import (
    CharacteristicsAnswer,
    DirectoryAnswer,
    ParentsAnswer,
    SubjectsAnswer,
)
from marketsync.http import parse_json

__all__ = ["STOCKS_BUDGET", "STOCKS_MAX", "SYSTEM", "WildberriesClient", "classify"]
STOCKS_LAST_PAGE_BELOW = 30_000  # half of /api/v1/supplier/stocks' "conditional limit of 60000 rows"
CARDS_PAGE = 100  # /content/v2/get/cards/list: "to get more than 100 cards use the cursor"
STOCKS_MAX = 1000  # PUT /api/v3/stocks: stocks 1..1000 (maxItems); the read takes as many chrtIds per request
SUBJECTS_PAGE = 1000  # /content/v2/object/all: limit "максимум 1000" (default 30), then offset
DIRECTORIES = ("colors", "kinds", "countries", "seasons", "vat", "tnved")  # /content/v2/directory/<name>
CONFLICT_WEIGHT = 10  # "Один запрос с кодом ответа 409 учитывается как 10 запросов"
ModelT = TypeVar("ModelT", bound=BaseModel)
_STOCK_ROWS = TypeAdapter(list[SupplierStock])
_WAREHOUSES = TypeAdapter(list[Warehouse])
_REFUSALS = TypeAdapter(list[StockRefusal])


def _error(response: httpx.Response) -> ErrorBody:
    try:
        body = response.json()
        return ErrorBody.model_validate(body) if isinstance(body, dict) else ErrorBody()
    except (ValueError, ValidationError):
        return ErrorBody(detail=response.text[:200] or response.reason_phrase)


def classify(response: httpx.Response, *, passes: frozenset[int] = frozenset()) -> None:
    """Map WB's HTTP errors to our tree (401, 403, 404, 406 → ConfigError; 400, 409, 413, 422 → RejectedError).

    429 and 5xx never get here: http.py raises RateLimited (X-Ratelimit-Retry / Retry-After) and
    OutcomeUnknownError for them first.
    """
    status = response.status_code
    if status < 400 or status in passes:
        return
    body = _error(response)
    text, code = body.text(), body.code if body.code is not None else status
    said: dict[str, Param] = {"system": SYSTEM, "code": str(code), "detail": text or str(code)}
    if status == 401:
        # WB's body "code" here is a trace id ("d51a74c6-…-[UK-…]"): the seller is told the status instead.
        raise ConfigError(f"Wildberries rejected the token (HTTP 401): {text}", code=code, key="token_rejected",
                          params={**said, "code": "401"})
    if status == 403:
        raise ConfigError(f"Wildberries: the token has no access to this method (HTTP 403): {text or code}",
                          code=code, key="no_access", params=said)
    if status == 404:
        raise ConfigError(f"Wildberries: not found (HTTP 404, {code}) at {response.request.url.path}", code=code,
                          key="not_found", params={**said, "path": response.request.url.path})
    if status == 406:
        raise ConfigError(f"Wildberries blocked stock updates for this seller (HTTP 406): {text}", code=code,
                          key="stock_updates_blocked", params=said)
    if status in (400, 409, 413, 422):
        raise RejectedError(f"Wildberries refused the request (HTTP {status}, {code}): {text}", code=code,
                            key="refused", params=said)
    raise ConnectorError(f"Wildberries answered HTTP {status}: {text}", code=status, key="http_status",
                         params={"system": SYSTEM, "status": status})


def _pass_conflict(response: httpx.Response) -> None:
    classify(response, passes=frozenset({409}))


def _model(response: httpx.Response, model: type[ModelT], what: str) -> ModelT:
    try:
        return model.model_validate(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"Wildberries {what}: unexpected answer: {exc.errors()[0]['msg']}") from exc


def _list(response: httpx.Response, adapter: TypeAdapter[list[Any]], what: str) -> list[Any]:
    try:
        return adapter.validate_python(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"Wildberries {what}: unexpected answer: {exc.errors()[0]['msg']}") from exc


class WildberriesClient:
    """Talks to WB's content, marketplace and statistics hosts (or the sandbox) with one token."""

    def __init__(self, hosts: WbHosts) -> None:
        self.content = hosts.content
        self.marketplace = hosts.marketplace
        self.statistics = hosts.statistics
        self.stocks_last_page_below = STOCKS_LAST_PAGE_BELOW

    def cards_list(self) -> Iterator[CardsPage]:
        """POST /content/v2/get/cards/list (Content: 100/min, 600 ms, burst 5): every card, 100 per page.

        Cursor paging as documented: copy the answer's cursor.updatedAt and cursor.nmID into the next
        request; stop when cursor.total < limit. withPhoto -1, since the default 0 lists only cards without
        photos. Cards in the trash are never listed.
        """
        cursor: dict[str, Any] = {"limit": CARDS_PAGE}
        seen: set[tuple[str | None, int | None]] = set()
        while True:
            body = {"settings": {"cursor": cursor, "filter": {"withPhoto": -1}}}
            response = self.content.request("POST", "/content/v2/get/cards/list", params={"locale": "ru"},
                                            json=body, idempotent=True, classify=classify)
            page = _model(response, CardsPage, "cards list")
            yield page
            mark = (page.cursor.updatedAt, page.cursor.nmID)
            if page.cursor.total < CARDS_PAGE or not page.cards or mark in seen:  # a repeated cursor would loop
                return
            seen.add(mark)
            cursor = {"limit": CARDS_PAGE, "updatedAt": page.cursor.updatedAt, "nmID": page.cursor.nmID}

    def warehouses(self) -> list[Warehouse]:
        """GET /api/v3/warehouses (seller-warehouse methods: 300/min, 200 ms, burst 20): the seller's warehouses."""
        response = self.marketplace.request("GET", "/api/v3/warehouses", idempotent=True, classify=classify)
        return _list(response, _WAREHOUSES, "warehouses")

    def read_stocks(self, warehouse_id: int, chrt_ids: Sequence[int]) -> list[StockEntry]:
        """POST /api/v3/stocks/{warehouseId} (seller-stock methods: 300/min, 200 ms, burst 20): ≤ 1000 sizes."""
        if not 0 < len(chrt_ids) <= STOCKS_MAX:
            raise ValueError(f"a stock read takes 1..{STOCKS_MAX} chrtIds, got {len(chrt_ids)}")
        response = self.marketplace.request("POST", f"/api/v3/stocks/{warehouse_id}", json={"chrtIds": list(chrt_ids)},
                                            idempotent=True, classify=classify, budget_key=STOCKS_BUDGET)
        return _model(response, StocksAnswer, "stocks").stocks

    def put_stocks(self, warehouse_id: int, body: dict[str, Any]) -> list[StockRefusal]:
        """PUT /api/v3/stocks/{warehouseId} (seller-stock methods; a 409 counts as 10): set 1..1000 stocks.

        Returns [] on 204 (all applied), else the 409's refusals (nothing applied).
        """
        count = len(body.get("stocks", []))
        if not 0 < count <= STOCKS_MAX:
            raise ValueError(f"a stock update takes 1..{STOCKS_MAX} items, got {count}")
        response = self.marketplace.request("PUT", f"/api/v3/stocks/{warehouse_id}", json=body, idempotent=False,
                                            classify=_pass_conflict, budget_key=STOCKS_BUDGET)
        if response.status_code != 409:
            return []
        self.marketplace.charge(STOCKS_BUDGET, CONFLICT_WEIGHT - 1)
        refusals = _list(response, _REFUSALS, "stock refusals")
        if not refusals:
            raise MalformedResponseError("Wildberries answered 409 without naming what it refused")
        return refusals

    def supplier_stocks(self, date_from: str) -> Iterator[list[SupplierStock]]:
        """GET /api/v1/supplier/stocks (1 request/min): WB-warehouse stock rows changed since `date_from`.

        Paged as documented: each next dateFrom is the full lastChangeDate of the previous page's last row;
        an empty array ends it, and so does a page well short of WB's 60,000-row cap (asking again would cost a
        minute only to get the rows changed since, which the next read sees anyway). Rows equal to that boundary
        come again, so the caller drops repeats.
        """
        seen_boundaries: set[str] = set()
        while True:
            response = self.statistics.request("GET", "/api/v1/supplier/stocks", params={"dateFrom": date_from},
                                               idempotent=True, classify=classify)
            rows = _list(response, _STOCK_ROWS, "supplier stocks")
            if not rows:
                return
            yield rows
            if len(rows) < self.stocks_last_page_below:
                return
            date_from = rows[-1].lastChangeDate
            if date_from in seen_boundaries:  # a page of rows all at one time: nothing newer to ask for
                return
            seen_boundaries.add(date_from)

    def _content_get(self, path: str, model: type[ModelT], params: dict[str, Any] | None = None) -> ModelT:
        # Every dictionary method is in the Content category, whose 100/min (burst 5) it shares with the cards
        # list: one budget key for the category.
        response = self.content.request("GET", path, params={"locale": "ru", **(params or {})}, idempotent=True,
                                        classify=classify, budget_key=CONTENT_BUDGET)
        return _model(response, model, path)

    def parent_categories(self) -> ParentsAnswer:
        """GET /content/v2/object/parent/all (Content: 100/min, 600 ms, burst 5): every parent category."""
        return self._content_get("/content/v2/object/parent/all", ParentsAnswer)

    def subjects(self, offset: int = 0, limit: int = SUBJECTS_PAGE) -> SubjectsAnswer:
        """GET /content/v2/object/all (limit ≤ 1000 + offset; Content: 100/min, 600 ms, burst 5): one page of
        subjects with their parent categories."""
        if not 0 < limit <= SUBJECTS_PAGE:
            raise ValueError(f"the subjects list takes a limit of 1..{SUBJECTS_PAGE}")
        return self._content_get("/content/v2/object/all", SubjectsAnswer, {"limit": limit, "offset": offset})

    def iter_subjects(self) -> Iterator[SubjectsAnswer]:
        """GET /content/v2/object/all 1000 a page, the offset moving on until a short or empty page."""
        offset = 0
        while True:
            page = self.subjects(offset)
            yield page
            count = len(page.data or [])
            if count < SUBJECTS_PAGE:
                return
            offset += count

    def characteristics(self, subject_id: int) -> CharacteristicsAnswer:
        """GET /content/v2/object/charcs/{subjectId} (Content: 100/min, 600 ms, burst 5): a subject's
        characteristics."""
        return self._content_get(f"/content/v2/object/charcs/{subject_id}", CharacteristicsAnswer)

    def directory(self, name: str, subject_id: int | None = None) -> DirectoryAnswer:
        """GET /content/v2/directory/{colors|kinds|countries|seasons|vat|tnved} (Content: 100/min, 600 ms, burst
        5): the values of Цвет, Пол, Страна производства, Сезон, Ставка НДС, ТНВЭД-код (tnved per subject)."""
        if name not in DIRECTORIES:
            raise ValueError(f"unknown WB directory {name!r}")
        params = {"subjectID": subject_id} if name == "tnved" and subject_id is not None else None
        return self._content_get(f"/content/v2/directory/{name}", DirectoryAnswer, params)
