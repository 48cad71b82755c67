"""`make demo`'s catalog hub: the two demo suppliers' overlapping catalogs are imported, their cookware mapped to
each marketplace's sandbox category, and published: Ozon, Wildberries and Yandex Market each hold its cards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from dictionary_world import connect_marketplaces
from marketsync.cli.demo import publish_demo_catalog, seed_demo_suppliers
from marketsync.db import session_scope
from marketsync.hub.models import HubCategory, HubProduct
from marketsync.publishing.models import CardPublication
from marketsync.sandbox.server import ServerThread


def test_the_demo_catalog_is_published_to_all_three_marketplaces(
        seller: int, sqlite_engine: Engine, sandbox_state: Any, sandbox: ServerThread, tasks_run_here: None) -> None:
    connect_marketplaces(sqlite_engine, sandbox_state, seller)
    sandbox_state.ozon.import_processing_s = 0
    sandbox_state.wildberries.card_delay_seconds = 0
    assert seed_demo_suppliers(seller, sandbox.url) == ["done", "done"]

    publish_demo_catalog(seller)

    with session_scope(sqlite_engine) as session:
        cookware = session.scalar(select(func.count()).select_from(HubProduct).join(HubCategory)
                                  .where(HubProduct.account_id == seller, HubCategory.name == "Посуда"))
        accepted = dict(session.execute(select(CardPublication.channel, func.count())
                                        .where(CardPublication.state == "accepted")
                                        .group_by(CardPublication.channel)).all())
    assert cookware and cookware > 3
    assert set(accepted) == {"ozon", "wb", "ym"}, accepted
    assert all(count > cookware // 2 for count in accepted.values()), (accepted, cookware)
