"""resolve_attributes: a product's params, vendor, weight and dimensions filled into each marketplace's attributes
of its mapped category, dictionary values fetched lazily, missing required attributes and suggestions listed,
overrides applied; and the daily refresh."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dictionary_world import add_category
from marketsync.db import session_scope
from marketsync.dictionaries.mappings import due_refreshes, map_category, refresh_cabinet, save_override
from marketsync.dictionaries.models import DictionaryState, MarketValueRow
from marketsync.dictionaries.service import DictionaryError, resolve_attributes
from marketsync.hub.models import HubProduct
from marketsync.sandbox.dictionary_words import BRAND_COUNT

PAN = {"sku": "PAN-1", "name": "Кастрюля Tefal 4 л", "vendor": "Tefal", "weight_kg": Decimal("1.25"),
       "params": {"Материал": "Нержавеющая сталь", "Объём": "4 л", "Цвет": "Серебристый", "Модель": "Cook 24"}}


def _resolve(engine, account_id, channel):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        product = session.scalar(select(HubProduct).where(HubProduct.sku == "PAN-1"))
        return resolve_attributes(session, account_id=account_id, channel=channel, product=product)


def _map(engine, account_id, channel, target):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        map_category(session, account_id=account_id, category_name="Кастрюли", channel=channel, target=target)


@pytest.mark.parametrize(("channel", "target", "expected"), [
    ("ozon", "17028922:91565", {"Бренд": ["Tefal"], "Материал": ["нержавеющая сталь"], "Объем, л": ["4"],
                                "Цвет товара": ["серебристый"], "Вес товара, г": ["1250"],
                                "Название модели (для объединения в одну карточку)": ["Cook 24"]}),
    ("wb", "1234", {"Материал изделия": ["Нержавеющая сталь"], "Объем (л)": ["4"], "Цвет": ["серебристый"],
                    "Вес товара без упаковки (г)": ["1250"]}),
    ("ym", "91611", {"Материал": ["нержавеющая сталь"], "Объем": ["4"], "Цвет товара": ["серебристый"],
                     "Вес": ["1250"], "Модель": ["Cook 24"]}),
])
def test_a_products_fields_fill_the_marketplaces_attributes(cabinet, sqlite_engine, channel, target, expected):
    add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])
    _map(sqlite_engine, cabinet, channel, target)

    resolution = _resolve(sqlite_engine, cabinet, channel)

    assert {m.attribute_name: [v.value for v in m.values] for m in resolution.values} == expected
    assert resolution.missing_required == [] and resolution.suggestions == []


def test_the_ozon_brand_gets_its_dictionary_id_from_the_second_page(cabinet, sqlite_engine):
    add_category(sqlite_engine, cabinet, "Кастрюли", [{**PAN, "vendor": "Фабini"}])  # the last brand: page two
    _map(sqlite_engine, cabinet, "ozon", "17028922:91565")

    resolution = _resolve(sqlite_engine, cabinet, "ozon")

    brand = next(m for m in resolution.values if m.attribute_name == "Бренд")
    assert brand.values[0].value == "Фабini" and brand.values[0].value_id is not None
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(MarketValueRow)
                              .where(MarketValueRow.attribute_id == "85")) == BRAND_COUNT


def test_a_missing_required_attribute_and_an_unknown_value_are_reported_then_overridden(cabinet, sqlite_engine):
    add_category(sqlite_engine, cabinet, "Кастрюли", [{**PAN, "vendor": "Rondel", "params": {"Модель": "X"}}])
    _map(sqlite_engine, cabinet, "ozon", "17028922:91565")

    first = _resolve(sqlite_engine, cabinet, "ozon")
    assert first.missing_required == ["Бренд", "Материал", "Объем, л"]
    [suggestion] = first.suggestions
    assert suggestion.text == "Rondel" and suggestion.candidates[0].value == "Rondell"

    with session_scope(sqlite_engine) as session:
        save_override(session, account_id=cabinet, channel="ozon", kind="value", attribute_id="85", source="Rondel",
                      target=str(suggestion.candidates[0].value_id))
    second = _resolve(sqlite_engine, cabinet, "ozon")
    assert second.missing_required == ["Материал", "Объем, л"] and second.suggestions == []


def test_a_product_of_an_unmapped_category_is_refused(cabinet, sqlite_engine):
    add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])
    with pytest.raises(DictionaryError, match="has no category mapped to Wildberries"):
        _resolve(sqlite_engine, cabinet, "wb")


def test_the_daily_refresh_fetches_a_day_old_tree_again_and_leaves_a_fresh_one(cabinet, sqlite_engine, sandbox_state):
    add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])
    _map(sqlite_engine, cabinet, "ym", "91611")
    with session_scope(sqlite_engine) as session:
        assert due_refreshes(session) == []
        state = session.scalar(select(DictionaryState))
        state.categories_fetched_at = state.categories_fetched_at.replace(year=2020)
    sandbox_state.stats.reset()
    with session_scope(sqlite_engine) as session:
        assert due_refreshes(session) == [(cabinet, "ym")]
        assert refresh_cabinet(session, account_id=cabinet, channel="ym") == 1
    assert sandbox_state.stats.snapshot()["yandex_market"]["by_method"].get("getCategoriesTree") == 1
    with session_scope(sqlite_engine) as session:
        assert due_refreshes(session) == []


def test_a_second_yandex_market_refresh_within_the_hour_makes_no_tree_request(cabinet, sqlite_engine, sandbox_state):
    from datetime import timedelta

    from marketsync.dictionaries.service import refresh_categories

    sandbox_state.stats.reset()
    with session_scope(sqlite_engine) as session:
        assert refresh_categories(session, account_id=cabinet, channel="ym")
    with session_scope(sqlite_engine) as session:
        assert not refresh_categories(session, account_id=cabinet, channel="ym", max_age=timedelta(0))
    assert sandbox_state.stats.snapshot()["yandex_market"]["by_method"].get("getCategoriesTree") == 1


def test_the_scheduled_tasks_refresh_a_stale_dictionary_and_record_a_failure(cabinet, sqlite_engine, sandbox_state,
                                                                             tasks_run_here):
    from marketsync.dictionaries import tasks

    add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])
    _map(sqlite_engine, cabinet, "wb", "1234")
    with session_scope(sqlite_engine) as session:
        state = session.scalar(select(DictionaryState))
        state.categories_fetched_at = state.categories_fetched_at.replace(year=2020)
    wb = sandbox_state.wildberries
    tokens = list(wb.tokens)
    for token in tokens:
        wb.revoke_token(token)
    assert tasks.refresh_due() == 1
    wb.revoked.clear()
    with session_scope(sqlite_engine) as session:
        state = session.scalar(select(DictionaryState))
        assert state.categories_fetched_at.year == 2020 and "Wildberries" in (state.last_error or "")
    assert tasks.refresh_dictionary(cabinet, "wb") == 1
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(DictionaryState)).categories_fetched_at.year > 2020
