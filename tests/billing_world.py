"""The billing tests' world: the sandbox YooKassa shop our settings use, and reading our payment rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.billing.models import Payment
from marketsync.db import session_scope

SHOP_ID = "506751"
SECRET = "test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0"


@dataclass
class Shop:
    """The sandbox shop our settings use, and the sandbox around it."""

    state: Any
    api_url: str

    def payments(self) -> list[dict[str, Any]]:
        """Every payment the sandbox YooKassa holds."""
        with self.state.lock:
            return [self.state.yookassa.wire(p) for p in self.state.yookassa.payments.values()]

    def paid_notification(self, provider_id: str) -> dict[str, Any]:
        """The payment.succeeded body YooKassa would send for this payment now."""
        return {"type": "notification", "event": "payment.succeeded",
                "object": self.state.yookassa.payment(SHOP_ID, provider_id)}


def payment_row(engine: Engine, payment_id: int) -> Payment:
    """Read our payment row afresh."""
    with session_scope(engine) as session:
        found = session.scalar(select(Payment).where(Payment.id == payment_id))
        assert found is not None
        return found


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST a JSON body as YooKassa does."""
    return httpx.post(url, json=body, headers=headers or {}, timeout=30)
