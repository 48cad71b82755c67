"""VK market pages: the albums and items cached from the seller's own community."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.sync.models import ChannelItem


def _vk_market(engine: Engine, account_id: int, *, items: int = 3, group_id: int = 777) -> None:
    with session_scope(engine) as session:
        conn = Connection(account_id=account_id, system="vk", settings={"group_id": group_id},
                          credentials_encrypted=encrypt_json({"token": "vk-token-123456", "group_id": group_id}))
        session.add(conn)
        session.flush()
        common = {"account_id": account_id, "connection_id": conn.id}
        session.add(ChannelItem(**common, kind="album", external_id="12", name="Напитки", item_count=items))
        session.add(ChannelItem(**common, kind="album", external_id="123", name="Выпечка", item_count=1))
        for n in range(items):
            session.add(ChannelItem(**common, kind="item", external_id=f"9{n}", name=f"Капучино {n:03d}",
                                    price=Decimal("250"), stock_amount=1000, hidden=n == 0, album_ids=["12"],
                                    photo_url=f"https://sun.example/photo{n}.jpg"))
        session.add(ChannelItem(**common, kind="item", external_id="500", name="Круассан", price=Decimal("120"),
                                stock_amount=5, album_ids=["123"]))


def test_without_vk_the_page_asks_to_connect(client: TestClient, seller: int) -> None:
    assert client.get("/vk-catalog").headers["location"] == "/vk-catalog/albums"
    page = client.get("/vk-catalog/albums")
    assert page.status_code == 200 and "ВКонтакте не подключён" in page.text


def test_albums_are_listed_with_their_item_counts(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _vk_market(sqlite_engine, seller)
    page = client.get("/vk-catalog/albums")
    assert "Напитки" in page.text and "Выпечка" in page.text
    assert 'href="/vk-catalog/albums/12/products"' in page.text
    assert "всего товаров: 4" in page.text


def test_an_album_shows_only_its_own_items_with_price_stock_and_visibility(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _vk_market(sqlite_engine, seller)
    page = client.get("/vk-catalog/albums/12/products")
    assert page.status_code == 200
    assert "Капучино 000" in page.text and "Круассан" not in page.text
    assert "250,00\u00a0₽" in page.text and "https://sun.example/photo1.jpg" in page.text
    assert "Скрыт" in page.text and "Виден покупателям" in page.text
    assert "Капучино" not in client.get("/vk-catalog/albums/123/products").text


def test_album_items_are_paged(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _vk_market(sqlite_engine, seller, items=55)
    first = client.get("/vk-catalog/albums/12/products")
    assert "Капучино 049" in first.text and "Капучино 050" not in first.text
    second = client.get("/vk-catalog/albums/12/products?page=2")
    assert "Капучино 054" in second.text and "Капучино 000" not in second.text


def test_another_cabinets_album_is_not_found(client: TestClient, seller: int, sqlite_engine: Engine,
                                             make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, other_account = make_seller("other@example.ru")
    _vk_market(sqlite_engine, other_account)
    assert client.get("/vk-catalog/albums/12/products").status_code == 404
    assert "Напитки" not in client.get("/vk-catalog/albums").text
    _vk_market(sqlite_engine, seller, items=1)
    assert client.get("/vk-catalog/albums/99/products").status_code == 404
    assert client.get("/vk-catalog/albums/abc/products").status_code == 404
