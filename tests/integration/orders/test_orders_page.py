"""The /orders page a seller sees: today's totals, the chart per Moscow day, the table of orders, buyouts and
returns (times in Moscow time, search, filters, sort, pages), CSV/XLSX of the filtered set, Russian and English,
and never another cabinet's orders."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from browser import sign_in
from marketsync.orders.chart_service import msk_today
from order_builders import card, msk, order, sale

LINE = re.compile(r'<tr class="order-line" data-id="([^"]+)" data-kind="(\w+)" data-state="(\w+)">(.*?)</tr>', re.S)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _lines(client: TestClient, query: str = "") -> list[str]:
    page = client.get(f"/orders{query}")
    assert page.status_code == 200, page.text
    return [m.group(1) for m in LINE.finditer(page.text)]


def _cells(page: str, external_id: str) -> list[str]:
    row = next(m.group(4) for m in LINE.finditer(page) if m.group(1) == external_id)
    return [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def _chart(page: str) -> dict[str, list[int]]:
    """The chart's counts per series, by Moscow day (ISO date)."""
    raw = re.search(r'<script type="application/json" id="orders-chart-data">(.*?)</script>', page, re.S)
    assert raw, "the page has no chart data"
    data = json.loads(raw.group(1))
    return {s["key"]: dict(zip(data["days"], s["data"], strict=True)) for s in data["series"]}


def _today_card(page: str, name: str) -> str:
    card_html = re.search(rf'id="today-{name}">(.*?)</div></div>', page, re.S)
    assert card_html, name
    return _text(card_html.group(1))


