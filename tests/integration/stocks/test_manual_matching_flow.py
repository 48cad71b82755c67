"""Mapping by hand through the pages, applied by the next stock sync against the sandboxed Evotor and Ozon: an
offer no rule could match gets our stock once the seller maps it; an offer the seller calls "not ours" is never
written again, whatever our stock does. The syncs are started with the page's "sync stocks now" button."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine

from browser import submit
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.sandbox.ozon.seed import OfferSeed, dump_ozon
from marketsync.stocks.models import StockPush
from marketsync.sync.filters import set_store
from ozon_world import OURS, seed_seller

EVOTOR_TOKEN = "evotor-token-mapping-0001"


def _connect(engine: Engine, account_id: int, state: Any) -> tuple[Any, dict[str, str]]:
    """Evotor: a cup (article CUP-1, 7 pcs) and a kettle (article OZ-AUTO, 3 pcs); Ozon: «OZ-CUP» that no rule can
    match to the cup, and «OZ-AUTO», whose offer id is the kettle's article."""
    state.evotor.add_token(EVOTOR_TOKEN, "01-000000000000555")
    store = state.evotor.add_store(EVOTOR_TOKEN, "Магазин на Ленина", address="Москва")
    base = {"price": Decimal("100"), "measure_name": "шт", "type": "NORMAL", "tax": "NO_VAT", "allow_to_sell": True}
    ids = {"cup": state.evotor.add_product(EVOTOR_TOKEN, store, name="Кружка", article_number="CUP-1",
                                           quantity=Decimal("7"), **base),
           "kettle": state.evotor.add_product(EVOTOR_TOKEN, store, name="Чайник", article_number="OZ-AUTO",
                                              quantity=Decimal("3"), **base),
           "store": store}
    world = seed_seller(state, offers=0, extra=[OfferSeed("OZ-CUP", "Кружка белая 300 мл"),
                                                OfferSeed("OZ-AUTO", "Чайник", fbs={OURS: 1})])
    with session_scope(engine) as session:
        save_connection(session, account_id=account_id, system="evotor", credentials={"token": EVOTOR_TOKEN})
        save_connection(session, account_id=account_id, system="ozon", credentials=world.credentials())
        set_store(session, account_id, store, enabled=True, all_groups=True)
    return world, ids


def _ozon_stock(state: Any, world: Any) -> dict[str, int | None]:
    offers = dump_ozon(state.ozon, world.api_key)["offers"]
    return {o["offer_id"]: (o["fbs"].get(str(OURS)) or {}).get("present") for o in offers}


def _sync_now(client: TestClient) -> str:
    response = submit(client, "/stocks/sync")
    assert response.status_code == 303 and response.headers["location"] == "/stocks"
    return re.sub(r"\s+", " ", client.get("/stocks").text)


def test_a_mapped_offer_gets_our_stock_and_an_offer_not_ours_is_left_alone(
        client: TestClient, seller: int, sandbox_state: Any, sqlite_engine: Engine, tasks_run_here: None) -> None:
    world, ids = _connect(sqlite_engine, seller, sandbox_state)

    page = _sync_now(client)

    assert "Синхронизация остатков поставлена в очередь: Ozon" in page
    assert _ozon_stock(sandbox_state, world) == {"OZ-CUP": None, "OZ-AUTO": 3}, "only the kettle matched"
    unmatched = client.get("/stocks/unmatched").text
    assert "OZ-CUP" in unmatched and "Ни у одного нашего товара нет такого артикула или штрихкода" in unmatched
    [cup_offer] = re.findall(r'action="/stocks/offers/(\d+)/map"', unmatched)

    assert submit(client, f"/stocks/offers/{cup_offer}/map", {"product_key": "CUP-1"}).status_code == 303
    kettle = client.get("/stocks/product?key=OZ-AUTO").text
    [kettle_offer] = re.findall(r'action="/stocks/offers/(\d+)/map"', kettle)
    assert submit(client, f"/stocks/offers/{kettle_offer}/map",
                  {"not_ours": "1", "next": "/stocks/product?key=OZ-AUTO"}).status_code == 303
    sandbox_state.evotor.update_product(EVOTOR_TOKEN, ids["store"], ids["kettle"], quantity=Decimal("9"))

    page = _sync_now(client)

    assert _ozon_stock(sandbox_state, world) == {"OZ-CUP": 7, "OZ-AUTO": 3}, \
        "the mapped offer got the cup's stock; the offer marked not ours kept what it had"
    rows = re.findall(r'<a href="/stocks/product\?key=([^"]+)" class="fw-semibold">', page)
    assert rows == ["CUP-1"], "an offer marked not ours leaves the stock table"
    with session_scope(sqlite_engine) as session:
        kept = set(session.scalars(select(StockPush.stock_key).where(StockPush.account_id == seller)))
    assert kept == {"OZ-CUP"}, "its push state is forgotten: mapped back, it counts as never pushed"
    assert "OZ-CUP" in page
    mappings = re.sub(r"\s+", " ", client.get("/stocks/mappings").text)
    assert mappings.count("Применено") == 2 and "Применено: его остаток не изменяется" in mappings
    assert "OZ-CUP" not in client.get("/stocks/unmatched").text
