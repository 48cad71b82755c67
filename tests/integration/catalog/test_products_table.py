"""The products table of a store: search by name, article and barcode, sort, filters, page size, the last page,
stock and the product's VK item, and CSV/XLSX downloads of the whole filtered set, never another seller's."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.catalog.models import Product, Stock
from marketsync.connections.models import Connection
from marketsync.db import session_scope, utcnow
from marketsync.security import encrypt_json
from marketsync.sync.models import Binding, ChannelItem

AddStore = Callable[..., dict[str, int]]
ROW_NAME = re.compile(r"<td>(Товар [^<]+?)(?: <span|</td>)")


def _catalog(engine: Engine, account_id: int, add_store: AddStore, *, products: int = 120) -> int:
    """A store whose products have articles A-0000…, barcodes 46000…, prices 10, 20, … and stocks; return its id."""
    ids = add_store(account_id, groups=1, products_per_group=products)
    with session_scope(engine) as session:
        rows = session.scalars(select(Product).where(Product.account_id == account_id).order_by(Product.name))
        for n, product in enumerate(rows):
            product.sku = f"A-{n:04d}"
            product.barcodes = [f"46000{n:08d}", f"29{n:04d}"]
            product.price = Decimal(10 * (n + 1))
            product.quantity = Decimal(n)  # as the importer writes a stock: on the row and in stocks
            session.add(Stock(account_id=account_id, product_id=product.id, quantity=Decimal(n)))
    return ids["store"]


def _names(page: str) -> list[str]:
    return ROW_NAME.findall(page)


def _vk_item(engine: Engine, account_id: int, *, key: str, item_id: str, price: str, hidden: bool) -> None:
    with session_scope(engine) as session:
        conn = session.scalar(select(Connection).where(Connection.account_id == account_id,
                                                       Connection.system == "vk"))
        if conn is None:
            conn = Connection(account_id=account_id, system="vk", settings={"group_id": 777},
                              credentials_encrypted=encrypt_json({"token": "vk-token-123456", "group_id": 777}))
            session.add(conn)
            session.flush()
        common = {"account_id": account_id, "connection_id": conn.id}
        session.add(Binding(**common, kind="item", internal_id=key, external_id=item_id, payload_hash="x",
                            pushed_at=utcnow()))
        session.add(ChannelItem(**common, kind="item", external_id=item_id, name="VK", sku=key, price=Decimal(price),
                                hidden=hidden, album_ids=[], photo_url=f"https://sun.example/{item_id}.jpg",
                                url=f"https://vk.com/market-777?w=product-777_{item_id}"))  # as the channel gives it


def test_products_are_found_by_article_by_barcode_and_by_name_in_any_case(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=30)
    url = f"/catalog/stores/{store}/products"
    assert _names(client.get(f"{url}?q=a-0007").text) == ["Товар 0-007"]
    assert _names(client.get(f"{url}?q=4600000000012").text) == ["Товар 0-012"]
    assert _names(client.get(f"{url}?q=290021").text) == ["Товар 0-021"]  # the second barcode counts too
    assert len(_names(client.get(f"{url}?q=тОВАР 0-01").text)) == 10
    nothing = client.get(f"{url}?q=нет такого")
    assert _names(nothing.text) == [] and "Ничего не найдено" in nothing.text


def test_products_sort_by_price_both_ways_and_by_stock(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=30)
    url = f"/catalog/stores/{store}/products"
    cheap_first = client.get(f"{url}?sort=price&dir=asc")
    assert _names(cheap_first.text)[:2] == ["Товар 0-000", "Товар 0-001"]
    dear_first = client.get(f"{url}?sort=price&dir=desc")
    assert _names(dear_first.text)[:2] == ["Товар 0-029", "Товар 0-028"]
    assert "300,00\u00a0₽" in dear_first.text
    # The price heading now sorts the other way, and says how the rows are sorted.
    assert f'href="{url}?sort=price"' in dear_first.text
    assert 'aria-sort="descending"' in dear_first.text
    assert _names(client.get(f"{url}?sort=stock&dir=desc").text)[0] == "Товар 0-029"


def test_the_pager_leads_to_the_last_page_and_keeps_the_search_and_the_page_size(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=120)
    url = f"/catalog/stores/{store}/products"
    first = client.get(f"{url}?q=товар&per_page=25&sort=price")
    assert len(_names(first.text)) == 25
    last_link = f'href="{url}?q=%D1%82%D0%BE%D0%B2%D0%B0%D1%80&amp;sort=price&amp;per_page=25&amp;page=5"'
    assert last_link in first.text
    last = client.get(f"{url}?q=товар&per_page=25&sort=price&page=5")
    assert _names(last.text)[-1] == "Товар 0-119" and len(_names(last.text)) == 20
    assert "101–120 из 120" in last.text
    # A page past the end shows the last one.
    assert _names(client.get(f"{url}?per_page=25&page=99").text)[-1] == "Товар 0-119"


def test_bad_table_parameters_fall_back_to_the_defaults(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=60)
    url = f"/catalog/stores/{store}/products"
    for query in ("sort=password&dir=sideways", "per_page=100000", "per_page=-1", "per_page=abc", "page=-5",
                  "group=../../etc", "sale=maybe", "vk=everywhere", "sort=price;drop table products",
                  "q=" + "%" * 1000, "page=99999999999999999999"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, query
    assert _names(client.get(f"{url}?sort=nonsense&per_page=7").text)[:1] == ["Товар 0-000"]
    assert len(_names(client.get(f"{url}?per_page=100000").text)) == 50
    assert len(_names(client.get(f"{url}?per_page=100").text)) == 60
    assert _names(client.get(f"{url}?q=%25").text) == []  # a LIKE wildcard is searched for, not a wildcard


def test_a_row_shows_stock_barcode_and_its_vk_item_with_a_link(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=3)
    _vk_item(sqlite_engine, seller, key="A-0001", item_id="9001", price="99.90", hidden=False)
    _vk_item(sqlite_engine, seller, key="A-0002", item_id="9002", price="120", hidden=True)
    url = f"/catalog/stores/{store}/products"
    page = client.get(url).text
    assert "4600000000001" in page and "A-0001" in page
    assert "99,90\u00a0₽" in page and "https://sun.example/9001.jpg" in page
    assert 'href="https://vk.com/market-777?w=product-777_9001"' in page
    assert "Виден покупателям" in page and "Скрыт<" in page and "Нет во ВКонтакте" in page
    assert _names(client.get(f"{url}?vk=hidden").text) == ["Товар 0-002"]
    assert _names(client.get(f"{url}?vk=absent").text) == ["Товар 0-000"]


def test_csv_export_has_every_filtered_row_in_order_and_opens_in_excel(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=120)
    _vk_item(sqlite_engine, seller, key="A-0003", item_id="9003", price="55", hidden=False)
    response = client.get(f"/catalog/stores/{store}/products/export.csv?q=товар 0-0&sort=price&dir=desc")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["content-disposition"])
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8 Cyrillic
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Название", "Артикул", "Штрихкоды"]
    rows = lines[1:]
    assert len(rows) == 100  # "Товар 0-0xx": all 100 of them, not the first page's 50
    assert rows[0][0] == "Товар 0-099" and rows[-1][0] == "Товар 0-000"
    vk_row = next(r for r in rows if r[1] == "A-0003")
    assert vk_row[2] == "4600000000003, 290003" and vk_row[6] == "55.00"
    assert vk_row[8] == "https://vk.com/market-777?w=product-777_9003"


def test_xlsx_export_opens_with_every_row(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine, tmp_path: object) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=70)
    response = client.get(f"/catalog/stores/{store}/products/export.xlsx?sort=sku")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Название", "Артикул")
    assert len(values) == 71
    assert values[1][:2] == ("Товар 0-000", "A-0000") and values[-1][1] == "A-0069"
    assert values[5][5] == 50  # the price is a number Excel can sum


def test_another_sellers_products_never_appear_in_a_page_or_an_export(
        client: TestClient, seller: int, add_store: AddStore, sqlite_engine: Engine,
        make_seller: Callable[..., tuple[int, int]]) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=5)
    _user, other = make_seller("other@example.ru")
    other_store = add_store(other, name="Чужой магазин", groups=1, products_per_group=5)["store"]
    with session_scope(sqlite_engine) as session:
        for product in session.scalars(select(Product).where(Product.account_id == other)):
            product.name, product.sku, product.barcodes = f"Чужой {product.external_id}", "A-0001", ["4600000000001"]
    _vk_item(sqlite_engine, other, key="A-0001", item_id="6666", price="1", hidden=False)
    url = f"/catalog/stores/{store}/products"
    for query in ("", "?q=A-0001", "?q=4600000000001", "?per_page=200"):
        page = client.get(url + query).text
        assert "Чужой" not in page and "6666" not in page
    for fmt in ("csv", "xlsx"):
        export = client.get(f"{url}/export.{fmt}?q=A-000")
        assert export.status_code == 200
        assert "Чужой".encode() not in export.content and b"6666" not in export.content
        assert client.get(f"/catalog/stores/{other_store}/products/export.{fmt}").status_code == 404
    lines = list(csv.reader(io.StringIO(client.get(f"{url}/export.csv").content.decode("utf-8-sig"))))
    assert len(lines) == 6


def test_an_export_needs_a_signed_in_seller(client: TestClient, add_store: AddStore,
                                            make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, account = make_seller()
    store = add_store(account)["store"]
    response = client.get(f"/catalog/stores/{store}/products/export.csv")
    assert response.status_code in {303, 401} and b"1234.50" not in response.content


def test_an_xlsx_export_leaves_no_file_behind(client: TestClient, seller: int, add_store: AddStore,
                                              sqlite_engine: Engine) -> None:
    store = _catalog(sqlite_engine, seller, add_store, products=3)
    before = set(Path(tempfile.gettempdir()).glob("marketsync-export-*"))
    assert client.get(f"/catalog/stores/{store}/products/export.xlsx").status_code == 200
    assert client.head(f"/catalog/stores/{store}/products/export.xlsx").status_code in {200, 405}
    assert set(Path(tempfile.gettempdir()).glob("marketsync-export-*")) == before
