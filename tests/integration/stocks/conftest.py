"""Stock fixtures: a cabinet on the demo world (Evotor stores enabled, connected to Ozon, Wildberries and Yandex
Market through their emulators), and a cabinet's stock state as the pipelines leave it (tests/stock_world.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.service import stores_of
from marketsync.connections.service import get_connection, open_stock_channel, save_connection
from marketsync.connectors.records import FBS, StockLevel
from marketsync.db import session_scope
from marketsync.settings import get_settings
from marketsync.stocks.models import OfferRow, StockPush
from marketsync.sync.chain import refresh_source
from marketsync.sync.filters import set_store
from stock_world import StockWorld as PagesWorld
from stock_world import seed_stock_world

MARKETPLACES = ("ozon", "wildberries", "yandex_market")
WRITE_METHODS = {"ozon": "/v2/products/stocks", "wildberries": "PUT /api/v3/stocks/{warehouseId}",
                 "yandex_market": "updateStocks"}


@dataclass
class StockWorld:
    """The demo credentials, the cabinet and the engine, with readers of both sides."""

    engine: Engine
    state: Any
    demo: dict[str, Any]
    account_id: int

    def matched(self, system: str) -> dict[str, str]:
        """Return the matched offers of a marketplace: stock key → product key."""
        with session_scope(self.engine) as session:
            conn = get_connection(session, self.account_id, system)
            assert conn is not None
            rows = session.query(OfferRow.stock_key, OfferRow.product_key).filter(
                OfferRow.connection_id == conn.id, OfferRow.product_key.is_not(None))
            return {key: product for key, product in rows}

    def offered(self, system: str) -> dict[str, int]:
        """Return what we offer per matched stock key (as the last push computed it)."""
        with session_scope(self.engine) as session:
            conn = get_connection(session, self.account_id, system)
            assert conn is not None
            return {k: v for k, v in session.query(StockPush.stock_key, StockPush.offered)
                    .filter(StockPush.connection_id == conn.id)}

    def remote_stock(self, system: str, keys: list[str]) -> dict[str, int]:
        """Read what the marketplace holds at our warehouse for these keys, through its API."""
        with self.channel(system) as channel:
            return {level.stock_key: level.quantity for level in channel.read_stocks(keys)
                    if level.fulfillment == FBS}

    def everything(self, system: str) -> set[StockLevel]:
        """Read every stock the marketplace reports (FBS at each warehouse and FBO)."""
        with self.channel(system) as channel:
            return {level for page in channel.iter_stocks() for level in page}

    def channel(self, system: str) -> Any:
        """Open the marketplace's connector of this cabinet (a context manager closing it)."""
        from contextlib import contextmanager

        @contextmanager
        def opened() -> Iterator[Any]:
            with session_scope(self.engine) as session:
                conn = get_connection(session, self.account_id, system)
                assert conn is not None
                channel = open_stock_channel(conn)
            try:
                yield channel
            finally:
                channel.close()

        return opened()

    def writes(self) -> dict[str, int]:
        """Return how many stock write requests each emulator has received so far."""
        stats = self.state.stats.snapshot()
        return {system: stats.get(system, {}).get("by_method", {}).get(WRITE_METHODS[system], 0)
                for system in MARKETPLACES}


@pytest.fixture
def world(sqlite_engine: Engine, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> StockWorld:
    """Seed the demo world (a small catalog) and connect a cabinet to all of it."""
    # Tests move the Ozon emulator's clock past its 30 s per-pair rule instead of waiting for it.
    monkeypatch.setenv("OZON_STOCK_UPDATE_INTERVAL_SECONDS", "0")
    get_settings.cache_clear()
    demo = sandbox_state.seed(products=150)
    # seed() resets the emulators, limits included: relax them again as the sandbox_state fixture does.
    sandbox_state.vk.rate_limit = sandbox_state.evotor.rate_limit = None
    sandbox_state.wildberries.relax_limits()
    with session_scope(sqlite_engine) as session:
        user = create_user(session, email="stocks@example.ru", password="password123")
        account_id = primary_account_id(session, user.id)
        save_connection(session, account_id=account_id, system="evotor", credentials={"token": demo["evotor_token"]})
        save_connection(session, account_id=account_id, system="ozon", credentials={
            "client_id": demo["ozon_client_id"], "api_key": demo["ozon_api_key"],
            "warehouse_id": demo["ozon_warehouse_id"]})
        save_connection(session, account_id=account_id, system="wildberries", credentials={
            "token": demo["wb_token"], "warehouse_id": demo["wb_warehouse_id"]})
        save_connection(session, account_id=account_id, system="yandex_market", credentials={
            "token": demo["ym_token"], "business_id": demo["ym_business_id"], "campaign_id": demo["ym_campaign_id"]})
    refresh_source(sqlite_engine, account_id=account_id)
    with session_scope(sqlite_engine) as session:
        for store in stores_of(session, account_id):
            set_store(session, account_id, store.external_id, enabled=True, all_groups=True)
    return StockWorld(sqlite_engine, sandbox_state, demo, account_id)


@pytest.fixture
def stock_world(sqlite_engine: Engine) -> Callable[..., PagesWorld]:
    """Build the stock state of one cabinet (`prefix` keeps two cabinets' keys apart)."""

    def build(account_id: int, prefix: str = "ART") -> PagesWorld:
        """Seed one cabinet's stock state."""
        return seed_stock_world(sqlite_engine, account_id, prefix)

    return build
