"""The emulated WB's card creation and editing (02-products.yaml, CONTRACTS.md §9.2).

POST /content/v2/cards/upload and /content/v2/cards/update check the request as a whole (a 400 in the content
envelope: the documented texts for a missing vendorCode, a vendorCode another card holds, an unknown subject)
and queue it; `card_delay_seconds` later on the emulator's clock each card is made or changed, or lands in the
error list with WB-like Russian texts (title over 60 characters, a required characteristic of the subject
missing or of the wrong type, a barcode taken away [texts UNCONFIRMED]). An upload makes one error batch per
array element, an update one per request; a vendorCode processed again leaves the older batches.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from marketsync.sandbox.wildberries import errors
from marketsync.sandbox.wildberries.card_jobs import ErrorBatch, QueuedRequest
from marketsync.sandbox.wildberries.dictionary import subject_charcs
from marketsync.sandbox.wildberries.state import WbCard, WbSeller, WbSize, WbState
from marketsync.sandbox.wildberries.wire import content_time, parse_content_time

UPLOAD_MAX, VARIANTS_MAX, UPDATE_MAX, ERRORS_PAGE = 100, 30, 3000, 100
TITLE_MAX = 60
VENDOR_CODE_TAKEN = "bad request; Unexpected the specified card's vendor code is used in other cards"
OK: dict[str, Any] = {"data": None, "error": False, "errorText": "", "additionalErrors": {}}
EPOCH = datetime.fromisoformat("1970-01-01T00:00:00+00:00")


def _barcode(wb: WbState) -> str:
    """Return a fresh EAN-13 of WB's own range (prefix 20) with its check digit."""
    digits = f"20{wb.new_id('barcode'):010d}"[:12]
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return digits + str(check)


def _taken(seller: WbSeller) -> dict[str, int]:
    """vendorCode → nmID of every card, and of cards queued to be made (nmID 0)."""
    held = {card.vendor_code: card.nm_id for card in seller.cards.values()}
    for request in seller.jobs.queue:
        if request.kind == "upload":
            held.update({str(v.get("vendorCode")): 0 for _, variants in request.groups for v in variants})
    return held


