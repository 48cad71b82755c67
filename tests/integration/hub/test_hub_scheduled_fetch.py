"""Suppliers' feeds fetched on a schedule, over real HTTP from the sandbox: beat's task imports a due supplier and
leaves the others; a supplier another worker is importing is skipped; a URL that answers 404 leaves a refused
report and one alert (e-mail and Telegram), a second failure of the same episode says nothing more, and the next
good import resolves it. The demo cabinet gets both demo suppliers, imported and merged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from hub_builders import cabinet, products
from marketsync.cli.demo import seed_demo_suppliers
from marketsync.db import get_engine, session_scope, utcnow
from marketsync.hub import tasks
from marketsync.hub.models import ImportReport, Supplier, SupplierOffer
from marketsync.hub.upload_service import add_feed_supplier, set_feed
from marketsync.sandbox.server import ServerThread
from marketsync.stocks.models import MonitorAlert
from marketsync.sync import runs
from stock_builders import Channels


def _scheduled(engine: Engine, account_id: int, name: str, url: str, minutes: int = 60) -> int:
    with session_scope(engine) as session:
        return add_feed_supplier(session, account_id=account_id, name=name, url=url, file_format="yml",
                                 minutes=minutes)


def _reports(engine: Engine, supplier_id: int) -> list[tuple[str, str | None]]:
    with session_scope(engine) as session:
        return [(r.status, r.error) for r in session.scalars(
            select(ImportReport).where(ImportReport.supplier_id == supplier_id).order_by(ImportReport.id))]


def _age_fetches(engine: Engine, supplier_id: int, minutes: int) -> None:
    """Move the supplier's fetches back in time, so its interval has passed."""
    with session_scope(engine) as session:
        session.execute(update(ImportReport).where(ImportReport.supplier_id == supplier_id)
                        .values(started_at=utcnow() - timedelta(minutes=minutes)))


def _offers(engine: Engine, supplier_id: int) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(SupplierOffer)
                              .where(SupplierOffer.supplier_id == supplier_id)) or 0


def test_beat_imports_a_due_supplier_over_http_and_leaves_the_rest(
        engine: Engine, sandbox: ServerThread, sandbox_state, tasks_run_here: None) -> None:  # type: ignore[no-untyped-def]
    account_id = cabinet(engine)
    alfa = _scheduled(engine, account_id, "Альфа", f"{sandbox.url}/suppliers/alfa.yml")
    with session_scope(engine) as session:  # a supplier without a feed URL is never fetched
        session.add(Supplier(account_id=account_id, name="Ручной", column_mapping={}))

    assert tasks.fetch_due.delay().get() == 1

    assert _reports(engine, alfa) == [("done", None)]
    assert _offers(engine, alfa) > 100 and len(products(engine, account_id)) == _offers(engine, alfa)
    assert tasks.fetch_due.delay().get() == 0, "not due again before its interval"
    assert tasks.fetch_supplier.delay(alfa).get() == "skipped", "a task sent twice imports once"
    assert len(_reports(engine, alfa)) == 1

    _age_fetches(engine, alfa, 61)
    assert tasks.fetch_due.delay().get() == 1
    assert [status for status, _e in _reports(engine, alfa)] == ["done", "done"]


def test_a_supplier_another_worker_is_importing_is_skipped(sqlite_engine: Engine, sandbox: ServerThread,
                                                           sandbox_state) -> None:  # type: ignore[no-untyped-def]
    account_id = cabinet(sqlite_engine)
    alfa = _scheduled(sqlite_engine, account_id, "Альфа", f"{sandbox.url}/suppliers/alfa.yml")
    assert runs.acquire_lock(get_engine(), pipeline=f"hub_fetch:{alfa}", account_id=account_id, owner="other",
                             ttl=600)

    assert tasks.fetch_supplier(alfa) == "skipped"
    assert _reports(sqlite_engine, alfa) == [] and _offers(sqlite_engine, alfa) == 0


def test_a_failing_feed_alerts_once_per_episode_and_recovers(
        sqlite_engine: Engine, sandbox: ServerThread, channels: Channels) -> None:
    account_id = cabinet(sqlite_engine)
    alfa = _scheduled(sqlite_engine, account_id, "Альфа", f"{sandbox.url}/suppliers/alfa.yml", minutes=5)
    assert tasks.fetch_supplier(alfa) == "done"
    good = products(sqlite_engine, account_id)
    with session_scope(sqlite_engine) as session:
        set_feed(session, account_id=account_id, supplier_id=alfa, url=f"{sandbox.url}/suppliers/gone.yml",
                 file_format="yml", minutes="5")

    assert tasks.fetch_supplier(alfa) == "refused"
    status, error = _reports(sqlite_engine, alfa)[-1]
    assert status == "refused" and error and "404" in error
    assert products(sqlite_engine, account_id) == good, "a refused fetch changes nothing"
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1
    assert "Альфа" in channels.telegrams[0] and "404" in channels.telegrams[0]

    _age_fetches(sqlite_engine, alfa, 6)
    assert tasks.fetch_supplier(alfa) == "refused"
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1, "the same episode is not said again"
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(MonitorAlert)) == 1

    with session_scope(sqlite_engine) as session:
        set_feed(session, account_id=account_id, supplier_id=alfa, url=f"{sandbox.url}/suppliers/alfa.yml",
                 file_format="yml", minutes="5")
    assert tasks.fetch_supplier(alfa) == "done"
    with session_scope(sqlite_engine) as session:
        alert = session.scalar(select(MonitorAlert))
        assert alert is not None and alert.cleared_at is not None, "a good import ends the episode"
    assert len(channels.mails) == 2 and len(channels.telegrams) == 2, "and its recovery goes out"

    with session_scope(sqlite_engine) as session:
        set_feed(session, account_id=account_id, supplier_id=alfa, url=f"{sandbox.url}/suppliers/gone.yml",
                 file_format="yml", minutes="5")
    _age_fetches(sqlite_engine, alfa, 6)
    assert tasks.fetch_supplier(alfa) == "refused"
    assert len(channels.mails) == 3, "a new episode is said again"


def test_the_demo_cabinet_gets_both_suppliers_imported_and_merged(sqlite_engine: Engine, sandbox: ServerThread,
                                                                  sandbox_state) -> None:  # type: ignore[no-untyped-def]
    account_id = cabinet(sqlite_engine)

    assert seed_demo_suppliers(account_id, sandbox.url) == ["done", "done"]

    with session_scope(sqlite_engine) as session:
        suppliers = {s.name: s for s in session.scalars(select(Supplier).where(Supplier.account_id == account_id))}
        assert set(suppliers) == {"Альфа", "Бета"}
        assert all(s.feed_url and s.refresh_minutes for s in suppliers.values()), "fetched again on schedule"
        offers = session.scalar(select(func.count()).select_from(SupplierOffer)
                                .where(SupplierOffer.account_id == account_id)) or 0
    merged = products(sqlite_engine, account_id)
    assert 0 < len(merged) < offers, "the suppliers' overlap ends as shared products"
    assert seed_demo_suppliers(account_id, sandbox.url) == ["done", "done"], "a restarted demo imports again"