def test_an_order_at_2330_moscow_is_shown_at_2330_and_counted_on_that_moscow_day(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    today = msk_today()
    yesterday = today - timedelta(days=1)
    late = order(sqlite_engine, seller, at=msk(yesterday.year, yesterday.month, yesterday.day, 23, 30))
    last_second = order(sqlite_engine, seller, at=msk(yesterday.year, yesterday.month, yesterday.day, 23, 59, 59))
    midnight = order(sqlite_engine, seller, at=msk(today.year, today.month, today.day, 0, 0), price="500.00")
    assert msk(today.year, today.month, today.day).replace(hour=21) - timedelta(days=1) == \
        msk(today.year, today.month, today.day, 0, 0), "00:00 MSK is 21:00 UTC the day before"

    page = client.get("/orders").text

    assert _cells(page, late)[0] == f"{yesterday:%d.%m.%Y} 23:30", "stored 20:30 UTC, shown in Moscow time"
    assert _cells(page, midnight)[0] == f"{today:%d.%m.%Y} 00:00"
    chart = _chart(page)
    assert chart["orders"][yesterday.isoformat()] == 2, "23:30 and 23:59:59 MSK belong to yesterday"
    assert chart["orders"][today.isoformat()] == 1, "00:00 MSK (21:00 UTC of the day before) belongs to today"
    assert _today_card(page, "orders").startswith("Заказов сегодня 1 500,00"), _today_card(page, "orders")
    assert _lines(client) == [midnight, last_second, late], "newest first"


def test_day_totals_count_orders_buyouts_cancellations_and_returns_of_today(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    now = msk_today()
    at = msk(now.year, now.month, now.day, 0, 5)
    order(sqlite_engine, seller, at=at, price="1200.00")
    order(sqlite_engine, seller, at=at, price="800.00", cancelled_at=at + timedelta(minutes=1))
    order(sqlite_engine, seller, at=at - timedelta(days=3), cancelled_at=at + timedelta(minutes=2))
    sale(sqlite_engine, seller, at=at, price="990.00")
    sale(sqlite_engine, seller, at=at, kind="return", price="450.00")
    sale(sqlite_engine, seller, at=at - timedelta(days=1), price="5.00")

    page = client.get("/orders").text

    assert _today_card(page, "orders") == "Заказов сегодня 2 2 000,00 ₽"
    assert _today_card(page, "buyouts") == "Выкупов сегодня 1 990,00 ₽"
    assert _today_card(page, "cancellations") == "Отмен сегодня 2", "by when it was cancelled, not ordered"
    assert _today_card(page, "returns") == "Возвратов сегодня 1 450,00 ₽"
    chart = _chart(page)
    assert chart["buyouts"][(now - timedelta(days=1)).isoformat()] == 1
    assert len(chart["orders"]) == 30, "the last 30 days by default"


def test_the_period_selector_sets_the_charts_days_and_links_keep_it(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    today = msk_today()
    order(sqlite_engine, seller, at=msk(today.year, today.month, today.day) - timedelta(days=20))

    page = client.get("/orders?period=7").text

    chart = _chart(page)
    assert len(chart["orders"]) == 7 and min(chart["orders"]) == (today - timedelta(days=6)).isoformat()
    assert sum(chart["orders"].values()) == 0, "20 days ago is outside the 7 days"
    assert '<option value="7" selected>7 дней</option>' in page
    assert 'href="/orders?period=7&amp;sort=price"' in page, "sorting keeps the period"
    assert sum(_chart(client.get("/orders?period=90").text)["orders"].values()) == 1
    assert len(_chart(client.get("/orders?period=1000").text)["orders"]) == 30, "an odd period is the default"


def test_each_line_names_the_operation_product_marketplace_price_and_place(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    card(sqlite_engine, seller, "1001", "Платье летнее")
    at = msk(2025, 11, 25, 14, 3)
    placed = order(sqlite_engine, seller, at=at, price="2490.00", size="M")
    dropped = order(sqlite_engine, seller, at=at - timedelta(hours=1), product_id="2002", article="ART-2",
                    cancelled_at=at + timedelta(hours=2))
    bought = sale(sqlite_engine, seller, at=at - timedelta(hours=2), price="2490.00", for_pay="2100.50")
    returned = sale(sqlite_engine, seller, at=at - timedelta(hours=3), kind="return", product_id=None)

    page = client.get("/orders").text

    assert _cells(page, placed) == ["25.11.2025 14:03", "Активный", "Платье летнее ART-1 · размер M",
                                    f"Wildberries {placed}", "2 490,00 ₽", "Коледино Московская область"]
    assert _cells(page, dropped)[1] == "Отменён отменён 25.11.2025 16:03"
    assert _cells(page, dropped)[2] == "ART-2 ART-2 · размер M", "no card: the article names it"
    assert _cells(page, bought)[1] == "Выкуп" and _cells(page, bought)[4] == "2 490,00 ₽ к перечислению 2 100,50 ₽"
    assert _cells(page, returned)[1] == "Возврат"
    assert 'active fw-semibold" href="/orders"' in page and '<a class="nav-link" href="/notifications">' in page


def test_filters_by_marketplace_operation_state_and_moscow_dates(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    day = msk(2025, 11, 25, 23, 30)  # 20:30 UTC
    active = order(sqlite_engine, seller, at=day)
    cancelled = order(sqlite_engine, seller, at=day - timedelta(days=1), cancelled_at=day)
    ozon = order(sqlite_engine, seller, at=day - timedelta(days=2), source="ozon")
    buyout = sale(sqlite_engine, seller, at=day + timedelta(hours=1))  # 00:30 MSK on the 26th
    ret = sale(sqlite_engine, seller, at=day - timedelta(days=3), kind="return")

    assert _lines(client, "?marketplace=ozon") == [ozon]
    assert _lines(client, "?kind=order") == [active, cancelled, ozon]
    assert _lines(client, "?kind=buyout") == [buyout]
    assert _lines(client, "?kind=return") == [ret]
    assert _lines(client, "?state=cancelled") == [cancelled]
    assert _lines(client, "?state=active&marketplace=wildberries") == [active]
    assert _lines(client, "?since=2025-11-25&until=2025-11-25") == [active], "the 25th in Moscow, 21:00 to 21:00 UTC"
    assert _lines(client, "?since=2025-11-26") == [buyout]
    assert _lines(client, "?since=not-a-date") == [buyout, active, cancelled, ozon, ret]
    assert _lines(client, "?kind=nonsense") == [buyout, active, cancelled, ozon, ret], "an unknown value is ignored"


def test_search_finds_by_article_product_name_or_id_and_sort_by_price(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    card(sqlite_engine, seller, "1001", "Платье летнее")
    at = msk(2025, 11, 25)
    dress = order(sqlite_engine, seller, at=at, price="300.00")
    cup = order(sqlite_engine, seller, at=at, article="CUP-7", product_id="3003", price="100.00")
    sold = sale(sqlite_engine, seller, at=at, article="CUP-7", product_id="3003", price="200.00")

    assert _lines(client, "?q=платье") == [dress], "names are searched case-insensitively, Cyrillic too"
    assert _lines(client, "?q=cup-7&sort=price&dir=asc") == [cup, sold]
    assert _lines(client, f"?q={sold}") == [sold]
    assert _lines(client, "?sort=price&dir=desc") == [dress, sold, cup]


def test_pages_of_the_mixed_list_follow_one_order(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    start = msk(2025, 11, 1)
    made = []
    for n in range(30):
        at = start + timedelta(hours=n)
        made.append(sale(sqlite_engine, seller, at=at) if n % 3 == 0 else order(sqlite_engine, seller, at=at))
    newest_first = made[::-1]

    first, second = _lines(client, "?per_page=25"), _lines(client, "?per_page=25&page=2")

    assert first + second == newest_first
    assert "26–30 из 30" in client.get("/orders?per_page=25&page=2").text


def test_csv_and_xlsx_exports_hold_the_whole_filtered_set_in_moscow_time(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    card(sqlite_engine, seller, "1001", "Платье летнее")
    late = order(sqlite_engine, seller, at=msk(2025, 11, 25, 23, 30), price="2490.00")
    sale(sqlite_engine, seller, at=msk(2025, 11, 24, 10), price="10.00")
    for n in range(60):
        order(sqlite_engine, seller, at=msk(2025, 11, 1) + timedelta(minutes=n), article=f"BULK-{n}")

    response = client.get("/orders/export.csv?kind=order&per_page=25")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.search(r'filename="orders-\d{4}-\d{2}-\d{2}\.csv"', response.headers["content-disposition"])
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Время (МСК)", "Операция", "Состояние", "Маркетплейс", "ID на маркетплейсе", "Артикул"]
    assert len(rows) == 1 + 61, "every page of the filtered set, no buyout"
    assert rows[1][:9] == ["25.11.2025 23:30", "Заказ", "Активный", "Wildberries", late, "ART-1", "1001",
                           "Платье летнее", "M"]
    assert rows[1][9] == "2490.00"

    xlsx = client.get("/orders/export.xlsx?kind=buyout")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][1] == "Выкуп" and values[1][0].strftime("%d.%m %H:%M") == "24.11 10:00"
    assert values[1][9] == 10.0 and values[1][10] == 870.0


def test_another_cabinets_orders_never_show(client: TestClient, seller: int, sqlite_engine: Engine,
                                             make_seller: Callable[..., tuple[int, int]]) -> None:
    _other_user, other = make_seller("other@example.ru")
    today = msk_today()
    at = msk(today.year, today.month, today.day, 0, 1)
    mine = order(sqlite_engine, seller, at=at, price="100.00")
    order(sqlite_engine, other, at=at, external_id="OTHER-ORDER", price="999.00")
    sale(sqlite_engine, other, at=at, external_id="OTHER-SALE")
    card(sqlite_engine, other, "1001", "Чужой товар")

    page = client.get("/orders").text

    assert _lines(client) == [mine]
    assert "OTHER" not in page and "Чужой товар" not in page
    assert _today_card(page, "orders") == "Заказов сегодня 1 100,00 ₽"
    assert _today_card(page, "buyouts").startswith("Выкупов сегодня 0")
    assert sum(_chart(page)["orders"].values()) == 1
    assert "OTHER" not in client.get("/orders/export.csv").text
    assert _lines(client, "?q=OTHER") == []


def test_the_orders_page_speaks_english_when_chosen(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    order(sqlite_engine, seller, at=msk(2025, 11, 25), cancelled_at=msk(2025, 11, 25, 13))
    client.get("/lang/en?next=/orders")

    page = client.get("/orders").text

    assert "Orders today" in page and "Per day, Moscow time" in page and "Cancelled" in page
    assert "30 days" in page and "Download CSV" in page
    assert "Заказов" not in page
    assert client.get("/orders/export.csv").text.lstrip("\ufeff").startswith("Time (Moscow),Operation,State")


def test_the_orders_page_asks_a_stranger_to_sign_in(client: TestClient, sqlite_engine: Engine,
                                                    make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller()

    assert client.get("/orders").headers["location"] == "/login?next=/orders"
    assert client.get("/orders/export.csv").status_code == 303
    sign_in(client)
    assert client.get("/orders").status_code == 200
