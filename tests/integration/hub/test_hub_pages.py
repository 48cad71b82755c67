"""The hub's pages: the canonical catalog with each product's offers and the winner, search and paging, the
suppliers' priority and pack size, the price rule switch (CSRF-protected forms), and never another cabinet's."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import csrf_token, sign_in, submit
from hub_builders import offer, products, supplier
from marketsync.db import session_scope
from marketsync.hub.merge import merge_account

SKU = re.compile(r'<span class="fw-semibold hub-sku">([^<]+)</span>')


def _catalog(engine: Engine, account_id: int) -> tuple[int, int]:
    a = supplier(engine, account_id, "Альфа", priority=1)
    b = supplier(engine, account_id, "Бета", priority=2)
    offer(engine, a, "A-1", name="Чайник", price="1500.00", stock=3, barcodes=["4600000000011"], vendor_code="VT-1")
    offer(engine, b, "B-1", name="Чайник Vitek", price="1400.00", stock=10, barcodes=["4600000000011"])
    offer(engine, b, "B-2", name="Тостер", price="950.00", stock=7, vendor_code="TAT-3")
    with session_scope(engine) as session:
        merge_account(session, account_id=account_id)
    return a, b


def _row(page: str, sku: str) -> str:
    found = re.search(rf'<tr class="hub-product" data-sku="{re.escape(sku)}">.*?</tr>', page, re.S)
    assert found, f"no row for {sku}"
    return found.group(0)


def test_the_catalog_shows_each_product_with_its_offers_and_the_winner(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _catalog(sqlite_engine, seller)

    page = client.get("/hub/products")

    assert page.status_code == 200
    assert SKU.findall(page.text) == ["TAT-3", "VT-1"]
    kettle = _row(page.text, "VT-1")
    won = re.findall(r'<li class="hub-offer fw-semibold" data-won="1">(.*?)</li>', kettle, re.S)
    assert len(won) == 1 and "Бета" in won[0] and "B-1" in won[0], "the cheapest in stock won"
    assert "Альфа" in kettle and "A-1" in kettle and "4600000000011" in kettle
    assert "1\xa0400,00\xa0₽" in kettle, "the winner's price, in roubles"
    assert 'href="/hub/products"' in page.text and 'aria-current="page"' in page.text

    found = client.get("/hub/products?q=тостер")
    assert SKU.findall(found.text) == ["TAT-3"], "search by name, any case"
    assert SKU.findall(client.get("/hub/products?q=4600000000011").text) == ["VT-1"], "and by barcode"
    assert SKU.findall(client.get("/hub/products?per_page=25&sort=price&dir=desc").text) == ["VT-1", "TAT-3"]


def test_switching_the_rule_on_the_page_changes_the_winner(client: TestClient, seller: int,
                                                           sqlite_engine: Engine) -> None:
    _catalog(sqlite_engine, seller)
    client.get("/hub/suppliers")

    refused = client.post("/hub/settings/price-rule", data={"rule": "priority"})
    assert refused.status_code == 403, "a form without its CSRF token is refused"

    saved = submit(client, "/hub/settings/price-rule", {"rule": "priority"})

    assert saved.status_code == 303
    kettle = products(sqlite_engine, seller)["VT-1"]
    assert (kettle.price, kettle.stock) == (Decimal("1500.00"), 3), "Alpha ranks first"
    page = client.get("/hub/suppliers")
    assert 'id="rule-priority" value="priority" checked' in page.text


def test_a_suppliers_priority_and_pack_size_are_saved_and_applied(client: TestClient, seller: int,
                                                                  sqlite_engine: Engine) -> None:
    a, b = _catalog(sqlite_engine, seller)
    page = client.get("/hub/suppliers")
    assert page.status_code == 200
    assert page.text.index('data-name="Альфа"') < page.text.index('data-name="Бета"'), "ranked first, listed first"

    submit(client, f"/hub/suppliers/{b}", {"priority": "0", "pack_size": "2"})

    shown = products(sqlite_engine, seller)
    assert (shown["VT-1"].price, shown["VT-1"].stock) == (Decimal("700.00"), 20), "Beta sells pairs now"
    assert shown["VT-1-x2"].kind == "pack" and shown["VT-1-x2"].price == Decimal("1400.00")
    assert 'value="2"' in client.get("/hub/suppliers").text
    bad = submit(client, f"/hub/suppliers/{a}", {"priority": "первый", "pack_size": ""})
    assert bad.status_code == 303 and products(sqlite_engine, seller)["VT-1"].price == Decimal("700.00")


def test_another_cabinets_user_sees_none_of_it(client: TestClient, seller: int, sqlite_engine: Engine,
                                               make_seller: Callable[..., tuple[int, int]]) -> None:
    a, _b = _catalog(sqlite_engine, seller)
    make_seller(email="other@example.ru")
    client.cookies.clear()
    sign_in(client, "other@example.ru")

    catalog = client.get("/hub/products")
    suppliers = client.get("/hub/suppliers")
    forged = client.post(f"/hub/suppliers/{a}", data={"csrftoken": csrf_token(client), "priority": "7"})

    assert catalog.status_code == 200 and SKU.findall(catalog.text) == []
    assert suppliers.status_code == 200 and "Альфа" not in suppliers.text
    assert forged.status_code == 404
    with session_scope(sqlite_engine) as session:
        from marketsync.hub.models import Supplier

        assert session.get(Supplier, a).priority == 1, "another cabinet's supplier is not changed"


def test_the_pages_need_a_signed_in_user(client: TestClient) -> None:
    for path in ("/hub/products", "/hub/suppliers"):
        response = client.get(path)
        assert response.status_code in (303, 307, 401) and "hub-product" not in response.text
