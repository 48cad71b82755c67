"""A signed-in seller's cabinet connected to Ozon, Wildberries and Yandex Market in the sandbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sandbox.yandex_market.seed import seed_yandex_market
from ozon_world import seed_seller


def connect_marketplaces(engine: Any, state: Any, account_id: int) -> None:
    """Store working Ozon, WB and YM connections of the cabinet (each checked against the sandbox)."""
    ozon = seed_seller(state, offers=1)
    wb = seed_wildberries(state.wildberries, f"wb-{uuid.uuid4().hex}")
    ym_token = f"ym-{uuid.uuid4().hex}"
    business = 31 + account_id * 100
    seed_yandex_market(state.yandex_market, ym_token, business_id=business, campaign_id=business + 1,
                       warehouse_id=business + 2, offers=[])
    with session_scope(engine) as session:
        save_connection(session, account_id=account_id, system="ozon", credentials=ozon.credentials())
        save_connection(session, account_id=account_id, system="wildberries",
                        credentials={"token": wb["token"], "warehouse_id": wb["warehouse_ids"][0]})
        save_connection(session, account_id=account_id, system="yandex_market",
                        credentials={"token": ym_token, "business_id": business, "campaign_id": business + 1})


@pytest.fixture
def cabinet(seller, sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    """The signed-in seller's account id, connected to the three marketplaces."""
    connect_marketplaces(sqlite_engine, sandbox_state, seller)
    return seller
