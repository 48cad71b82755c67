"""POST /api/payment/webhook: YooKassa's notifications (outside CSRF). The sender must be in
YOOKASSA_ALLOWED_NETWORKS (else 403); the body is then believed only as far as the API confirms it
(billing.reconcile). 200 is answered only after the change is committed; never a 5xx: what could not be done
now answers 429, so YooKassa sends it again (it re-sends anything but 200)."""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from marketsync.billing import service
from marketsync.db import get_engine

log = logging.getLogger(__name__)
router = APIRouter(tags=["billing"])
BODY_MAX = 256 * 1024  # a notification is a few kilobytes; more is not one
RETRY_AFTER_SECONDS = "30"


@router.post("/api/payment/webhook", include_in_schema=False)
async def payment_webhook(request: Request) -> JSONResponse:
    """Take one YooKassa notification: check the sender, verify it against the API, apply it once."""
    peer = request.client.host if request.client else None
    if not service.notification_sender_allowed(peer, request.headers.get("x-forwarded-for")):
        log.warning("payment notification from %s refused: not one of YooKassa's networks", peer)
        return JSONResponse({"detail": "forbidden"}, status_code=403)
    raw = await request.body()
    if len(raw) > BODY_MAX:
        return JSONResponse({"detail": "too large"}, status_code=413)
    try:
        payload = json.loads(raw)
    except ValueError:
        return JSONResponse({"detail": "not_a_notification"}, status_code=400)
    try:
        outcome = await run_in_threadpool(service.handle_notification, get_engine(), payload)
    except Exception:  # a database that stayed locked, a bug: never a 5xx (YooKassa will send it again)
        log.exception("payment notification not handled")
        return JSONResponse({"detail": "retry_later"}, status_code=429, headers={"Retry-After": RETRY_AFTER_SECONDS})
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if outcome.status_code == 429 else None
    return JSONResponse({"detail": outcome.result}, status_code=outcome.status_code, headers=headers)
