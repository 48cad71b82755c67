"""A full resync of 25,000 matched items: every item reaches each marketplace in ceil(N / batch maximum) write
requests (Ozon 100 a request, Wildberries 1,000, Yandex Market 2,000), foreign offers stay untouched.

The cabinet and the marketplaces are the benchmark's world (benchmarks/stock_push_world.py) at 25,000 keys. Our
own request pacing is switched off here and the emulators' limits lifted, so the test takes a minute, not the
twenty the real limits would: pacing is proven by the connector tests and the 20 % fault mix (no refusal for
passing a limit) and measured at the real limits by `make bench`."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.http import HttpClient
from marketsync.stocks.service import sync_stocks

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
import stock_push_world as world

ITEMS = 25_000
BATCH_MAX = {"ozon": 100, "wildberries": 1000, "yandex_market": 2000}
WRITES = {"ozon": "/v2/products/stocks", "wildberries": "PUT /api/v3/stocks/{warehouseId}",
          "yandex_market": "updateStocks"}


def _lift_limits(state: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HttpClient, "_acquire", lambda *args, **kwargs: None)
    state.ozon.requests_per_second = state.ozon.stock_updates_per_minute = None
    state.yandex_market.limits = dict.fromkeys(state.yandex_market.limits)


@pytest.mark.timeout(900)
def test_a_full_resync_of_25000_items_takes_ceil_n_over_the_batch_maximum_writes_per_marketplace(
        sqlite_engine: Engine, sandbox_state: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _lift_limits(sandbox_state, monkeypatch)
    account = world.seed_cabinet(ITEMS)
    credentials = {system: world.seed_marketplace(sandbox_state, system, ITEMS) for system in BATCH_MAX}
    with session_scope(sqlite_engine) as session:
        for system, creds in credentials.items():
            save_connection(session, account_id=account, system=system, credentials=creds)
    sandbox_state.stats.reset()

    outcomes = sync_stocks(sqlite_engine, account_id=account, systems=list(BATCH_MAX), full_resync=True,
                           refresh=False)

    stats = sandbox_state.stats.snapshot()
    for outcome in outcomes:
        system = outcome.system
        assert outcome.report is not None, outcome.error
        assert (outcome.report.matched, outcome.report.changed, outcome.report.pushed) == (ITEMS, ITEMS, ITEMS)
        writes = {method: n for method, n in stats[system]["by_method"].items() if WRITES[system] in method}
        assert sum(writes.values()) == math.ceil(ITEMS / BATCH_MAX[system]), (system, writes)
        held = world.held(sandbox_state, system, credentials[system])
        wanted = world.expected(system, ITEMS, changed=False)
        wrong = [offer for offer, units in wanted.items() if held.get(offer) != units]
        assert not wrong, f"{system}: {len(wrong)} offers hold something else, e.g. {wrong[:3]}"
