"""The feedbacks host's list (09-communications.yaml GET /api/v1/feedbacks): isAnswered, take (≤ 5,000) and skip
(≤ 199,990) required, optional nmId, order (dateAsc/dateDesc, newest first by default) and dateFrom/dateTo in
Unix seconds; {data: {countUnanswered, countArchive, feedbacks}, error, errorText, additionalErrors}."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.buyers import WbFeedback
from marketsync.sandbox.wildberries.state import WbSeller

TAKE_MAX, SKIP_MAX = 5000, 199_990
MSK = timezone(timedelta(hours=3))


def bad_request(text: str) -> errors.WbError:
    """Return the feedbacks host's 400 (responsefeedbackErr)."""
    return errors.WbError(400, {"data": None, "error": True, "errorText": text, "additionalErrors": None,
                                "requestId": ""})


def _int(query: Mapping[str, str], name: str, *, required: bool) -> int | None:
    value = query.get(name)
    if value in (None, ""):
        if required:
            raise bad_request(f"Не указан параметр {name}")
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except ValueError:
        raise bad_request(f"Некорректный параметр {name}") from None


def feedback_to_wire(item: WbFeedback) -> dict[str, Any]:
    """Render a feedback (responseFeedback item); createdDate in Moscow time with its offset, as WB's example."""
    answer = {"text": item.answer, "state": "wbRu", "editable": False} if item.answer else None
    return {
        "id": item.id, "text": item.text, "pros": item.pros, "cons": item.cons,
        "productValuation": item.rating,
        "createdDate": item.created_at.astimezone(MSK).isoformat(timespec="seconds"),
        "answer": answer, "state": "wbRu" if item.answer else "none",
        "productDetails": {"imtId": item.imt_id, "nmId": item.nm_id, "productName": item.product_name,
                           "supplierArticle": item.supplier_article, "supplierName": None,
                           "brandName": item.brand, "size": item.size},
        "video": None, "wasViewed": False, "photoLinks": None, "userName": item.user_name, "matchingSize": "ok",
        "isAbleSupplierFeedbackValuation": False, "supplierFeedbackValuation": 0,
        "isAbleSupplierProductValuation": False, "supplierProductValuation": 0,
        "isAbleReturnProductOrders": False, "returnProductOrdersDate": None, "bables": None,
        "lastOrderShkId": 0, "lastOrderCreatedAt": item.created_at.astimezone(MSK).isoformat(timespec="seconds"),
        "color": "", "subjectId": item.subject_id, "subjectName": item.subject_name,
        "parentFeedbackId": None, "childFeedbackId": None,
    }


def list_feedbacks(seller: WbSeller, query: Mapping[str, str]) -> tuple[int, Any]:
    """Answer GET /api/v1/feedbacks for `query`."""
    answered = query.get("isAnswered")
    if answered not in ("true", "false"):
        raise bad_request("Не указан параметр isAnswered" if answered is None else "Некорректный параметр isAnswered")
    take, skip = _int(query, "take", required=True), _int(query, "skip", required=True)
    assert take is not None and skip is not None
    if not 0 < take <= TAKE_MAX or not 0 <= skip <= SKIP_MAX:
        raise bad_request(f"take must be 1..{TAKE_MAX} and skip 0..{SKIP_MAX}")
    order = query.get("order") or "dateDesc"
    if order not in ("dateAsc", "dateDesc"):
        raise bad_request("Некорректный параметр order")
    nm_id = _int(query, "nmId", required=False)
    date_from, date_to = _int(query, "dateFrom", required=False), _int(query, "dateTo", required=False)
    start = datetime.fromtimestamp(date_from, UTC) if date_from is not None else None
    end = datetime.fromtimestamp(date_to, UTC) if date_to is not None else None
    items = [f for f in seller.feedbacks.values() if (f.answer is not None) == (answered == "true")
             and (nm_id is None or f.nm_id == nm_id) and (start is None or f.created_at >= start)
             and (end is None or f.created_at <= end)]
    items.sort(key=lambda f: (f.created_at, f.id), reverse=order == "dateDesc")
    return 200, {
        "data": {"countUnanswered": sum(1 for f in seller.feedbacks.values() if f.answer is None),
                 "countArchive": sum(1 for f in seller.feedbacks.values() if f.answer is not None),
                 "feedbacks": [feedback_to_wire(f) for f in items[skip:skip + take]]},
        "error": False, "errorText": "", "additionalErrors": None,
    }
