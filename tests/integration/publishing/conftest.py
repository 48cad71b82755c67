"""The publishing tests' cabinet: connected to the three emulated marketplaces, with two complete pans and one
without its material."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from dictionary_world import add_category, connect_marketplaces
from marketsync.sandbox.server import ServerThread

from .test_publish_cards import pan


@pytest.fixture
def catalog(seller: int, sqlite_engine: Engine, sandbox_state: Any, sandbox: ServerThread) -> int:
    """The seller's cabinet connected to the three marketplaces, with two complete pans and one without material."""
    connect_marketplaces(sqlite_engine, sandbox_state, seller)
    sandbox_state.ozon.import_processing_s = 0
    sandbox_state.wildberries.card_delay_seconds = 0
    add_category(sqlite_engine, seller, "Кастрюли", [
        pan(sandbox, "PAN-1"), pan(sandbox, "PAN-2", name="Кастрюля Tefal 6 л"),
        pan(sandbox, "PAN-3", params={"Объём": "4 л", "Модель": "Cook 24"})])
    return seller
