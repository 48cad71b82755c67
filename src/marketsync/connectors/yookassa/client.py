"""YooKassa API v3 client (CONTRACTS.md §6): Basic auth shopId:secretKey, JSON bodies, an Idempotence-Key on
every POST, YooKassa's error body mapped onto the ConnectorError tree.

A POST carries the caller's Idempotence-Key and YooKassa answers a repeat of the same key with the object the
first request made, so our writes are safe to repeat: they go to http.py as idempotent, and a 500 ("outcome
unknown"), a lost answer or a 202 ("still processing") is retried with the same key, never creating a second
payment. 400 → RejectedError (this request is refused), 401/403 → ConfigError (the shop's keys), 404 →
NotFoundError, 429 → RateLimited (http.py), 5xx → OutcomeUnknownError (http.py).
"""

from __future__ import annotations

import base64
import re
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from marketsync.connectors.errors import ConfigError, MalformedResponseError, RejectedError, TransientError
from marketsync.connectors.yookassa.schemas import ErrorBody, PaymentObject, RefundObject
from marketsync.http import HttpClient, HttpConfig, Recorder, parse_json
from marketsync.security import sha256_hex
from marketsync.settings import get_settings

SYSTEM = "yookassa"
IDEMPOTENCE_KEY_MAX = 64  # CONTRACTS.md §6 (unconfirmed there; the sandbox enforces the same)
OBJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
ModelT = TypeVar("ModelT", bound=BaseModel)


class NotFoundError(RejectedError):
    """YooKassa knows no such payment or refund (404 not_found)."""


def _error(response: httpx.Response) -> ErrorBody:
    try:
        return ErrorBody.model_validate(response.json())
    except (ValueError, ValidationError):
        return ErrorBody(code=f"http_{response.status_code}", description=response.text[:200])


def classify(response: httpx.Response) -> None:
    """Raise the ConnectorError a YooKassa answer stands for; nothing for a 200."""
    status = response.status_code
    if status == 200:
        return
    body = _error(response)
    text = f"{SYSTEM}: HTTP {status} {body.code}: {body.description or ''}".rstrip(": ")
    if status == 202:  # "the request is still being processed": ask again with the same key
        raise TransientError(text, code=status)
    if status in (401, 403):
        raise ConfigError(text, code=body.code, key="token_rejected")
    if status == 404:
        raise NotFoundError(text, code=body.code)
    raise RejectedError(text, code=body.code, params={"detail": body.description or body.code})


class YooKassaClient:
    """Calls YooKassa's API as one shop."""

    def __init__(self, shop_id: str, secret_key: str, *, base_url: str | None = None,
                 recorder: Recorder | None = None, transport: httpx.BaseTransport | None = None,
                 max_attempts: int | None = None) -> None:
        if not shop_id or not secret_key:
            raise ConfigError(f"{SYSTEM}: YOOKASSA_SHOP_ID and YOOKASSA_SECRET_KEY must be set", key="token_rejected")
        basic = base64.b64encode(f"{shop_id}:{secret_key}".encode()).decode()
        self.http = HttpClient(HttpConfig(
            system=SYSTEM,
            base_url=base_url or get_settings().YOOKASSA_API_URL,
            credential=secret_key,
            rate_per_second=None,  # YooKassa documents no rate; its 429 is waited out by http.py
            breaker_key=f"{SYSTEM}:{sha256_hex(shop_id)[:16]}",
            headers={"Authorization": f"Basic {basic}"},
            recorder=recorder,
            transport=transport,
            max_attempts=max_attempts,
        ))

    def close(self) -> None:
        """Release the HTTP pool."""
        self.http.close()

    def _read(self, model: type[ModelT], response: httpx.Response) -> ModelT:
        try:
            return model.model_validate(parse_json(response, SYSTEM))
        except ValidationError as exc:
            raise MalformedResponseError(f"{SYSTEM}: unexpected {model.__name__} ({exc.error_count()} errors)") \
                from exc

    def _post(self, path: str, body: dict[str, Any], idempotence_key: str) -> httpx.Response:
        if not 0 < len(idempotence_key) <= IDEMPOTENCE_KEY_MAX:
            raise ValueError(f"an Idempotence-Key has 1..{IDEMPOTENCE_KEY_MAX} characters")
        # Idempotent: YooKassa answers a repeated key with the first request's object (see the module docstring).
        return self.http.request("POST", path, json=body, idempotent=True, write=True, classify=classify,
                                 headers={"Idempotence-Key": idempotence_key})

    def create_payment(self, body: dict[str, Any], *, idempotence_key: str) -> PaymentObject:
        """POST /payments: create a payment (or get the one this key already created)."""
        return self._read(PaymentObject, self._post("/payments", body, idempotence_key))

    def get_payment(self, payment_id: str) -> PaymentObject:
        """GET /payments/{id}: the payment as YooKassa has it now."""
        response = self.http.request("GET", f"/payments/{_segment(payment_id)}", idempotent=True, classify=classify)
        return self._read(PaymentObject, response)

    def create_refund(self, body: dict[str, Any], *, idempotence_key: str) -> RefundObject:
        """POST /refunds: refund (part of) a succeeded payment (or get the refund this key already made)."""
        return self._read(RefundObject, self._post("/refunds", body, idempotence_key))

    def get_refund(self, refund_id: str) -> RefundObject:
        """GET /refunds/{id}: the refund as YooKassa has it now."""
        response = self.http.request("GET", f"/refunds/{_segment(refund_id)}", idempotent=True, classify=classify)
        return self._read(RefundObject, response)


def _segment(object_id: str) -> str:
    # An id from a notification body goes into our URL path: only YooKassa's id alphabet may.
    if not OBJECT_ID.fullmatch(object_id):
        raise NotFoundError(f"{SYSTEM}: not an object id: {object_id[:40]!r}")
    return object_id
