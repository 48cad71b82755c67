"""The VK albums list as a data table: searched by name, sorted by name, item count or refresh time, paged, and
downloaded as CSV or XLSX with each album's item count; only the seller's own community's albums."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from marketsync.connections.models import Connection
from marketsync.db import session_scope, utcnow
from marketsync.security import encrypt_json
from marketsync.sync.models import ChannelItem

ALBUM = re.compile(r'href="/vk-catalog/albums/(\d+)/products" class="fw-semibold">([^<]+)</a>')


def _albums(engine: Engine, account_id: int, names: list[str], *, group_id: int = 777) -> None:
    """Give the seller a VK community whose album n holds n + 1 cached items, refreshed n hours ago."""
    with session_scope(engine) as session:
        conn = Connection(account_id=account_id, system="vk", settings={"group_id": group_id},
                          credentials_encrypted=encrypt_json({"token": "vk-token-123456", "group_id": group_id}))
        session.add(conn)
        session.flush()
        common = {"account_id": account_id, "connection_id": conn.id}
        for n, name in enumerate(names):
            album_id = str(100 + n)
            session.add(ChannelItem(**common, kind="album", external_id=album_id, name=name, item_count=50,
                                    refreshed_at=utcnow() - timedelta(hours=n)))
            session.add_all([ChannelItem(**common, kind="item", external_id=f"{album_id}{i}", name=f"Товар {i}",
                                         album_ids=[album_id]) for i in range(n + 1)])


def _shown(client: TestClient, url: str) -> list[str]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return [name for _id, name in ALBUM.findall(page.text)]


def test_albums_are_searched_sorted_and_paged(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _albums(sqlite_engine, seller, ["Напитки", "выпечка", "Десерты", "Завтраки"])
    assert _shown(client, "/vk-catalog/albums") == ["выпечка", "Десерты", "Завтраки", "Напитки"]  # by name
    assert _shown(client, "/vk-catalog/albums?sort=items&dir=desc") == ["Завтраки", "Десерты", "выпечка", "Напитки"]
    assert _shown(client, "/vk-catalog/albums?sort=updated") == ["Завтраки", "Десерты", "выпечка", "Напитки"]
    assert _shown(client, "/vk-catalog/albums?q=ВЫП") == ["выпечка"]
    assert "Подходящих подборок нет." in client.get("/vk-catalog/albums?q=мясо").text
    page = client.get("/vk-catalog/albums?sort=items&dir=desc")
    # Counts from the cached items (4, 3, 2, 1), not VK's own 50; the total is every cached item.
    assert re.findall(r'<td class="text-end">(\d+)</td>', page.text) == ["4", "3", "2", "1"]
    assert "всего товаров: 10" in page.text
    assert 'href="/vk-catalog/albums.csv?sort=items&amp;dir=desc"' in page.text


def test_many_albums_are_paged(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _albums(sqlite_engine, seller, [f"Подборка {n:02d}" for n in range(30)])
    assert len(_shown(client, "/vk-catalog/albums?per_page=25")) == 25
    assert _shown(client, "/vk-catalog/albums?per_page=25&page=2") == [f"Подборка {n}" for n in range(25, 30)]
    assert _shown(client, "/vk-catalog/albums?per_page=25&page=99")[-1] == "Подборка 29"  # too far: the last
    assert 'href="/vk-catalog/albums?per_page=25&amp;page=2"' in client.get("/vk-catalog/albums?per_page=25").text
    assert client.get("/vk-catalog/albums?sort=photo&dir=up&per_page=3").status_code == 200


def test_albums_download_with_their_counts_and_never_another_sellers(
        client: TestClient, seller: int, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _albums(sqlite_engine, seller, ["Напитки", "Выпечка"])
    _user, other = make_seller("other@example.ru")
    _albums(sqlite_engine, other, ["Чужая подборка"], group_id=5)
    assert "Чужая подборка" not in client.get("/vk-catalog/albums").text
    response = client.get("/vk-catalog/albums.csv?sort=items&dir=desc")
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="vk-albums-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["content-disposition"])
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0] == ["Подборка", "Товаров", "Обновлено", "ID подборки во ВКонтакте"]
    assert [(r[0], r[1], r[3]) for r in lines[1:]] == [("Выпечка", "2", "101"), ("Напитки", "1", "100")]
    sheet = load_workbook(io.BytesIO(client.get("/vk-catalog/albums.xlsx?q=напит").content), read_only=True).active
    assert sheet is not None
    assert [r[:2] for r in sheet.iter_rows(values_only=True)] == [("Подборка", "Товаров"), ("Напитки", 1)]


def test_without_vk_the_downloads_are_empty(client: TestClient, seller: int) -> None:
    lines = list(csv.reader(io.StringIO(client.get("/vk-catalog/albums.csv").content.decode("utf-8-sig"))))
    assert len(lines) == 1
