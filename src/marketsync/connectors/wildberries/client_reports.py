"""Wildberries client of what buyers did: statistics orders and sales, feedbacks, and the seller's profile.

Statistics take `dateFrom` in Moscow time without an offset and answer rows whose lastChangeDate is at or after
it (flag=0, always: flag=1 reads one calendar day by order date and would miss a late change). A page holds up
to ~80,000 rows; the next starts at the full lastChangeDate of the last row, so the rows at that instant come
again and are dropped here; `[]` ends it. Each page costs a minute of the method's 1/min budget, so a page far
below the cap (under `last_page_below` rows) is taken as the last one without asking again: an ordinary sync
is one request per method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from marketsync.connectors.errors import MalformedResponseError, RejectedError
from marketsync.connectors.wildberries.client import classify
from marketsync.connectors.wildberries.hosts import (
    FEEDBACKS_BUDGET,
    ORDERS_PATH,
    SALES_PATH,
    SELLER_INFO_PATH,
    SYSTEM,
    WbHosts,
)
from marketsync.connectors.wildberries.mapping import parse_moscow
from marketsync.connectors.wildberries.schemas_events import (
    Feedback,
    FeedbacksAnswer,
    OrderRow,
    SaleRow,
    SellerInfo,
)
from marketsync.http import parse_json

RowT = TypeVar("RowT", OrderRow, SaleRow)
# "For one answer with flag=0 a conditional limit of 80000 rows is set" (12-reports.yaml); the flag's own text
# says "from 0 to about 100 000". A page under half the cap was not cut by it.
LAST_PAGE_BELOW = 40_000
FEEDBACKS_TAKE = 5000  # take: max 5 000
FEEDBACKS_SKIP_MAX = 199_990  # skip: max 199 990
_ORDERS = TypeAdapter(list[OrderRow])
_SALES = TypeAdapter(list[SaleRow])


def _rows(response: Any, adapter: TypeAdapter[list[RowT]], what: str) -> list[RowT]:
    try:
        return adapter.validate_python(parse_json(response, SYSTEM))
    except ValidationError as exc:
        raise MalformedResponseError(f"Wildberries {what}: unexpected answer: {exc.errors()[0]['msg']}") from exc


def _after(moment: str) -> str:
    """Return the Moscow time one millisecond after a statistics time."""
    return (datetime.fromisoformat(moment) + timedelta(milliseconds=1)).isoformat(timespec="milliseconds")


class WildberriesReportsClient:
    """Reads orders, sales, feedbacks and the seller's profile over the statistics, feedbacks and common hosts."""

    def __init__(self, hosts: WbHosts) -> None:
        self.hosts = hosts
        self.last_page_below = LAST_PAGE_BELOW

    def supplier_orders(self, date_from: str) -> Iterator[list[OrderRow]]:
        """GET /api/v1/supplier/orders (1 request/min, burst 1): order rows changed since `date_from` (MSK),
        oldest change first, page by page, each row once."""
        return self._changed(ORDERS_PATH, date_from, _ORDERS, "orders", lambda row: row.srid)

    def supplier_sales(self, date_from: str) -> Iterator[list[SaleRow]]:
        """GET /api/v1/supplier/sales (1 request/min, burst 1): buyout and return rows changed since
        `date_from` (MSK), oldest change first, page by page, each row once."""
        return self._changed(SALES_PATH, date_from, _SALES, "sales", lambda row: row.saleID)

    def _changed(self, path: str, date_from: str, adapter: TypeAdapter[list[RowT]], what: str,
                 key: Callable[[RowT], str]) -> Iterator[list[RowT]]:
        at_boundary: set[str] = set()
        while True:
            response = self.hosts.statistics.request("GET", path, params={"dateFrom": date_from, "flag": 0},
                                                     idempotent=True, classify=classify)
            rows = _rows(response, adapter, what)
            fresh = [row for row in rows if key(row) not in at_boundary]
            if fresh:
                yield fresh
            if len(rows) < self.last_page_below:  # `[]`, or a page the cap did not cut
                return
            if not fresh:
                # A full page of rows all at the boundary instant, every one seen: step a millisecond past it
                # (WB's finest dateFrom); rows of that instant beyond one page are out of the protocol's reach.
                date_from = _after(rows[-1].lastChangeDate)
                at_boundary = set()
                continue
            date_from = rows[-1].lastChangeDate
            at_boundary = {key(row) for row in rows if row.lastChangeDate == date_from}

    def feedbacks(self, *, answered: bool, date_from: int) -> Iterator[list[Feedback]]:
        """GET /api/v1/feedbacks (Questions and feedbacks: 3/s, burst 6): answered or unanswered feedbacks
        written since `date_from` (Unix seconds), oldest first, 5,000 a page.

        take/skip paging; skip stops at 199,990, so past it the window moves to the last page's newest
        second and the feedbacks of that second already read are dropped.
        """
        skip, seen_last_second = 0, set[str]()
        while True:
            params = {"isAnswered": "true" if answered else "false", "take": FEEDBACKS_TAKE, "skip": skip,
                      "order": "dateAsc", "dateFrom": date_from}
            response = self.hosts.feedbacks.request("GET", "/api/v1/feedbacks", params=params, idempotent=True,
                                                    classify=classify, budget_key=FEEDBACKS_BUDGET)
            try:
                answer = FeedbacksAnswer.model_validate(parse_json(response, SYSTEM))
            except ValidationError as exc:
                raise MalformedResponseError(f"Wildberries feedbacks: unexpected answer: "
                                             f"{exc.errors()[0]['msg']}") from exc
            if answer.error:
                raise RejectedError(f"Wildberries refused the feedbacks request: {answer.errorText}")
            page = (answer.data.feedbacks if answer.data else None) or []
            fresh = [item for item in page if item.id not in seen_last_second]
            if fresh:
                yield fresh
            if len(page) < FEEDBACKS_TAKE or not fresh:
                return
            skip += FEEDBACKS_TAKE
            if skip > FEEDBACKS_SKIP_MAX:
                last_second = int(parse_moscow(page[-1].createdDate).timestamp())
                seen_last_second = {item.id for item in page
                                    if int(parse_moscow(item.createdDate).timestamp()) == last_second}
                skip, date_from = 0, last_second

    def seller_info(self) -> SellerInfo:
        """GET /api/v1/seller-info on the common host (1/min, burst 10; any token): the seller's name and id."""
        response = self.hosts.common.request("GET", SELLER_INFO_PATH, idempotent=True, classify=classify)
        try:
            return SellerInfo.model_validate(parse_json(response, SYSTEM))
        except ValidationError as exc:
            raise MalformedResponseError(f"Wildberries seller info: unexpected answer: "
                                         f"{exc.errors()[0]['msg']}") from exc
