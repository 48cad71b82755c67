"""Fixtures of the connector tests: a seeded Wildberries seller with a fresh token per test (budgets are kept
per token across the test session) and the connector over it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from marketsync.connectors import connect
from marketsync.sandbox.wildberries.seed import seed_wildberries


@pytest.fixture
def wb_seller(env, sandbox_state) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """Return a function seeding a WB seller (see seed_wildberries) under a token no other test used."""

    def make(**options: Any) -> dict[str, Any]:
        return seed_wildberries(sandbox_state.wildberries, f"wb-{uuid.uuid4().hex}", **options)

    return make


@pytest.fixture
def wb_connector() -> Iterator[Callable[..., Any]]:
    """Return a function opening the WB connector for a token (and warehouse); every one opened is closed."""
    opened: list[Any] = []

    def open_(token: str, warehouse_id: int | None = None, **http_options: Any) -> Any:
        credentials: dict[str, Any] = {"token": token}
        if warehouse_id is not None:
            credentials["warehouse_id"] = warehouse_id
        connector = connect("wildberries", credentials, connection_key=f"test-{uuid.uuid4().hex}", **http_options)
        opened.append(connector)
        return connector

    yield open_
    for connector in opened:
        connector.close()
