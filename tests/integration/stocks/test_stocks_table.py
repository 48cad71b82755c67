"""The /stocks table: every matched product per marketplace with our stock, reserve, offered, pushed, what the
marketplace reports (FBS at our warehouse, FBO apart) and errors; search, filters, sort, CSV/XLSX of the whole
filtered set; Russian and English; never another seller's stock."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from browser import sign_in

ROW_KEY = re.compile(r'<a href="/stocks/product\?key=[^"]+" class="fw-semibold">([^<]+)</a>')


def _keys(client: TestClient, query: str = "") -> list[str]:
    page = client.get(f"/stocks{query}")
    assert page.status_code == 200, page.text
    return ROW_KEY.findall(page.text)


def _cells(page: str, key: str) -> list[str]:
    """The text of each cell of the row whose product is `key`."""
    row = re.search(rf'<tr>\s*<td><a href="/stocks/product\?key={re.escape(key)}".*?</tr>', page, re.S)
    assert row, f"no row for {key}"
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0),
                                                                              re.S)]


def test_each_product_shows_our_stock_the_reserve_what_was_pushed_and_what_the_marketplace_reports(
        client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    page = client.get("/stocks")

    assert page.status_code == 200
    assert "Остатки на маркетплейсах" in page.text and 'href="/stocks"' in page.text
    assert _keys(client) == ["ART-1", "ART-2", "ART-3", "ART-4"]
    # product, marketplace and offer, our stock, reserve, offered, pushed and when, FBS reported, FBO, state
    assert _cells(page.text, "ART-1")[1:8] == ["Ozon OZ-ART-1", "5", "0", "5", "5 01.03.2025 12:00", "5", "—"], \
        "the 40 units at the seller's other FBS warehouse are not ours; times are Moscow time"
    assert _cells(page.text, "ART-1")[8] == "Синхронизирован"
    assert _cells(page.text, "ART-3")[2] == "0", "a negative store quantity counts as 0"
    wb = _cells(page.text, "ART-4")
    assert wb[1:8] == ["Wildberries WB-ART-4", "7", "1", "6", "6 01.03.2025 12:00", "3", "12"]
    assert wb[8] == "Расходится с маркетплейсом"
    refused = _cells(page.text, "ART-3")[8]
    assert "Ошибка" in refused and "TOO_MANY_REQUESTS" in refused and "Too many updates of this offer" in refused
    assert "Ни разу не отправлен" in _cells(page.text, "ART-2")[8]


def test_the_stocks_page_speaks_english_when_chosen(client: TestClient, seller: int,
                                                    stock_world: Callable[..., object]) -> None:
    stock_world(seller)
    client.get("/lang/en?next=/stocks")

    page = client.get("/stocks")

    assert page.status_code == 200
    assert "Stocks on marketplaces" in page.text and "Sync stocks now" in page.text
    assert "Differs from the marketplace" in page.text and "Never pushed" in page.text
    assert "Остатки" not in page.text


def test_search_finds_a_product_by_key_name_or_offer_id(client: TestClient, seller: int,
                                                        stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    assert _keys(client, "?q=art-3") == ["ART-3"]
    assert _keys(client, "?q=кружка") == ["ART-2"], "names are searched case-insensitively, Cyrillic too"
    assert _keys(client, "?q=WB-ART") == ["ART-4"]
    assert _keys(client, "?q=nothing-like-this") == []


def test_filters_by_marketplace_and_state(client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    assert _keys(client, "?marketplace=wildberries") == ["ART-4"]
    assert _keys(client, "?marketplace=ozon") == ["ART-1", "ART-2", "ART-3"]
    assert _keys(client, "?state=ok") == ["ART-1"]
    assert _keys(client, "?state=error") == ["ART-3"]
    assert _keys(client, "?state=never") == ["ART-2"]
    assert _keys(client, "?state=differs") == ["ART-4"]
    assert _keys(client, "?state=bogus") == ["ART-1", "ART-2", "ART-3", "ART-4"], "an unknown value is no filter"


def test_sorts_by_a_column_both_ways(client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    assert _keys(client, "?sort=stock&dir=desc") == ["ART-4", "ART-1", "ART-3", "ART-2"]
    assert _keys(client, "?sort=offered") == ["ART-2", "ART-3", "ART-1", "ART-4"]
    assert _keys(client, "?sort=pushed")[-2:] == ["ART-2", "ART-3"], "never pushed sorts last"
    assert _keys(client, "?sort=key&dir=desc") == ["ART-4", "ART-3", "ART-2", "ART-1"]


def test_csv_export_holds_the_whole_filtered_set_with_russian_headings(
        client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    response = client.get("/stocks/export.csv?marketplace=ozon&sort=key&dir=desc&per_page=25")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.search(r'filename="stocks-\d{4}-\d{2}-\d{2}\.csv"', response.headers["content-disposition"])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Ключ товара", "Название", "Маркетплейс", "Артикул предложения"]
    assert [r[0] for r in rows[1:]] == ["ART-3", "ART-2", "ART-1"]
    refused = rows[1]
    assert refused[-2:] == ["TOO_MANY_REQUESTS", "Too many updates of this offer"]


def test_xlsx_export_opens_with_every_row(client: TestClient, seller: int,
                                          stock_world: Callable[..., object]) -> None:
    stock_world(seller)
    client.get("/lang/en?next=/stocks")

    response = client.get("/stocks/export.xlsx?state=differs")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Product key", "Name", "Marketplace"]
    assert [r[0] for r in rows[1:]] == ["ART-4"]
    assert rows[1][4:10] == [7, 1, 6, 6, 3, 12]


def test_another_sellers_stock_never_shows_nor_downloads(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], stock_world: Callable[..., object]) -> None:
    _owner, owner_account = make_seller("owner@example.ru")
    stock_world(owner_account, prefix="SECRET")
    _me, mine = make_seller("me@example.ru")
    stock_world(mine)
    sign_in(client, "me@example.ru")

    assert _keys(client) == ["ART-1", "ART-2", "ART-3", "ART-4"]
    assert _keys(client, "?q=SECRET") == []
    assert "SECRET" not in client.get("/stocks/export.csv").text
    assert client.get("/stocks/product?key=SECRET-1").status_code == 404
    assert client.get("/stocks/SECRET-1").status_code == 404
    assert "SECRET" not in client.get("/stocks/unmatched").text
    assert "SECRET" not in client.get("/stocks/unmatched/products").text


def test_without_a_marketplace_the_page_says_where_to_connect_one(client: TestClient, seller: int) -> None:
    page = client.get("/stocks")

    assert page.status_code == 200
    assert 'href="/connections"' in page.text and "Подключите Ozon, Wildberries или Яндекс Маркет" in page.text
    assert "Синхронизировать остатки сейчас" not in page.text
