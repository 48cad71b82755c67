"""A signed-in seller's cabinet connected to Ozon, Wildberries and Yandex Market in the sandbox."""

from __future__ import annotations

import pytest

from dictionary_world import connect_marketplaces


@pytest.fixture
def cabinet(seller, sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    """The signed-in seller's account id, connected to the three marketplaces."""
    connect_marketplaces(sqlite_engine, sandbox_state, seller)
    return seller
