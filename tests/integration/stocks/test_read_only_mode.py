"""The operator's read-only switch: while it is on, a stock push reads the marketplaces but writes nothing to any
of them and says why; once it is off, the next push writes everything that was held back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from marketsync.db import session_scope
from marketsync.ops import service as ops_service
from marketsync.stocks.service import MARKETPLACES, sync_stocks

from .conftest import StockWorld


@pytest.fixture
def switch(world: StockWorld) -> Iterator[None]:
    """The switch as every entry point installs it, turned off again whatever the test did."""
    ops_service.install()
    yield
    with session_scope(world.engine) as session:
        ops_service.set_read_only(session, enabled=False)


def _set(world: StockWorld, enabled: bool) -> None:
    with session_scope(world.engine) as session:
        ops_service.set_read_only(session, enabled=enabled)


def test_a_push_in_read_only_mode_writes_nothing_and_resumes_after(world: StockWorld, switch: None) -> None:
    _set(world, True)
    before = world.writes()
    world.state.ozon.advance(31)
    held = {o.system: o for o in sync_stocks(world.engine, account_id=world.account_id, systems=list(MARKETPLACES))}

    assert world.writes() == before, "not one write request reached any marketplace"
    for system in MARKETPLACES:
        assert held[system].error and "read-only mode is on" in held[system].error, system

    _set(world, False)
    world.state.ozon.advance(31)
    resumed = {o.system: o for o in sync_stocks(world.engine, account_id=world.account_id,
                                                systems=list(MARKETPLACES))}
    for system in MARKETPLACES:
        assert world.writes()[system] > before[system], system
        assert resumed[system].report is not None and resumed[system].report.pushed > 0, system


def test_the_switch_reaches_a_process_within_its_cache_time(world: StockWorld, switch: None) -> None:
    from marketsync.write_guard import writes_stopped

    assert writes_stopped() is False
    _set(world, True)
    assert writes_stopped() is True, "the process that flips the switch obeys it at once"
