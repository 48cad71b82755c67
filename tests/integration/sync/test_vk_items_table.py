"""The VK album's item table: the article where an article belongs (never an Evotor id), search, sort by price,
the visibility filter, and a link to each item in VK."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from marketsync.catalog.models import Product
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.sync.models import ChannelItem

NAME = re.compile(r'title="Открыть во ВКонтакте">([^<]+)</a>')
UUID = "20170101-0000-4000-8000-00000000abcd"


def _market(engine: Engine, account_id: int) -> None:
    with session_scope(engine) as session:
        evotor = Connection(account_id=account_id, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        vk = Connection(account_id=account_id, system="vk", settings={"group_id": 777},
                        credentials_encrypted=encrypt_json({"token": "vk-token-123456", "group_id": 777}))
        session.add_all([evotor, vk])
        session.flush()
        # One product has an article; the other has none, so it went to VK under its Evotor id.
        session.add(Product(account_id=account_id, connection_id=evotor.id, store_external_id="s", external_id="e1",
                            sku="ART-77", name="Латте", price=Decimal("200")))
        session.add(Product(account_id=account_id, connection_id=evotor.id, store_external_id="s", external_id=UUID,
                            sku=None, name="Раф", price=Decimal("300")))
        common = {"account_id": account_id, "connection_id": vk.id, "kind": "item", "album_ids": ["12"]}

        def url(item_id: str) -> str:  # the address the channel gives each item at a refresh
            return f"https://vk.com/market-777?w=product-777_{item_id}"

        session.add(ChannelItem(account_id=account_id, connection_id=vk.id, kind="album", external_id="12",
                                name="Напитки"))
        session.add(ChannelItem(**common, external_id="901", name="Латте", sku="ART-77", price=Decimal("200"),
                                url=url("901")))
        session.add(ChannelItem(**common, external_id="902", name="Раф", sku=UUID, price=Decimal("300"), hidden=True,
                                url=url("902")))
        session.add(ChannelItem(**common, external_id="903", name="Какао", sku=None, price=Decimal("100"),
                                url=url("903")))


def test_items_show_the_article_never_an_evotor_id_and_link_to_vk(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _market(sqlite_engine, seller)
    page = client.get("/vk-catalog/albums/12/products").text
    assert "ART-77" in page and UUID not in page
    assert 'href="https://vk.com/market-777?w=product-777_902"' in page


def test_items_are_searched_sorted_by_price_and_filtered_by_visibility(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _market(sqlite_engine, seller)
    url = "/vk-catalog/albums/12/products"
    assert NAME.findall(client.get(f"{url}?sort=price").text) == ["Какао", "Латте", "Раф"]
    assert NAME.findall(client.get(f"{url}?sort=price&dir=desc").text) == ["Раф", "Латте", "Какао"]
    assert NAME.findall(client.get(f"{url}?q=art-77").text) == ["Латте"]
    assert NAME.findall(client.get(f"{url}?q=ЛАТ").text) == ["Латте"]
    assert NAME.findall(client.get(f"{url}?vk=hidden").text) == ["Раф"]
    assert client.get(f"{url}?sort=photo_url&vk=gone&per_page=0").status_code == 200


def test_the_album_downloads_with_articles_and_links_and_only_this_sellers_items(
        client: TestClient, seller: int, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _market(sqlite_engine, seller)
    _user, other = make_seller("other@example.ru")
    with session_scope(sqlite_engine) as session:
        vk = Connection(account_id=other, system="vk", settings={"group_id": 5},
                        credentials_encrypted=encrypt_json({"token": "vk-token-654321", "group_id": 5}))
        session.add(vk)
        session.flush()
        session.add(ChannelItem(account_id=other, connection_id=vk.id, kind="item", external_id="666",
                                name="Чужой чай", sku="ART-77", price=Decimal("1"), album_ids=["12"]))
    page = client.get("/vk-catalog/albums/12/products?sort=price&dir=desc")
    assert 'href="/vk-catalog/albums/12/products/export.csv?sort=price&amp;dir=desc"' in page.text
    response = client.get("/vk-catalog/albums/12/products/export.csv?sort=price&dir=desc")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r[:2] for r in lines[1:]] == [["Раф", ""], ["Латте", "ART-77"], ["Какао", ""]]
    assert lines[2][5] == "https://vk.com/market-777?w=product-777_901"
    sheet = load_workbook(io.BytesIO(client.get("/vk-catalog/albums/12/products/export.xlsx?vk=hidden").content),
                          read_only=True).active
    assert sheet is not None and [r[0] for r in sheet.iter_rows(values_only=True)][1:] == ["Раф"]
    assert client.get("/vk-catalog/albums/99/products/export.csv").status_code == 404