def upload(wb: WbState, seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Check and queue a card upload: a JSON array of {subjectID, variants:[...]}."""
    if not isinstance(body, list) or not body or not all(isinstance(item, dict) for item in body):
        raise errors.content(400, "Invalid request format")
    if len(body) > UPLOAD_MAX:
        raise errors.content(400, f"Invalid request format: at most {UPLOAD_MAX} cards per request")
    taken, seen = _taken(seller), set()
    groups: list[tuple[int | None, list[dict[str, Any]]]] = []
    for item in body:
        variants, subject = item.get("variants"), item.get("subjectID")
        if not isinstance(variants, list) or not variants or len(variants) > VARIANTS_MAX \
                or not all(isinstance(v, dict) for v in variants) or not isinstance(subject, int):
            raise errors.content(400, "Invalid request format")
        if subject_charcs(str(subject)) is None:
            raise errors.WbError(400, {"data": None, "error": True, "errorText": "This category does not exist",
                                       "additionalErrors": {"id": str(subject)}})
        for variant in variants:
            code = variant.get("vendorCode")
            if not isinstance(code, str) or not code.strip():
                raise errors.content(400, "A card cannot be created without a vendorCode")
            if code in taken or code in seen:
                raise errors.content(400, VENDOR_CODE_TAKEN)
            seen.add(code)
        groups.append((subject, variants))
    seller.jobs.queue.append(QueuedRequest("upload", wb.now() + timedelta(seconds=wb.card_delay_seconds), groups))
    return 200, OK


def update(wb: WbState, seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Check and queue a card update: a JSON array of whole cards {nmID, vendorCode, sizes, ...}."""
    if not isinstance(body, list) or not body or not all(isinstance(item, dict) for item in body):
        raise errors.content(400, "Invalid request format")
    if len(body) > UPDATE_MAX:
        raise errors.content(400, f"Invalid request format: at most {UPDATE_MAX} cards per request")
    taken = _taken(seller)
    for item in body:
        code = item.get("vendorCode")
        if not isinstance(item.get("nmID"), int) or not isinstance(code, str) or not code.strip() \
                or not isinstance(item.get("sizes"), list):
            raise errors.content(400, "Invalid request format")
        if taken.get(code, item["nmID"]) != item["nmID"]:
            raise errors.content(400, VENDOR_CODE_TAKEN)
    seller.jobs.queue.append(QueuedRequest("update", wb.now() + timedelta(seconds=wb.card_delay_seconds),
                                           [(None, list(body))]))
    return 200, OK


def _characteristics(subject: int, given: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """Return the characteristics as the card keeps them ({id, name, value}) and the errors found."""
    found = subject_charcs(str(subject))
    charcs = {c[0]: c for c in (found[1] if found else ())}
    kept, problems, present = [], [], set()
    for item in given if isinstance(given, list) else []:
        charc = charcs.get(item["id"]) if isinstance(item, dict) and isinstance(item.get("id"), int) else None
        if charc is None:
            continue  # WB ignores what the subject does not have
        cid, name, _required, _unit, max_count, kind = charc
        value = item.get("value")
        if kind == 4 and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problems.append(f"Значение характеристики «{name}» должно быть числом")
            continue
        if kind == 1 and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            problems.append(f"Значение характеристики «{name}» должно быть списком строк")
            continue
        if kind == 1 and max_count and len(value) > max_count:
            problems.append(f"Превышено количество значений характеристики «{name}»: не более {max_count}")
            continue
        present.add(cid)
        kept.append({"id": cid, "name": name, "value": value})
    for cid, name, required, *_ in charcs.values():
        if required and cid not in present:
            problems.append(f"Не заполнена обязательная характеристика «{name}»")
    return kept, problems


def _common_errors(subject: int, variant: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    kept, problems = _characteristics(subject, variant.get("characteristics"))
    title = variant.get("title") or ""
    if isinstance(title, str) and len(title) > TITLE_MAX:
        problems.insert(0, f"Наименование товара не должно превышать {TITLE_MAX} символов, сейчас {len(title)}")
    return kept, problems


def _apply(card: WbCard, variant: dict[str, Any], characteristics: list[dict[str, Any]], now: datetime) -> None:
    card.title = str(variant.get("title") or "")
    card.brand = str(variant.get("brand") or "")
    card.description = str(variant.get("description") or "")
    card.characteristics = characteristics
    dimensions = variant.get("dimensions")
    card.dimensions = dict(dimensions) if isinstance(dimensions, dict) else {}
    card.updated_at = now


def _create(wb: WbState, seller: WbSeller, subject: int, imt_id: int, variant: dict[str, Any],
            characteristics: list[dict[str, Any]], now: datetime) -> None:
    sizes = [s for s in variant.get("sizes") or [{}] if isinstance(s, dict)] or [{}]
    made = [WbSize(wb.new_id("chrt"), str(s.get("techSize") or ""), str(s.get("wbSize") or ""),
                   [str(b) for b in s.get("skus") or []] or [_barcode(wb)]) for s in sizes]
    name = (subject_charcs(str(subject)) or ("", ()))[0]
    nm_id = wb.new_id("nm")
    card = WbCard(nm_id=nm_id, imt_id=imt_id, nm_uuid=str(uuid.uuid4()), vendor_code=str(variant["vendorCode"]),
                  title="", brand="", subject_id=subject, subject_name=name, sizes=made, created_at=now,
                  updated_at=now, photos=0, price=int(sizes[0].get("price") or 0))
    _apply(card, variant, characteristics, now)
    seller.cards[nm_id] = card


def _edit(wb: WbState, card: WbCard, item: dict[str, Any], now: datetime) -> list[str]:
    """Overwrite a card with an update item; return the errors (nothing changed then)."""
    characteristics, problems = _common_errors(card.subject_id, item)
    by_chrt = {size.chrt_id: size for size in card.sizes}
    new_skus: dict[int, list[str]] = {}
    added: list[WbSize] = []
    for size in item.get("sizes") or []:
        if not isinstance(size, dict):
            continue
        skus = [str(b) for b in size.get("skus") or []]
        chrt = size.get("chrtID")
        if chrt is None:
            added.append(WbSize(wb.new_id("chrt"), str(size.get("techSize") or ""), str(size.get("wbSize") or ""),
                                skus or [_barcode(wb)]))
        elif chrt not in by_chrt:
            problems.append(f"Размер {chrt} не принадлежит карточке {card.nm_id}")
        elif not set(by_chrt[chrt].skus) <= set(skus):
            problems.append("Баркоды размера нельзя удалить или изменить, можно только добавить")
        else:
            new_skus[chrt] = skus
    if problems:
        return problems
    for chrt, skus in new_skus.items():
        by_chrt[chrt].skus = skus
    card.sizes.extend(added)
    _apply(card, item, characteristics, now)
    return []


def _forget(seller: WbSeller, codes: set[str]) -> None:
    """Take vendor codes processed again out of the older batches (a batch left empty goes)."""
    for batch in seller.jobs.batches:
        for code in codes:
            batch.errors.pop(code, None)
            batch.subjects.pop(code, None)
    seller.jobs.batches = [b for b in seller.jobs.batches if b.errors]


def _record(seller: WbSeller, now: datetime, failed: dict[str, tuple[int, list[str]]]) -> None:
    if failed:
        batch = ErrorBatch(str(uuid.uuid4()), now)
        for code, (subject, texts) in failed.items():
            batch.subjects[code] = {"id": subject, "name": (subject_charcs(str(subject)) or ("", ()))[0]}
            batch.errors[code] = texts
        seller.jobs.batches.append(batch)


def process_due(wb: WbState, seller: WbSeller) -> None:
    """Run every queued request whose time has come, in the order they came."""
    now = wb.now()
    due = [request for request in seller.jobs.queue if request.ready_at <= now]
    seller.jobs.queue = [request for request in seller.jobs.queue if request.ready_at > now]
    for request in due:
        at = max(request.ready_at, now - timedelta(seconds=1))
        for subject, variants in request.groups:
            failed: dict[str, tuple[int, list[str]]] = {}
            imt_id = wb.new_id("imt")
            for variant in variants:
                code = str(variant.get("vendorCode"))
                if subject is not None:  # an upload
                    characteristics, problems = _common_errors(subject, variant)
                    if not problems:
                        _create(wb, seller, subject, imt_id, variant, characteristics, at)
                    of_subject = subject
                else:
                    card = seller.cards.get(int(variant.get("nmID") or 0))
                    problems = (_edit(wb, card, variant, at) if card is not None
                                else [f"Карточка товара с артикулом WB {variant.get('nmID')} не найдена"])
                    of_subject = card.subject_id if card is not None else 0
                if problems:
                    failed[code] = (of_subject, problems)
            _forget(seller, {str(v.get("vendorCode")) for v in variants})
            _record(seller, at, failed)


def error_list(wb: WbState, seller: WbSeller, body: Any) -> tuple[int, Any]:
    """Answer one page of the error list for {cursor:{limit, updatedAt, batchUUID}, order:{ascending}}."""
    if not isinstance(body, dict):
        raise errors.content(400, "Invalid request format")
    process_due(wb, seller)
    cursor, order = body.get("cursor") or {}, body.get("order") or {}
    limit = cursor.get("limit", ERRORS_PAGE)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= ERRORS_PAGE:
        raise errors.content(400, f"Invalid limit: at most {ERRORS_PAGE} batches per request")
    ascending = order.get("ascending", True) is not False
    batches = sorted(seller.jobs.batches, key=lambda b: (b.updated_at, b.uuid), reverse=not ascending)
    if cursor.get("updatedAt") is not None:
        try:
            mark = (parse_content_time(str(cursor["updatedAt"])), str(cursor.get("batchUUID") or ""))
        except ValueError:
            raise errors.content(400, "Invalid cursor") from None
        batches = [b for b in batches
                   if ((b.updated_at, b.uuid) > mark if ascending else (b.updated_at, b.uuid) < mark)]
    page = batches[:limit]
    last = page[-1] if page else None
    items = [{"batchUUID": b.uuid, "subjects": dict(b.subjects), "brands": {}, "vendorCodes": list(b.errors),
              "errors": {code: list(texts) for code, texts in b.errors.items()}} for b in page]
    answer_cursor = {"next": len(batches) > limit,
                     "updatedAt": content_time(last.updated_at if last else EPOCH),
                     "batchUUID": last.uuid if last else str(uuid.UUID(int=0))}
    return 200, {"data": {"items": items, "cursor": answer_cursor}, "error": False, "errorText": "",
                 "additionalErrors": None}
