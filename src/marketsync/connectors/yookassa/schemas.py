"""YooKassa API v3 wire models (CONTRACTS.md §6): payments, refunds, notifications and the error body.

Only the fields we read are declared; YooKassa adds fields over time, so unknown ones are ignored."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Amount(BaseModel):
    """`{"value": "100.00", "currency": "RUB"}`: the value is a string with two decimals on the wire."""

    model_config = ConfigDict(extra="ignore")

    value: Decimal
    currency: str


class Confirmation(BaseModel):
    """The payment's confirmation; `embedded` carries the token the checkout widget opens."""

    model_config = ConfigDict(extra="ignore")

    type: str
    confirmation_token: str | None = None
    confirmation_url: str | None = None


class CancellationDetails(BaseModel):
    """Why a payment or refund was canceled, and by whom (yoo_money, payment_network, merchant)."""

    model_config = ConfigDict(extra="ignore")

    party: str | None = None
    reason: str | None = None


class PaymentObject(BaseModel):
    """A payment as `POST /payments`, `GET /payments/{id}` and notifications show it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=128)
    status: str
    amount: Amount
    paid: bool = False
    test: bool = False
    confirmation: Confirmation | None = None
    metadata: dict[str, Any] | None = None
    cancellation_details: CancellationDetails | None = None
    refunded_amount: Amount | None = None


class RefundObject(BaseModel):
    """A refund as `POST /refunds`, `GET /refunds/{id}` and the refund.succeeded notification show it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=128)
    payment_id: str = Field(min_length=1, max_length=128)
    status: str
    amount: Amount
    cancellation_details: CancellationDetails | None = None


class Notification(BaseModel):
    """A notification POSTed to our webhook: `{"type": "notification", "event": ..., "object": {...}}`."""

    model_config = ConfigDict(extra="ignore")

    type: str
    event: str
    object: dict[str, Any]


class ErrorBody(BaseModel):
    """YooKassa's error answer: `{"type": "error", "id", "code", "description", "parameter"}`."""

    model_config = ConfigDict(extra="ignore")

    type: str = "error"
    id: str | None = None
    code: str = "unknown"
    description: str | None = None
    parameter: str | None = None
