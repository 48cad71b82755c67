"""The monitor over the real stock pipeline on the demo world: after a push to Ozon, Wildberries and Yandex
Market it reads the runs the pipeline wrote; check-connections checks the three live connections."""

from __future__ import annotations

from typer.testing import CliRunner

from marketsync.cli.app import app
from marketsync.connections.service import get_connection
from marketsync.db import session_scope
from marketsync.stocks import monitor_service
from marketsync.stocks.models import OfferRow
from marketsync.stocks.service import sync_stocks

from .conftest import MARKETPLACES, StockWorld


def _offers(world: StockWorld, system: str) -> tuple[int, int]:
    with session_scope(world.engine) as session:
        conn = get_connection(session, world.account_id, system)
        assert conn is not None
        rows = session.query(OfferRow.archived).filter(OfferRow.connection_id == conn.id).all()
    return len(rows), sum(1 for (archived,) in rows if archived)


def test_after_real_pushes_every_marketplace_has_fresh_figures(world: StockWorld) -> None:
    world.state.ozon.advance(31)
    outcomes = {o.system: o for o in sync_stocks(world.engine, account_id=world.account_id,
                                                 systems=list(MARKETPLACES))}
    # The demo world has Ozon refuse one item: the push is "failed" (exit 1), yet the rest reached Ozon: a sync.
    assert [(s, o.ok) for s, o in outcomes.items()] == [("ozon", False), ("wildberries", True),
                                                         ("yandex_market", True)]
    outcome = monitor_service.run_monitor(world.engine, account_id=world.account_id)
    assert [s.title for s in outcome.sources] == ["Ozon", "Wildberries", "Yandex Market"]
    ozon, *others = outcome.sources
    assert ozon.last_run is not None and ozon.last_run.status == "failed" and ozon.last_run.failed == 1
    assert ozon.healthy and ozon.facts.last is not None and ozon.age_hours == 0.0
    for source in others:
        assert source.healthy and source.facts.last is not None and source.age_hours == 0.0
        listed, archived = _offers(world, source.system)
        assert source.facts.last.offers == listed and source.facts.product_count == listed - archived >= 10
        assert source.facts.last.stock_total == sum(world.offered(source.system).values())


def test_check_connections_checks_the_three_marketplaces_live(world: StockWorld) -> None:
    result = CliRunner().invoke(app, ["check-connections", "--user", "stocks@example.ru"])
    code, out = result.exit_code, result.output
    lines = out.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["✓ Ozon", "✓ Wildberries", "✓ Yandex Market"], out
    assert code == 0, out
