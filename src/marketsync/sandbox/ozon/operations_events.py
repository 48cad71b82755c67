"""What the emulated Ozon's buyer-side methods do with a valid seller's (spec-checked) request; one function per path.

Limits and paging as ozon/swagger.json documents them: `/v3/posting/fbs/list` limit 1..1000, `offset`,
`has_next`, a window of at most a year (filtered on `in_process_at`; `last_changed_status_date` on the last
status change); `/v2/posting/fbo/list` the same with a bare array answer and `offset` at most 20,000;
`/v1/returns/list` limit up to 500, `last_id` paging, one time filter at most; `/v1/review/list` limit 20..100,
`last_id` paging, Premium Plus only (403 without it). The wording of these 400s and of that 403 is not documented
[UNCONFIRMED].
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from marketsync.sandbox.ozon.errors import bad_request, forbidden
from marketsync.sandbox.ozon.postings import FBO, FBS, OzonPosting
from marketsync.sandbox.ozon.state import OzonSeller, OzonState
from marketsync.sandbox.ozon.wire_events import (
    fbo_posting_to_wire,
    fbs_posting_to_wire,
    return_to_wire,
    review_to_wire,
)

POSTINGS_LIMIT_MAX = 1000
FBO_OFFSET_MAX = 20_000
WINDOW_MAX = timedelta(days=366)  # "не больше одного года" (a leap year's worth is let through)
RETURNS_LIMIT_MAX = 500
RETURNS_POSTINGS_MAX = 50
REVIEWS_LIMIT = (20, 100)
RETURN_TIME_FILTERS = ("logistic_return_date", "storage_tariffication_start_date", "visual_status_change_moment")
PREMIUM_PLUS_REQUIRED = "Method is available only with the Premium Plus subscription"  # [UNCONFIRMED] wording
Operation = Callable[[OzonState, OzonSeller, dict[str, Any]], dict[str, Any]]


def _moment(value: Any, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise bad_request(f"invalid value for date-time type in {field}") from None
    if moment.tzinfo is None:
        raise bad_request(f"{field}: the time must be UTC (YYYY-MM-DDTHH:MM:SSZ)")
    return moment


def _span(found: dict[str, Any], start: str, end: str, field: str) -> tuple[datetime | None, datetime | None]:
    return (_moment(found[start], f"{field}.{start}") if found.get(start) else None,
            _moment(found[end], f"{field}.{end}") if found.get(end) else None)


def _within(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment <= end)


def _postings(seller: OzonSeller, body: dict[str, Any], scheme: str) -> tuple[list[OzonPosting], int, int]:
    """Filter and sort a seller's postings of one scheme as both list methods do; return them, offset, limit."""
    limit, offset = int(body.get("limit") or 0), int(body.get("offset") or 0)
    if not 1 <= limit <= POSTINGS_LIMIT_MAX:
        raise bad_request(f"limit must be between 1 and {POSTINGS_LIMIT_MAX}")
    if offset < 0 or (scheme == FBO and offset > FBO_OFFSET_MAX):
        raise bad_request(f"offset must be between 0 and {FBO_OFFSET_MAX}" if scheme == FBO else
                          "offset must not be negative")
    flt = body.get("filter") or {}
    since, to = _moment(flt["since"], "filter.since"), _moment(flt["to"], "filter.to")
    if to < since or to - since > WINDOW_MAX:
        raise bad_request("filter: the period must be from since to to and at most one year")
    changed = flt.get("last_changed_status_date") or {}
    changed_from, changed_to = _span(changed, "from", "to", "filter.last_changed_status_date")
    status = flt.get("status") or None
    warehouses = {int(w) for w in flt.get("warehouse_id") or []}
    found = [p for p in seller.events.postings.values()
             if p.scheme == scheme and since <= p.in_process_at <= to and status in (None, p.status)
             and (not warehouses or p.warehouse_id in warehouses)
             and _within(p.status_changed_at, changed_from, changed_to)]
    found.sort(key=lambda p: (p.in_process_at, p.posting_number), reverse=str(body.get("dir") or "asc").lower()
               == "desc")
    return found, offset, limit


