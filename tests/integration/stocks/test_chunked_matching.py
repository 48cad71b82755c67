"""Matching in the database, a chunk of offers at a time, decides exactly what the in-memory rules decide, on
every dialect: mappings, keys, barcodes, multi-size cards, ambiguous barcodes, claims across chunk boundaries,
archived offers, and keys that differ only in case (MariaDB's collation finds "AB1" for "ab1")."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.stock_levels import ProductStock
from marketsync.connections.service import save_connection
from marketsync.connectors.records import MarketOffer
from marketsync.db import session_scope
from marketsync.stocks.models import OfferRow, StockMapping
from marketsync.sync import stock_matcher
from marketsync.sync.matching import IGNORE, match_offers


def _world(seed: int) -> tuple[list[MarketOffer], dict[str, tuple[str, ...]], dict[str, str]]:
    rng = random.Random(seed)
    keys = [f"K{i}" for i in range(40)] + ["k1", "k2"]  # two keys differing from others only in case
    pool = [f"46{i:011d}" for i in range(90)]
    products = {key: tuple(rng.sample(pool, rng.randint(0, 2))) for key in keys}
    offers = []
    for i in range(120):
        card = f"card{rng.randint(0, 70)}" if rng.random() < 0.6 else None
        offer_id = rng.choice([*keys, f"foreign{i}", "K1", "K2"])
        barcodes = tuple(rng.sample(pool, rng.randint(0, 2))) + tuple(products[rng.choice(keys)][:1])
        offers.append(MarketOffer(offer_id=offer_id, stock_key=f"s{i}", barcodes=barcodes,
                                  name=f"offer {i}", product_id=card, sku=None, archived=rng.random() < 0.1))
    manual = {f"s{i}": rng.choice([IGNORE, "GONE", "K3", "K3", "k1", rng.choice(keys)])
              for i in rng.sample(range(120), 25)}
    return offers, products, manual


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matching_chunk_by_chunk_in_the_database_equals_the_rules_in_memory(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    offers, products, manual = _world(seed)
    monkeypatch.setattr(stock_matcher, "CHUNK", 7)  # many chunks: claims must carry over their boundaries
    with session_scope(engine) as session:
        user = create_user(session, email=f"m{seed}@example.com", password="secret-password-1")
        account = primary_account_id(session, user.id)
        conn, _ = save_connection(session, account_id=account, system="ozon", check=False,
                                  credentials={"client_id": "1", "api_key": "k" * 36, "warehouse_id": "5"})
        session.add_all(OfferRow(account_id=account, connection_id=conn.id, stock_key=o.stock_key,
                                 offer_id=o.offer_id, barcodes=list(o.barcodes), name=o.name,
                                 remote_product_id=o.product_id, archived=o.archived) for o in offers)
        session.add_all(StockMapping(account_id=account, connection_id=conn.id, stock_key=key, product_key=product)
                        for key, product in manual.items())
        session.flush()
        stock_matcher.stage_levels(session, conn, [
            ProductStock(key=key, key_kind="article", name=key, barcodes=barcodes, total=1, offered=1,
                         product_ids=(n,)) for n, (key, barcodes) in enumerate(products.items())])

        matched, unmatched = stock_matcher.match_connection(session, conn, session.flush)

        rows = session.execute(select(OfferRow.stock_key, OfferRow.product_key, OfferRow.match_rule,
                                      OfferRow.unmatched_reason).where(OfferRow.connection_id == conn.id)).all()
    expected = match_offers(offers, products, manual)
    assert {r[0]: (r[1], r[2]) for r in rows if r[1]} == {m.stock_key: (m.product_key, str(m.rule))
                                                        for m in expected.matches}
    assert {r[0]: r[3] for r in rows if r[3]} == {o.stock_key: str(why) for o, why in expected.unmatched_offers}
    assert (matched, unmatched) == (len(expected.matches), len(expected.unmatched_offers))
    assert any(m.product_key in {"k1", "k2"} for m in expected.matches), "the world exercises case-only keys"
    assert len({str(m.rule) for m in expected.matches}) == 3 and len(expected.unmatched_offers) > 10
