"""The stock pages' fixture: a cabinet's stock state as the stock pipelines leave it (tests/stock_world.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from stock_world import StockWorld, seed_stock_world


@pytest.fixture
def stock_world(sqlite_engine: Engine) -> Callable[..., StockWorld]:
    """Build the stock state of one cabinet (`prefix` keeps two cabinets' keys apart)."""

    def build(account_id: int, prefix: str = "ART") -> StockWorld:
        """Seed one cabinet's stock state."""
        return seed_stock_world(sqlite_engine, account_id, prefix)

    return build
