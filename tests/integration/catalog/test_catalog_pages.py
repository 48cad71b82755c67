"""Catalog pages: stores, groups and products of the seller's own cabinet, and the publish switches."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.db import session_scope
from marketsync.sync.filters import load_scope

AddStore = Callable[..., dict[str, int]]


def test_store_list_shows_counts_the_switch_and_the_unpaid_badge(client: TestClient, seller: int,
                                                                 add_store: AddStore) -> None:
    add_store(seller, name="Кофейня", groups=2, products_per_group=3)
    add_store(seller, name="Склад", groups=1, products_per_group=1, unpaid=True)
    page = client.get("/catalog/stores")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "Кофейня" in page.text and "Склад" in page.text
    assert "Не оплачен" in page.text
    assert ">6</a>" in page.text  # products of the first store
    assert "Выключено" in page.text


def test_catalog_opens_on_the_store_list(client: TestClient, seller: int) -> None:
    response = client.get("/catalog")
    assert response.status_code == 303 and response.headers["location"] == "/catalog/stores"


def test_no_stores_yet_points_to_the_connections(client: TestClient, seller: int) -> None:
    page = client.get("/catalog/stores")
    assert "Эвотор не подключён" in page.text and 'href="/connections"' in page.text


def test_switching_a_store_on_publishes_all_its_groups(client: TestClient, seller: int, add_store: AddStore,
                                                       sqlite_engine: Engine) -> None:
    ids = add_store(seller)
    response = submit(client, f"/catalog/stores/{ids['store']}/toggle", {"enabled": "1"})
    assert response.status_code == 303 and response.headers["location"] == "/catalog/stores"
    with session_scope(sqlite_engine) as session:
        scope = load_scope(session, seller)
    store_ext = f"store-{seller}-Кофейня на Ленина"
    assert scope.store_enabled(store_ext)
    assert scope.group_enabled(store_ext, "g0") and scope.group_enabled(store_ext, "g1")
    assert "будет публиковаться" in client.get("/catalog/stores").text

    submit(client, f"/catalog/stores/{ids['store']}/toggle", {"enabled": "0"})
    with session_scope(sqlite_engine) as session:
        assert not load_scope(session, seller).store_enabled(store_ext)


def test_switching_one_group_changes_only_that_group(client: TestClient, seller: int, add_store: AddStore,
                                                     sqlite_engine: Engine) -> None:
    ids = add_store(seller)
    store_ext = f"store-{seller}-Кофейня на Ленина"
    response = submit(client, f"/catalog/stores/{ids['store']}/groups/{ids['group1']}/toggle", {"enabled": "1"})
    assert response.headers["location"] == f"/catalog/stores/{ids['store']}/groups"
    with session_scope(sqlite_engine) as session:
        scope = load_scope(session, seller)
    assert scope.store_enabled(store_ext)
    assert scope.group_enabled(store_ext, "g1") and not scope.group_enabled(store_ext, "g0")

    submit(client, f"/catalog/stores/{ids['store']}/groups/{ids['group1']}/toggle", {"enabled": "0"})
    with session_scope(sqlite_engine) as session:
        assert not load_scope(session, seller).group_enabled(store_ext, "g1")
    page = client.get(f"/catalog/stores/{ids['store']}/groups")
    assert "Группа 0" in page.text and "Группа 1" in page.text


def test_a_switch_with_a_strange_value_changes_nothing(client: TestClient, seller: int, add_store: AddStore,
                                                       sqlite_engine: Engine) -> None:
    ids = add_store(seller)
    assert submit(client, f"/catalog/stores/{ids['store']}/toggle", {"enabled": "yes"}).status_code == 400
    with session_scope(sqlite_engine) as session:
        assert not load_scope(session, seller).stores


def test_products_are_listed_50_a_page_and_filtered_by_group(client: TestClient, seller: int,
                                                             add_store: AddStore) -> None:
    ids = add_store(seller, groups=2, products_per_group=40)
    first = client.get(f"/catalog/stores/{ids['store']}/products")
    assert first.status_code == 200
    assert first.text.count("<tr>") == 51  # header + 50 rows
    assert "1\u00a0234,50\u00a0₽" in first.text
    assert "1–50 из 80" in first.text
    second = client.get(f"/catalog/stores/{ids['store']}/products?page=2")
    assert second.text.count("<tr>") == 31
    grouped = client.get(f"/catalog/stores/{ids['store']}/products?group=g1")
    assert "Товар 1-000" in grouped.text and "Товар 0-000" not in grouped.text
    assert client.get(f"/catalog/stores/{ids['store']}/products?page=abc").status_code == 200


def test_another_cabinets_store_is_not_found(client: TestClient, seller: int, add_store: AddStore,
                                             make_seller: Callable[..., tuple[int, int]]) -> None:
    _other_user, other_account = make_seller("other@example.ru")
    theirs = add_store(other_account, name="Чужой магазин")
    store, group = theirs["store"], theirs["group0"]
    for path in (f"/catalog/stores/{store}/groups", f"/catalog/stores/{store}/products"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Страница не найдена" in response.text
    assert submit(client, f"/catalog/stores/{store}/toggle", {"enabled": "1"}).status_code == 404
    assert submit(client, f"/catalog/stores/{store}/groups/{group}/toggle", {"enabled": "1"}).status_code == 404
    assert "Чужой магазин" not in client.get("/catalog/stores").text


def test_a_group_of_another_store_cannot_be_switched_through_mine(
        client: TestClient, seller: int, add_store: AddStore, make_seller: Callable[..., tuple[int, int]]) -> None:
    mine = add_store(seller)
    _other_user, other_account = make_seller("other@example.ru")
    theirs = add_store(other_account, name="Чужой магазин")
    url = f"/catalog/stores/{mine['store']}/groups/{theirs['group0']}/toggle"
    assert submit(client, url, {"enabled": "1"}).status_code == 404


def test_the_english_switch_shows_english_text(client: TestClient, seller: int, add_store: AddStore) -> None:
    add_store(seller)
    page = client.get("/catalog/stores")
    assert "Магазины Эвотор" in page.text and 'href="/lang/en?next=/catalog/stores"' in page.text
    response = client.get("/lang/en?next=/catalog/stores")
    assert response.status_code == 303 and response.headers["location"] == "/catalog/stores"
    page = client.get("/catalog/stores")
    assert "Evotor stores" in page.text and "Sign out" in page.text
    assert "Магазины Эвотор" not in page.text
    assert '<html lang="en">' in page.text
    client.get("/lang/ru")
    assert "Магазины Эвотор" in client.get("/catalog/stores").text


def test_the_language_switch_never_leads_to_another_site(client: TestClient) -> None:
    response = client.get("/lang/en?next=https://evil.example/")
    assert response.headers["location"] == "/"


def test_a_seller_sees_only_their_own_email_in_the_header(client: TestClient, seller: int,
                                                          make_seller: Callable[..., tuple[int, int]]) -> None:
    make_seller("other@example.ru")
    page = client.get("/catalog/stores")
    assert "seller@example.ru" in page.text and "other@example.ru" not in page.text
    client.cookies.clear()
    sign_in(client, "other@example.ru")
    assert "other@example.ru" in client.get("/catalog/stores").text


def test_products_without_a_group_have_their_own_switch(client: TestClient, seller: int, add_store: AddStore,
                                                        sqlite_engine: Engine) -> None:
    from marketsync.catalog.models import Product

    ids = add_store(seller, groups=1)
    store_ext = f"store-{seller}-Кофейня на Ленина"
    with session_scope(sqlite_engine) as session:
        for n in range(2):
            session.add(Product(account_id=seller, connection_id=ids["connection"], store_external_id=store_ext,
                                external_id=f"loose-{n}", name=f"Товар без группы {n}", allow_to_sell=True))
    page = client.get(f"/catalog/stores/{ids['store']}/groups")
    assert "Без группы" in page.text and f"/catalog/stores/{ids['store']}/ungrouped/toggle" in page.text

    submit(client, f"/catalog/stores/{ids['store']}/toggle", {"enabled": "1", "all_groups": "1"})
    with session_scope(sqlite_engine) as session:
        assert load_scope(session, seller).group_enabled(store_ext, None), "all groups include the ungrouped"
    response = submit(client, f"/catalog/stores/{ids['store']}/ungrouped/toggle", {"enabled": "0"})
    assert response.headers["location"] == f"/catalog/stores/{ids['store']}/groups"
    with session_scope(sqlite_engine) as session:
        scope = load_scope(session, seller)
    assert not scope.group_enabled(store_ext, None) and scope.group_enabled(store_ext, "g0")
    assert "больше не будут публиковаться" in client.get(f"/catalog/stores/{ids['store']}/groups").text
