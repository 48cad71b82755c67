"""The unmatched pages: offers without a product with the reason in words, our products without an offer per
marketplace, and mapping by hand (validated against the enabled stores, never another seller's offer),
"not ours", and removing a mapping."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.catalog.models import Product
from marketsync.db import session_scope
from marketsync.stocks.models import StockMapping

OFFER = re.compile(r'<td class="text-nowrap">((?:FOREIGN|SIZE)-[A-Z]+)')


def _mappings(engine: Engine) -> list[tuple[int, str, str]]:
    with session_scope(engine) as session:
        return [(m.account_id, m.stock_key, m.product_key)
                for m in session.scalars(select(StockMapping).order_by(StockMapping.id))]


def _flash(client: TestClient, path: str) -> str:
    return re.sub(r"\s+", " ", client.get(path).text)


def test_offers_without_a_product_show_why_in_russian_and_english(
        client: TestClient, seller: int, stock_world: Callable[..., Any]) -> None:
    stock_world(seller)

    page = client.get("/stocks/unmatched")
    client.get("/lang/en?next=/stocks/unmatched")
    english = client.get("/stocks/unmatched")

    assert page.status_code == 200 and english.status_code == 200
    assert OFFER.findall(page.text) == ["FOREIGN-ART", "SIZE-ART"]
    assert "Ни у одного нашего товара нет такого артикула или штрихкода" in page.text
    assert "размеры сопоставляются только по штрихкоду" in page.text
    assert "No product of ours has this offer id or one of its barcodes" in english.text
    assert "Offers without a product" in english.text and "Предложения" not in english.text


def test_products_without_an_offer_are_listed_per_marketplace(
        client: TestClient, seller: int, stock_world: Callable[..., Any]) -> None:
    stock_world(seller)

    ozon = client.get("/stocks/unmatched/products")
    wb = client.get("/stocks/unmatched/products?marketplace=wildberries")
    client.get("/lang/en?next=/stocks")
    english = client.get("/stocks/unmatched/products?marketplace=wildberries")

    def keys(text: str) -> list[str]:
        return re.findall(r'<td><a href="/stocks/product\?key=[^"]+">([^<]+)</a></td>', text)

    assert keys(ozon.text) == ["ART-4"]
    assert keys(wb.text) == ["ART-1", "ART-2", "ART-3"]
    assert "Products without an offer" in english.text and keys(english.text) == ["ART-1", "ART-2", "ART-3"]


def test_a_mapping_is_saved_when_the_key_is_in_an_enabled_store_and_shown_until_removed(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    world = stock_world(seller)
    foreign = world.offers["FOREIGN-ART"]

    response = submit(client, f"/stocks/offers/{foreign}/map",
                      {"product_key": " ART-4 ", "next": "/stocks/unmatched?marketplace=ozon"})

    assert response.status_code == 303 and response.headers["location"] == "/stocks/unmatched?marketplace=ozon"
    assert _mappings(sqlite_engine) == [(seller, "FOREIGN-ART", "ART-4")]
    page = _flash(client, "/stocks/unmatched")
    assert "Предложение сопоставлено с «ART-4»" in page
    assert OFFER.findall(page) == ["SIZE-ART"], "a mapped offer leaves the list of offers to map"
    mappings = _flash(client, "/stocks/mappings")
    assert "FOREIGN-ART" in mappings and "Применится при следующей синхронизации" in mappings

    [mapping_id] = re.findall(r'action="/stocks/mappings/(\d+)/delete"', mappings)
    assert submit(client, f"/stocks/mappings/{mapping_id}/delete").status_code == 303
    assert _mappings(sqlite_engine) == []
    assert OFFER.findall(client.get("/stocks/unmatched").text) == ["FOREIGN-ART", "SIZE-ART"]


def test_a_key_no_enabled_store_sells_is_refused_and_nothing_is_saved(
        client: TestClient, seller: int, stock_world: Callable[..., Any], add_store: Callable[..., Any],
        sqlite_engine: Engine) -> None:
    world = stock_world(seller)
    add_store(seller, name="Закрытый магазин", groups=1, products_per_group=1)  # never enabled
    with session_scope(sqlite_engine) as session:
        session.execute(update(Product).where(Product.store_external_id.like("%Закрытый%"))
                        .values(stock_key="HIDDEN-1"))
    foreign = world.offers["FOREIGN-ART"]

    unknown = submit(client, f"/stocks/offers/{foreign}/map", {"product_key": "NOPE-1"})
    unknown_text = _flash(client, "/stocks/unmatched")
    hidden = submit(client, f"/stocks/offers/{foreign}/map", {"product_key": "HIDDEN-1"})
    hidden_text = _flash(client, "/stocks/unmatched")
    empty = submit(client, f"/stocks/offers/{foreign}/map", {"product_key": "  "})
    empty_text = _flash(client, "/stocks/unmatched")

    assert unknown.status_code == hidden.status_code == empty.status_code == 303
    assert "Во включённых магазинах нет товара с ключом «NOPE-1»." in unknown_text
    assert "Во включённых магазинах нет товара с ключом «HIDDEN-1»." in hidden_text
    assert "Введите ключ товара" in empty_text
    assert _mappings(sqlite_engine) == []


def test_one_product_is_mapped_to_one_offer_of_a_marketplace_at_most(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    world = stock_world(seller)
    submit(client, f"/stocks/offers/{world.offers['FOREIGN-ART']}/map", {"product_key": "ART-4"})

    response = submit(client, f"/stocks/offers/{world.offers['SIZE-ART']}/map", {"product_key": "ART-4"})

    assert response.status_code == 303
    assert "уже сопоставлен с предложением FOREIGN-ART" in _flash(client, "/stocks/unmatched")
    assert _mappings(sqlite_engine) == [(seller, "FOREIGN-ART", "ART-4")]


def test_an_offer_marked_not_ours_is_stored_as_such_and_listed_with_the_mappings(
        client: TestClient, seller: int, stock_world: Callable[..., Any], sqlite_engine: Engine) -> None:
    world = stock_world(seller)

    response = submit(client, f"/stocks/offers/{world.offers['SIZE-ART']}/map",
                      {"product_key": "ignored when not ours", "not_ours": "1"})

    assert response.status_code == 303
    assert _mappings(sqlite_engine) == [(seller, "SIZE-ART", "")]
    mappings = _flash(client, "/stocks/mappings")
    assert "SIZE-ART" in mappings and "Не наш" in mappings
    client.get("/lang/en?next=/stocks/mappings")
    english = _flash(client, "/stocks/mappings")
    assert "Mapped by hand" in english and "Not ours" in english and "Applies at the next stock sync" in english


def test_another_sellers_offer_and_mapping_are_out_of_reach(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], stock_world: Callable[..., Any],
        sqlite_engine: Engine) -> None:
    _owner, owner_account = make_seller("owner@example.ru")
    theirs = stock_world(owner_account, prefix="OWN")
    _me, mine = make_seller("me@example.ru")
    stock_world(mine)
    with session_scope(sqlite_engine) as session:
        session.add(StockMapping(account_id=owner_account, connection_id=theirs.ozon, stock_key="SIZE-OWN",
                                 product_key=""))
        mapping_id = session.scalar(select(StockMapping.id))
    sign_in(client, "me@example.ru")

    mapped = submit(client, f"/stocks/offers/{theirs.offers['FOREIGN-OWN']}/map", {"product_key": "ART-4"})
    removed = submit(client, f"/stocks/mappings/{mapping_id}/delete")

    assert mapped.status_code == 404 and removed.status_code == 404
    assert _mappings(sqlite_engine) == [(owner_account, "SIZE-OWN", "")]
    assert "OWN" not in client.get("/stocks/mappings").text
