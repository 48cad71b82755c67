"""The Ozon endpoints the event feed reads: FBS and FBO postings, returns, reviews; one method per endpoint plus
the paging each one documents (ozon/swagger.json):

- `/v3/posting/fbs/list`: `filter.since`/`filter.to` (UTC, a window of at most a year, on the posting's
  processing time), `limit` 1..1000, `offset`, `result.has_next`;
- `/v2/posting/fbo/list`: the same filter, a bare array (a short page is the last), `offset` at most 20,000 — past
  that the window restarts at the last posting's processing time (ascending order), skipping those already given;
- `/v1/returns/list`: `limit` up to 500, `last_id` = the last return's id while `has_next`, one time filter;
- `/v1/review/list`: `limit` 20..100, `last_id`, `has_next`; only for sellers with Premium Plus — Ozon's 403
  there becomes ReviewsUnavailable, so a feed can go on without reviews.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from marketsync.connectors.errors import ConfigError
from marketsync.connectors.ozon.client import OzonClient, classify
from marketsync.connectors.ozon.schemas_events import (
    FboPosting,
    FboPostingList,
    FbsPosting,
    FbsPostingList,
    ReturnItem,
    ReturnsList,
    Review,
    ReviewList,
)

FBS_POSTINGS = "/v3/posting/fbs/list"
FBO_POSTINGS = "/v2/posting/fbo/list"
RETURNS_LIST = "/v1/returns/list"
REVIEW_LIST = "/v1/review/list"
POSTINGS_LIMIT = 1000  # both posting lists: limit 1..1000
FBO_OFFSET_MAX = 20_000  # /v2/posting/fbo/list: "Максимальное значение — 20000"
RETURNS_LIMIT = 500  # /v1/returns/list: "Максимальное значение — 500"
REVIEWS_LIMIT = 100  # /v1/review/list: 20..100
WITH = {"analytics_data": True, "financial_data": True}  # region, warehouse, payout
PostingT = TypeVar("PostingT", FbsPosting, FboPosting)


class ReviewsUnavailable(ConfigError):
    """Ozon refused the review list (403): the seller has no Premium Plus, or the key lacks the role."""


def _classify_reviews(response: httpx.Response) -> None:
    if response.status_code == 403:
        try:
            classify(response)
        except ConfigError as exc:
            raise ReviewsUnavailable(exc.message, code=exc.code, key="reviews_unavailable",
                                     params=dict(exc.params)) from None
    classify(response)


def wire_time(moment: datetime) -> str:
    """Write a moment as Ozon's filters take it: UTC, `YYYY-MM-DDTHH:MM:SSZ`."""
    if moment.tzinfo is None:
        raise ValueError("give an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _processed(posting: FbsPosting | FboPosting) -> datetime | None:
    return posting.in_process_at or getattr(posting, "created_at", None)


class OzonEventsClient:
    """The buyer-side reads of one Ozon seller, over the connector's OzonClient (same pool, budgets, log)."""

    def __init__(self, client: OzonClient) -> None:
        self.client = client

    def fbs_postings(self, since: datetime, to: datetime, *, offset: int = 0, status: str | None = None,
                     limit: int | None = None) -> FbsPostingList:
        """POST /v3/posting/fbs/list: one page of FBS postings processed in [since, to], oldest first."""
        return self.client.read(FBS_POSTINGS, self._posting_body(since, to, offset, status, limit),
                                 FbsPostingList)

    def fbo_postings(self, since: datetime, to: datetime, *, offset: int = 0, status: str | None = None,
                     limit: int | None = None) -> FboPostingList:
        """POST /v2/posting/fbo/list: one page of FBO postings processed in [since, to], oldest first."""
        return self.client.read(FBO_POSTINGS, self._posting_body(since, to, offset, status, limit),
                                 FboPostingList)

    @staticmethod
    def _posting_body(since: datetime, to: datetime, offset: int, status: str | None, limit: int | None) \
            -> dict[str, Any]:
        flt: dict[str, Any] = {"since": wire_time(since), "to": wire_time(to)}
        if status:
            flt["status"] = status
        return {"dir": "asc", "filter": flt, "limit": limit or POSTINGS_LIMIT, "offset": offset, "with": WITH}

    def iter_fbs_postings(self, since: datetime, to: datetime, status: str | None = None) \
            -> Iterator[list[FbsPosting]]:
        """Yield every FBS posting processed in [since, to] page by page (`offset` while `has_next`)."""

        def fetch(start: datetime, offset: int) -> tuple[list[FbsPosting], bool]:
            page = self.fbs_postings(start, to, offset=offset, status=status).result
            return list(page.postings), page.has_next

        yield from self._pages(fetch, since, offset_max=None)

    def iter_fbo_postings(self, since: datetime, to: datetime, status: str | None = None) \
            -> Iterator[list[FboPosting]]:
        """Yield every FBO posting processed in [since, to] page by page (a short page is the last)."""

        def fetch(start: datetime, offset: int) -> tuple[list[FboPosting], bool]:
            limit = POSTINGS_LIMIT
            page = self.fbo_postings(start, to, offset=offset, status=status, limit=limit).result
            return list(page), len(page) >= limit

        yield from self._pages(fetch, since, offset_max=FBO_OFFSET_MAX)

    @staticmethod
    def _pages(fetch: Callable[[datetime, int], tuple[list[PostingT], bool]], since: datetime,
               offset_max: int | None) -> Iterator[list[PostingT]]:
        start, offset, given = since, 0, set[str]()
        while True:
            postings, more = fetch(start, offset)
            fresh = [p for p in postings if p.posting_number not in given]
            if fresh:
                yield fresh
            if not more or not postings:
                return
            offset += len(postings)
            if offset_max is not None and offset + POSTINGS_LIMIT > offset_max:
                # Ozon pages no further: ask again from the last posting's time; those at that very time
                # were given already and are skipped.
                last = _processed(postings[-1])
                if last is None or last <= start:
                    return  # more than 20,000 postings in one second: nothing further can be asked for
                start, offset = last, 0
                given = {p.posting_number for p in postings if _processed(p) == last}
            else:
                given = set()

    def returns_list(self, changed_from: datetime, changed_to: datetime, last_id: int = 0) -> ReturnsList:
        """POST /v1/returns/list: one page (≤ 500) of returns whose status changed in the window, by id."""
        body = {"filter": {"visual_status_change_moment": {"time_from": wire_time(changed_from),
                                                           "time_to": wire_time(changed_to)}},
                "limit": RETURNS_LIMIT, "last_id": last_id}
        return self.client.read(RETURNS_LIST, body, ReturnsList)

    def iter_returns(self, changed_from: datetime, changed_to: datetime) -> Iterator[list[ReturnItem]]:
        """Yield every return whose status changed in the window, page by page (`last_id` while `has_next`)."""
        last_id = 0
        while True:
            page = self.returns_list(changed_from, changed_to, last_id)
            if page.returns:
                yield page.returns
            if not page.has_next or not page.returns or page.returns[-1].id <= last_id:
                return
            last_id = page.returns[-1].id

    def review_list(self, last_id: str = "") -> ReviewList:
        """POST /v1/review/list: one page of reviews, newest first; ReviewsUnavailable on Ozon's 403."""
        body: dict[str, Any] = {"limit": REVIEWS_LIMIT, "sort_dir": "DESC", "status": "ALL"}
        if last_id:
            body["last_id"] = last_id
        return self.client.read(REVIEW_LIST, body, ReviewList, classify_with=_classify_reviews)

    def iter_reviews(self, published_from: datetime) -> Iterator[list[Review]]:
        """Yield the reviews published at or after `published_from`, newest first, page by page."""
        last_id = ""
        while True:
            page = self.review_list(last_id)
            recent = [r for r in page.reviews if r.published_at >= published_from]
            if recent:
                yield recent
            if (not page.has_next or len(recent) < len(page.reviews) or not page.last_id
                    or page.last_id == last_id):
                return
            last_id = page.last_id
