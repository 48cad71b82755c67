"""The dictionary cache on SQLite, PostgreSQL and MariaDB: a whole tree and a 2500-value brand dictionary stored
in bulk, a mapping made and a product resolved, and a second refresh within the hour answered from the cache."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from browser import PASSWORD
from dictionary_world import add_category, connect_marketplaces
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.dictionaries.mappings import map_category
from marketsync.dictionaries.service import refresh_categories, resolve_attributes, search_categories
from marketsync.hub.models import HubProduct


def test_the_cache_and_a_resolution_work_on_every_database(engine, sandbox_state):
    with session_scope(engine) as session:
        account_id = primary_account_id(session, create_user(session, email="d@example.ru", password=PASSWORD,
                                                             name="Продавец").id)
    connect_marketplaces(engine, sandbox_state, account_id)
    add_category(engine, account_id, "Кастрюли", [{"sku": "PAN-1", "name": "Кастрюля", "vendor": "Фабini",
                                                  "weight_kg": Decimal("1"), "params": {"Модель": "X"}}])
    with session_scope(engine) as session:
        map_category(session, account_id=account_id, category_name="Кастрюли", channel="ozon", target="17028922:91565")
        map_category(session, account_id=account_id, category_name="Кастрюли", channel="wb", target="1234")
    sandbox_state.stats.reset()
    with session_scope(engine) as session:
        assert not refresh_categories(session, account_id=account_id, channel="ozon")  # fetched moments ago
        assert [c.category_id for c in search_categories(session, account_id=account_id, channel="wb",
                                                         text="КАСТРЮЛ")] == ["1234"]
        product = session.scalar(select(HubProduct))
        resolution = resolve_attributes(session, account_id=account_id, channel="ozon", product=product)
    brand = next(m for m in resolution.values if m.attribute_name == "Бренд")
    assert brand.values[0].value == "Фабini" and resolution.missing_required == ["Материал", "Объем, л"]
    assert "/v1/description-category/tree" not in sandbox_state.stats.snapshot()["ozon"]["by_method"]
