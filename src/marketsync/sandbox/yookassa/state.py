"""The YooKassa emulator's data and behaviour: shops (shopId, secret key, notification URL), payments and refunds
as YooKassa shows them, its Idempotence-Key de-duplication (a repeated key answers the first request's answer
for 24 h; the same key with another body is refused), and the confirmation tokens the checkout widget pays or
declines. Notifications go out through notify.py."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marketsync.sandbox.yookassa.notify import Notifier

KEY_TTL_SECONDS = 24 * 3600
DEMO_SHOP_ID = "100500"
DEMO_SECRET_KEY = "test_demo_secret_key_0123456789"


class YooKassaError(Exception):
    """An error answer in YooKassa's shape: `{"type": "error", "id", "code", "description", "parameter"}`."""

    def __init__(self, status: int, code: str, description: str, parameter: str | None = None) -> None:
        super().__init__(description)
        self.status, self.code, self.description, self.parameter = status, code, description, parameter

    def body(self) -> dict[str, Any]:
        """Return the error's JSON body."""
        body = {"type": "error", "id": str(uuid.uuid4()), "code": self.code, "description": self.description}
        return body | ({"parameter": self.parameter} if self.parameter else {})


@dataclass
class Shop:
    """One shop: its secret key and where its notifications go."""

    secret_key: str
    webhook_url: str | None = None


