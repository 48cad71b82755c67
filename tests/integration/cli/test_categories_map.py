"""`marketsync categories map`: a category of ours is mapped to an Ozon type, a WB subject or a YM leaf after a
check against the marketplace's dictionary (fetched on first use); every refusal is one line and exit 1."""

from __future__ import annotations

import pytest
from cli_runner import cli
from sqlalchemy import select

from dictionary_world import add_category, connect_all
from marketsync.db import session_scope
from marketsync.dictionaries.models import CategoryMapping


@pytest.fixture
def world(user, sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    found = connect_all(cli, sandbox_state, user, sqlite_engine)
    add_category(sqlite_engine, found.account_id, "Кастрюли")
    return found


def _mappings(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return {m.channel: m.target for m in session.scalars(select(CategoryMapping))}


@pytest.mark.parametrize(("channel", "target", "path"), [
    ("ozon", "17028922:91565", "Дом и сад / Посуда и кухонные принадлежности / Кастрюля"),
    ("wb", "1234", "Посуда и инвентарь / Кастрюли"),
    ("ym", "91611", "Дом и сад / Посуда / Кастрюли"),
])
def test_mapping_a_category_to_a_leaf_prints_it_and_stores_it(world, sqlite_engine, channel, target, path):
    code, out = cli("categories", "map", "--user", world.email, "--category", "Кастрюли", "--channel", channel,
                    "--to", target)

    assert code == 0, out
    assert out.strip() == f"mapped «Кастрюли» to {channel} {target} «{path}»"
    assert _mappings(sqlite_engine) == {channel: target}


def test_mapping_again_replaces_the_target(world, sqlite_engine):
    assert cli("categories", "map", "--user", world.email, "--category", "Кастрюли", "--channel", "ozon",
               "--to", "17028922:91565")[0] == 0
    code, out = cli("categories", "map", "--user", world.email, "--category", "Кастрюли", "--channel", "ozon",
                    "--to", "17028922:92499")

    assert code == 0, out
    assert _mappings(sqlite_engine) == {"ozon": "17028922:92499"}


@pytest.mark.parametrize(("category", "channel", "target", "expected"), [
    ("Сковороды", "ozon", "17028922:91565", "unknown category «Сковороды»: see your categories with "
                                            "`marketsync categories list --user EMAIL` or on /hub/categories"),
    ("Кастрюли", "avito", "1", "unknown channel «avito»: use one of ozon, wb, ym"),
    ("Кастрюли", "ozon", "91565", "«91565» is not a Ozon category id: Ozon takes DESCRIPTION_CATEGORY_ID:TYPE_ID"),
    ("Кастрюли", "wb", "17028922:91565", "is not a Wildberries category id"),
    ("Кастрюли", "ozon", "17028922:93080", "Ozon has no category 17028922:93080 in its dictionary"),
    ("Кастрюли", "ozon", "17028922:970895", "«Дом и сад / Посуда и кухонные принадлежности / Термос» is disabled"),
    ("Кастрюли", "wb", "424242", "Wildberries has no category 424242 in its dictionary"),
    ("Кастрюли", "ym", "91610", "Yandex Market category 91610 «Дом и сад / Посуда» is not a leaf"),
    ("Кастрюли", "ym", "1", "Yandex Market has no category 1 in its dictionary"),
])
def test_a_refused_mapping_says_why_in_one_line_and_stores_nothing(world, sqlite_engine, category, channel,
                                                                   target, expected):
    code, out = cli("categories", "map", "--user", world.email, "--category", category, "--channel", channel,
                    "--to", target)

    assert code == 1, out
    assert expected in out and len(out.strip().splitlines()) == 1, out
    assert _mappings(sqlite_engine) == {}


def test_an_unconnected_marketplace_and_an_unknown_user_are_refused(user, sqlite_engine, sandbox_state):
    from marketsync.accounts.service import account_for_email

    with session_scope(sqlite_engine) as session:
        account_id = account_for_email(session, user)
    add_category(sqlite_engine, account_id, "Кастрюли")

    code, out = cli("categories", "map", "--user", user, "--category", "Кастрюли", "--channel", "ozon",
                    "--to", "17028922:91565")
    assert code == 1 and "Ozon is not connected" in out and len(out.strip().splitlines()) == 1
    code, out = cli("categories", "map", "--user", "nobody@example.ru", "--category", "Кастрюли", "--channel",
                    "ozon", "--to", "17028922:91565")
    assert code == 1 and "nobody@example.ru" in out


def test_the_yandex_market_tree_is_asked_once_an_hour_however_often_categories_are_mapped(world, sandbox_state):
    sandbox_state.stats.reset()
    for target in ("91611", "91612", "91189", "777", "91611"):  # an unknown id would refetch, but not within the hour
        cli("categories", "map", "--user", world.email, "--category", "Кастрюли", "--channel", "ym", "--to", target)

    by_method = sandbox_state.stats.snapshot()["yandex_market"]["by_method"]
    assert by_method.get("getCategoriesTree") == 1


def test_categories_list_prints_each_category_with_its_mappings(world, sqlite_engine):
    add_category(sqlite_engine, world.account_id, "Ручки")
    cli("categories", "map", "--user", world.email, "--category", "Кастрюли", "--channel", "wb", "--to", "1234")

    code, out = cli("categories", "list", "--user", world.email)

    assert code == 0, out
    assert out.splitlines() == ["Кастрюли\tproducts=0\twb=1234", "Ручки\tproducts=0"]
