"""/hub/categories: our categories with their mapping per marketplace, a search over the cached dictionary that
maps one, the attribute matching with suggestions and corrections; another cabinet's categories are not there."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient

from browser import sign_in, submit
from dictionary_world import add_category, connect_marketplaces

PAN = {"sku": "PAN-1", "name": "Кастрюля Tefal", "vendor": "Rondel", "weight_kg": Decimal("1.2"),
       "params": {"Модель": "Cook"}}


def test_the_page_lists_categories_and_a_search_maps_one(client: TestClient, cabinet, sqlite_engine):
    category = add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])

    page = client.get("/hub/categories")
    assert page.status_code == 200 and "Кастрюли" in page.text
    found = client.get(f"/hub/categories?category={category}&channel=ozon&q=кастрюл")
    assert found.status_code == 200 and "Дом и сад / Посуда и кухонные принадлежности / Кастрюля" in found.text

    answer = submit(client, f"/hub/categories/{category}/map", {"channel": "ozon", "target": "17028922:91565"})
    assert answer.status_code == 303
    detail = client.get(answer.headers["location"])
    assert "17028922:91565" in detail.text
    assert "Rondel" in detail.text and "Rondell" in detail.text  # the suggestion for the unknown brand
    assert "Материал" in detail.text  # required and not filled

    saved = submit(client, "/hub/overrides", {"channel": "ozon", "kind": "value", "attribute_id": "85",
                                              "source": "Rondel", "target": "Rondell",
                                              "next": f"/hub/categories?category={category}"})
    assert saved.status_code == 303
    after = client.get(f"/hub/categories?category={category}")
    assert "rondel → Rondell" in after.text


def test_another_cabinets_category_is_not_found(client: TestClient, cabinet, sqlite_engine, sandbox_state,
                                                make_seller):
    ours = add_category(sqlite_engine, cabinet, "Кастрюли", [PAN])
    _user, other = make_seller(email="other@example.ru")
    connect_marketplaces(sqlite_engine, sandbox_state, other)
    theirs = add_category(sqlite_engine, other, "Секретная категория")

    assert "Секретная категория" not in client.get("/hub/categories").text
    assert client.get(f"/hub/categories?category={theirs}").status_code == 404
    assert submit(client, f"/hub/categories/{theirs}/map", {"channel": "wb", "target": "1234"}).status_code == 404
    assert submit(client, f"/hub/categories/{theirs}/unmap", {"channel": "wb"}).status_code == 404

    client.cookies.clear()
    sign_in(client, "other@example.ru")
    assert client.get(f"/hub/categories?category={ours}").status_code == 404


def test_the_page_needs_a_signed_in_user_and_forms_need_the_csrf_token(client: TestClient, cabinet, sqlite_engine):
    category = add_category(sqlite_engine, cabinet, "Кастрюли")
    refused = client.post(f"/hub/categories/{category}/map", data={"channel": "wb", "target": "1234"})
    assert refused.status_code == 403
    client.cookies.clear()
    assert client.get("/hub/categories").status_code in (302, 303, 401)