def fbs_posting_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v3/posting/fbs/list: FBS postings processed in [since, to], a page by `offset`, `has_next`."""
    found, offset, limit = _postings(seller, body, FBS)
    wanted = body.get("with") or {}
    page = found[offset:offset + limit]
    return {"result": {"postings": [fbs_posting_to_wire(p, analytics=bool(wanted.get("analytics_data")),
                                                        financial=bool(wanted.get("financial_data")))
                                    for p in page],
                       "has_next": offset + len(page) < len(found)}}


def fbo_posting_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v2/posting/fbo/list: FBO postings processed in [since, to], a page by `offset` (no has_next)."""
    found, offset, limit = _postings(seller, body, FBO)
    wanted = body.get("with") or {}
    return {"result": [fbo_posting_to_wire(p, analytics=bool(wanted.get("analytics_data")),
                                           financial=bool(wanted.get("financial_data")))
                       for p in found[offset:offset + limit]]}


def returns_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/returns/list: FBO and FBS returns in id order after `last_id`, at most 500 a page."""
    limit, last_id = int(body.get("limit") or 0), int(body.get("last_id") or 0)
    if not 1 <= limit <= RETURNS_LIMIT_MAX:
        raise bad_request(f"limit must be between 1 and {RETURNS_LIMIT_MAX}")
    flt = body.get("filter") or {}
    times = [name for name in RETURN_TIME_FILTERS if flt.get(name)]
    if len(times) > 1:
        raise bad_request(f"use only one of the filters {', '.join(RETURN_TIME_FILTERS)}")
    postings = flt.get("posting_numbers") or []
    if len(postings) > RETURNS_POSTINGS_MAX:
        raise bad_request(f"posting_numbers: at most {RETURNS_POSTINGS_MAX} values")
    changed = _span(flt.get("visual_status_change_moment") or {}, "time_from", "time_to",
                    "filter.visual_status_change_moment")
    returned = _span(flt.get("logistic_return_date") or {}, "time_from", "time_to", "filter.logistic_return_date")
    found = [r for r in seller.events.returns
             if r.id > last_id and _within(r.change_moment, *changed) and _within(r.return_date, *returned)
             and (not postings or r.posting_number in postings)
             and flt.get("offer_id") in (None, "", r.offer_id)
             and str(flt.get("return_schema") or r.schema).upper() == r.schema
             and flt.get("visual_status_name") in (None, "", r.status)]
    found.sort(key=lambda r: r.id)
    page = found[:limit]
    return {"returns": [return_to_wire(r, seller.client_id) for r in page], "has_next": len(found) > len(page)}


def review_list(state: OzonState, seller: OzonSeller, body: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/review/list: reviews by publication time (`sort_dir`), 20..100 a page after `last_id`."""
    if not seller.events.premium_plus:
        raise forbidden(PREMIUM_PLUS_REQUIRED)
    limit = int(body.get("limit") or 0)
    if not REVIEWS_LIMIT[0] <= limit <= REVIEWS_LIMIT[1]:
        raise bad_request(f"limit must be between {REVIEWS_LIMIT[0]} and {REVIEWS_LIMIT[1]}")
    status = str(body.get("status") or "ALL").upper()
    if status not in ("ALL", "UNPROCESSED", "PROCESSED"):
        raise bad_request("status must be ALL, UNPROCESSED or PROCESSED")
    ordered = [r for r in seller.events.reviews if status in ("ALL", r.status)]
    if str(body.get("sort_dir") or "DESC").upper() == "DESC":
        ordered.reverse()
    last_id = str(body.get("last_id") or "")
    if last_id:
        index = next((n for n, r in enumerate(ordered) if r.id == last_id), None)
        if index is None:
            raise bad_request("invalid last_id")
        ordered = ordered[index + 1:]
    page = ordered[:limit]
    return {"reviews": [review_to_wire(r) for r in page], "has_next": len(ordered) > len(page),
            "last_id": page[-1].id if page else ""}


EVENT_OPERATIONS: dict[str, tuple[Operation, bool]] = {  # path → (what it does, whether it writes)
    "/v3/posting/fbs/list": (fbs_posting_list, False),
    "/v2/posting/fbo/list": (fbo_posting_list, False),
    "/v1/returns/list": (returns_list, False),
    "/v1/review/list": (review_list, False),
}