@dataclass
class _Remembered:
    """What a POST with one Idempotence-Key answered: the same answer is given to every repeat."""

    fingerprint: str
    status: int
    body: dict[str, Any]
    at: float


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{datetime.now(UTC).microsecond // 1000:03d}Z"


def _object_id() -> str:
    # YooKassa's ids look like "2d3b3b5e-000f-5000-8000-1a2b3c4d5e6f".
    raw = uuid.uuid4().hex
    return f"{raw[:8]}-000f-5000-8000-{raw[20:32]}"


def money(value: Decimal) -> str:
    """Format an amount as YooKassa does: "100.00"."""
    return f"{value:.2f}"


@dataclass
class YooKassaState:
    """Every shop's payments and refunds; guarded by the sandbox's lock."""

    lock: threading.RLock
    shops: dict[str, Shop] = field(default_factory=dict)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # payment or refund id → shop id
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # confirmation token → payment id
    keys: dict[tuple[str, str], _Remembered] = field(default_factory=dict)
    notifier: Notifier = field(default_factory=Notifier)

    def reset(self) -> None:
        """Forget shops, payments, refunds, keys and pending notifications."""
        with self.lock:
            self.shops.clear()
            self.payments.clear()
            self.owners.clear()
            self.refunds.clear()
            self.tokens.clear()
            self.keys.clear()
            self.notifier.reset()

    def add_shop(self, shop_id: str, secret_key: str, webhook_url: str | None = None) -> None:
        """Register a shop (or change its key and notification URL)."""
        with self.lock:
            self.shops[shop_id] = Shop(secret_key, webhook_url)

    def seed_demo(self, webhook_url: str | None = None) -> dict[str, str]:
        """Register the demo shop; return its credentials."""
        self.add_shop(DEMO_SHOP_ID, DEMO_SECRET_KEY, webhook_url)
        return {"yookassa_shop_id": DEMO_SHOP_ID, "yookassa_secret_key": DEMO_SECRET_KEY}

    def authenticate(self, shop_id: str, secret_key: str) -> bool:
        """Whether the Basic credentials name a shop and its key."""
        with self.lock:
            shop = self.shops.get(shop_id)
            return shop is not None and shop.secret_key == secret_key

    def remembered(self, shop_id: str, key: str, body: Any) -> _Remembered | None:
        """Return the answer an earlier POST with this key gave; raise when the key came with another body."""
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            found = self.keys.get((shop_id, key))
            if found is None or time.time() - found.at > KEY_TTL_SECONDS:
                return None
            if found.fingerprint != fingerprint:
                raise YooKassaError(400, "invalid_request",
                                    "Idempotence key duplicated with another request body", "Idempotence-Key")
            return found

    def remember(self, shop_id: str, key: str, body: Any, status: int, answer: dict[str, Any]) -> None:
        """Keep a POST's answer under its key (errors of validation are not kept: YooKassa lets you fix them)."""
        fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        with self.lock:
            self.keys[(shop_id, key)] = _Remembered(fingerprint, status, answer, time.time())

    def create_payment(self, shop_id: str, body: dict[str, Any], amount: Decimal) -> dict[str, Any]:
        """Create a pending payment from a checked body; return it."""
        with self.lock:
            payment_id = _object_id()
            payment: dict[str, Any] = {
                "id": payment_id, "status": "pending", "paid": False,
                "amount": {"value": money(amount), "currency": body["amount"]["currency"]},
                "created_at": _now(), "description": body.get("description"),
                "metadata": body.get("metadata") or {},
                "recipient": {"account_id": shop_id, "gateway_id": f"{shop_id}01"},
                "refundable": False, "test": True, "_capture": bool(body.get("capture", False)),
            }
            confirmation = body["confirmation"]
            if confirmation["type"] == "embedded":
                token = f"ct-{payment_id}"
                payment["confirmation"] = {"type": "embedded", "confirmation_token": token}
                self.tokens[token] = payment_id
            elif confirmation["type"] == "redirect":
                payment["confirmation"] = {"type": "redirect", "return_url": confirmation.get("return_url"),
                                           "confirmation_url": f"/yookassa/checkout/{payment_id}"}
            if payment["description"] is None:
                del payment["description"]
            if body.get("receipt"):  # the receipt goes to the tax service once the payment succeeds
                payment["receipt_registration"] = "pending"
            self.payments[payment_id] = payment
            self.owners[payment_id] = shop_id
            return self.wire(payment)

    def wire(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Return a payment or refund as the API shows it (without the emulator's own fields)."""
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def payment(self, shop_id: str, payment_id: str) -> dict[str, Any]:
        """Return one of the shop's payments (404 for another shop's or an unknown id)."""
        with self.lock:
            found = self.payments.get(payment_id)
            if found is None or self.owners.get(payment_id) != shop_id:
                raise YooKassaError(404, "not_found", "Payment doesn't exist or access denied", "payment_id")
            return self.wire(found)

    def pay(self, token: str) -> dict[str, Any]:
        """The payer confirmed in the widget: the payment succeeds (or waits for capture); notify the shop."""
        with self.lock:
            payment = self._pending_by_token(token)
            payment.update(paid=True, payment_method={"type": "bank_card", "id": payment["id"], "saved": False,
                                                      "title": "Bank card *4444",
                                                      "card": {"first6": "555555", "last4": "4444",
                                                                "expiry_month": "12", "expiry_year": "2030",
                                                                "card_type": "MasterCard"}})
            if payment["_capture"]:
                self._succeed(payment)
            else:
                payment["status"] = "waiting_for_capture"
                payment["expires_at"] = _now()
                self._notify(payment["id"], "payment.waiting_for_capture", payment)
            return self.wire(payment)

    def decline(self, token: str) -> dict[str, Any]:
        """The payment was declined in the widget: it is canceled; notify the shop."""
        with self.lock:
            payment = self._pending_by_token(token)
            self._cancel(payment, "payment_network", "general_decline")
            return self.wire(payment)

    def capture(self, shop_id: str, payment_id: str) -> dict[str, Any]:
        """Capture a payment waiting for capture (a succeeded one is answered as it is)."""
        with self.lock:
            self.payment(shop_id, payment_id)
            payment = self.payments[payment_id]
            if payment["status"] == "waiting_for_capture":
                self._succeed(payment)
            elif payment["status"] != "succeeded":
                raise YooKassaError(400, "invalid_request",
                                    f"Payment is in {payment['status']} status, it can't be captured")
            return self.wire(payment)

    def cancel(self, shop_id: str, payment_id: str) -> dict[str, Any]:
        """Cancel a payment waiting for capture (a canceled one is answered as it is)."""
        with self.lock:
            self.payment(shop_id, payment_id)
            payment = self.payments[payment_id]
            if payment["status"] == "waiting_for_capture":
                self._cancel(payment, "merchant", "canceled_by_merchant")
            elif payment["status"] != "canceled":
                raise YooKassaError(400, "invalid_request",
                                    f"Payment is in {payment['status']} status, it can't be canceled")
            return self.wire(payment)

    def create_refund(self, shop_id: str, payment_id: str, amount: Decimal, description: str | None) -> dict[str, Any]:
        """Refund part or all of a succeeded payment; the refund succeeds at once and is notified."""
        with self.lock:
            self.payment(shop_id, payment_id)
            payment = self.payments[payment_id]
            refunded = Decimal(payment.get("refunded_amount", {}).get("value", "0"))
            left = Decimal(payment["amount"]["value"]) - refunded
            if payment["status"] != "succeeded":
                raise YooKassaError(400, "invalid_request", "Payment is not succeeded, it can't be refunded",
                                    "payment_id")
            if amount > left:
                raise YooKassaError(400, "invalid_request", "Refund amount exceeds the amount left to refund",
                                    "amount.value")
            refund_id = _object_id()
            refund: dict[str, Any] = {
                "id": refund_id, "payment_id": payment_id, "status": "succeeded", "created_at": _now(),
                "amount": {"value": money(amount), "currency": payment["amount"]["currency"]}}
            if description:
                refund["description"] = description
            self.refunds[refund_id] = refund
            self.owners[refund_id] = shop_id
            payment["refunded_amount"] = {"value": money(refunded + amount), "currency": "RUB"}
            payment["refundable"] = refunded + amount < Decimal(payment["amount"]["value"])
            self._notify(payment_id, "refund.succeeded", refund)
            return dict(refund)

    def refund(self, shop_id: str, refund_id: str) -> dict[str, Any]:
        """Return one of the shop's refunds (404 otherwise)."""
        with self.lock:
            found = self.refunds.get(refund_id)
            if found is None or self.owners.get(refund_id) != shop_id:
                raise YooKassaError(404, "not_found", "Refund doesn't exist or access denied", "refund_id")
            return dict(found)

    def _pending_by_token(self, token: str) -> dict[str, Any]:
        payment_id = self.tokens.get(token)
        payment = self.payments.get(payment_id or "")
        if payment is None:
            raise YooKassaError(404, "not_found", "Unknown confirmation token")
        if payment["status"] != "pending":
            raise YooKassaError(400, "invalid_request", f"Payment is in {payment['status']} status")
        return payment

    def _succeed(self, payment: dict[str, Any]) -> None:
        value = Decimal(payment["amount"]["value"])
        payment.update(status="succeeded", paid=True, captured_at=_now(), refundable=True,
                       income_amount={"value": money(value * Decimal("0.965")), "currency": "RUB"})
        payment.pop("expires_at", None)
        self._notify(payment["id"], "payment.succeeded", payment)

    def _cancel(self, payment: dict[str, Any], party: str, reason: str) -> None:
        payment.update(status="canceled", cancellation_details={"party": party, "reason": reason})
        payment.pop("expires_at", None)
        self._notify(payment["id"], "payment.canceled", payment)

    def _notify(self, payment_id: str, event: str, obj: dict[str, Any]) -> None:
        shop = self.shops.get(self.owners.get(payment_id, ""))
        if shop is not None and shop.webhook_url:
            self.notifier.send(shop.webhook_url, {"type": "notification", "event": event, "object": self.wire(obj)})
