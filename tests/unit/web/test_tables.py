"""Reading a table's URL state: every value checked, anything unknown is the default, and links carry only
what differs from the defaults (so old links such as ?group=…&page=2 keep their form)."""

from __future__ import annotations

import pytest

from marketsync.web.tables import TableSpec, parse_table, table_for

SPEC = TableSpec(sorts=("name", "price", "created"), default_sort="created", default_dir="desc",
                 filters={"status": ("active", "pending"), "group": None})


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ("", "created", "desc", {}, 1, 50)),
    ({"sort": "price"}, ("", "price", "asc", {}, 1, 50)),
    ({"sort": "price", "dir": "desc", "per_page": "200", "page": "3"}, ("", "price", "desc", {}, 3, 200)),
    ({"sort": "password", "dir": "up", "per_page": "1000", "page": "-4"}, ("", "created", "desc", {}, 1, 50)),
    ({"per_page": "abc", "page": "x"}, ("", "created", "desc", {}, 1, 50)),
    ({"q": "  чай  ", "status": "active", "group": "g1"},
     ("чай", "created", "desc", {"status": "active", "group": "g1"}, 1, 50)),
    ({"status": "deleted", "group": "x" * 500}, ("", "created", "desc", {}, 1, 50)),
    ({"q": "a" * 1000}, ("a" * 200, "created", "desc", {}, 1, 50)),
])
def test_a_bad_value_means_the_default(params: dict[str, str], expected: tuple[object, ...]) -> None:
    table = parse_table(params, SPEC)
    assert (table.q, table.sort, table.dir, dict(table.filters), table.page, table.per_page) == expected


def test_links_keep_the_state_but_not_the_defaults() -> None:
    query = parse_table({"q": "чай", "status": "active", "sort": "price", "per_page": "25"}, SPEC)
    table = table_for(query, SPEC, total=100, page=2, base_url="/list", export_url_base="/list/export")
    assert table.pager.url(4) == "/list?q=%D1%87%D0%B0%D0%B9&status=active&sort=price&per_page=25&page=4"
    assert table.pager.pages == 4
    # Sorting by the sorted column turns it round; another column starts in its own first direction.
    assert table.sort_url("price") == "/list?q=%D1%87%D0%B0%D0%B9&status=active&sort=price&dir=desc&per_page=25"
    assert table.sort_url("created") == "/list?q=%D1%87%D0%B0%D0%B9&status=active&per_page=25"
    assert table.sorted_as("price") == "ascending" and table.sorted_as("name") == "none"
    # An export has no pages: it takes the whole filtered set in the same order.
    assert table.export_url("csv") == "/list/export.csv?q=%D1%87%D0%B0%D0%B9&status=active&sort=price"
    plain = table_for(parse_table({}, SPEC), SPEC, total=0, page=1, base_url="/list")
    assert plain.pager.url(2) == "/list?page=2" and not plain.filtered


def test_a_table_may_name_its_search_box_and_offer_fewer_page_sizes() -> None:
    spec = TableSpec(sorts=("time",), default_sort="time", default_dir="desc", search="text", page_sizes=(25, 50),
                     filters={"connector": None})
    query = parse_table({"text": " vk ", "q": "ignored", "per_page": "200", "connector": "vk", "page": "3"}, spec)
    assert (query.q, query.per_page) == ("vk", 50)  # 200 is not offered here: the default
    table = table_for(query, spec, total=500, page=3, base_url="/log", export_url_base="/log/export")
    assert table.page_size_choices() == (25, 50)
    assert table.pager.url(4) == "/log?text=vk&connector=vk&page=4"
    assert table.export_url("csv") == "/log/export.csv?text=vk&connector=vk"
    # A fragment that keeps the page's whole state (the sync page's live block) and a link with a filter changed.
    assert table.query_string() == "text=vk&connector=vk&page=3"
    assert table.link(connector="") == "/log?text=vk"
    first = table_for(parse_table({}, spec), spec, total=0, page=1, base_url="/log")
    assert first.query_string() == "" and first.link(connector="ok") == "/log?connector=ok"
