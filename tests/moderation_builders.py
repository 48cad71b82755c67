"""Builders for the moderation tests: hub products written straight into hub_products (the importers are not the
subject), and the fake model's settings."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from marketsync.db import session_scope
from marketsync.hub.models import HubProduct
from marketsync.settings import get_settings

_skus = itertools.count(1)
GOOD = {"name": "Кружка керамическая 350 мл", "description": "Белая кружка из керамики, можно мыть в посудомойке.",
        "vendor": "Домашний уют", "price": Decimal("490.00"), "params": {"Материал": "керамика", "Объём": "350 мл"}}


def hub_product(engine: Engine, account_id: int, **fields: Any) -> int:
    """Write one canonical product (a good one unless told otherwise); return its id."""
    values = {**GOOD, "sku": f"SKU-{next(_skus):04d}", "pictures": [], "content_hash": "", **fields}
    with session_scope(engine) as session:
        product = HubProduct(account_id=account_id, **values)
        session.add(product)
        session.flush()
        return product.id


def use_fake_model(monkeypatch: pytest.MonkeyPatch, sandbox_url: str, *, key: str | None = None,
                   timeout: float = 5.0) -> None:
    """Point the moderation at the sandbox's OpenAI-compatible model."""
    from marketsync.sandbox.llm.state import DEMO_KEY, DEMO_MODEL

    monkeypatch.setenv("MODERATION_LLM_URL", f"{sandbox_url}/llm/v1")
    monkeypatch.setenv("MODERATION_LLM_MODEL", DEMO_MODEL)
    monkeypatch.setenv("MODERATION_LLM_KEY", key or DEMO_KEY)
    monkeypatch.setenv("MODERATION_LLM_TIMEOUT_SECONDS", str(timeout))
    get_settings.cache_clear()
