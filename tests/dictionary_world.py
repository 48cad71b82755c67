"""A cabinet connected to Ozon, Wildberries and Yandex Market in the sandbox (through `marketsync connect`), with
our categories and products made directly, as an import would leave them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from marketsync.accounts.service import account_for_email
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.hub.models import HubCategory, HubProduct
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sandbox.yandex_market.seed import seed_yandex_market
from ozon_world import seed_seller


@dataclass
class DictionaryWorld:
    """The cabinet's user and account, and its marketplace keys."""

    email: str
    account_id: int
    ym_token: str


def connect_all(cli: Any, state: Any, email: str, engine: Any) -> DictionaryWorld:
    """Connect the user's cabinet to the three marketplaces through the CLI; return the world."""
    ozon = seed_seller(state, offers=1)
    code, out = cli("connect", "ozon", "--user", email, "--client-id", ozon.client_id, "--api-key", ozon.api_key,
                    "--warehouse-id", ozon.warehouse_id)
    assert code == 0, out
    wb = seed_wildberries(state.wildberries, f"wb-{uuid.uuid4().hex}")
    code, out = cli("connect", "wb", "--user", email, "--token", wb["token"], "--warehouse-id",
                    str(wb["warehouse_ids"][0]))
    assert code == 0, out
    ym_token = f"ym-{uuid.uuid4().hex}"
    seed_yandex_market(state.yandex_market, ym_token, business_id=31, campaign_id=32, warehouse_id=33, offers=[])
    code, out = cli("connect", "ym", "--user", email, "--token", ym_token, "--business-id", "31",
                    "--campaign-id", "32")
    assert code == 0, out
    with session_scope(engine) as session:
        account_id = account_for_email(session, email)
    return DictionaryWorld(email, account_id, ym_token)


def add_category(engine: Any, account_id: int, name: str, products: Sequence[dict[str, Any]] = ()) -> int:
    """Create one of our categories with products ({sku, name, vendor?, params?, weight_kg?, ...})."""
    with session_scope(engine) as session:
        category = session.scalar(select(HubCategory).where(HubCategory.account_id == account_id,
                                                            HubCategory.name == name))
        if category is None:
            category = HubCategory(account_id=account_id, name=name)
            session.add(category)
            session.flush()
        for product in products:
            session.add(HubProduct(account_id=account_id, category_id=category.id, price=Decimal("100"),
                                   **product))
        return category.id


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
