"""One product's stock page: its quantity per store, its offers per marketplace (pushed, reported, errors) and
the chart of the amounts marketplaces accepted; keys with '/' or '#' reach it; another seller's key does not."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from marketsync.catalog.models import Product
from marketsync.db import session_scope
from marketsync.stocks.models import OfferRow, StockPush


def _chart(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="stock-chart-data">(.*?)</script>', page, re.S)
    assert found, "the page carries no chart data"
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_the_product_page_shows_stores_offers_and_the_history_chart(
        client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    page = client.get("/stocks/product?key=ART-1")

    assert page.status_code == 200
    text = page.text
    assert "Товар ART 1" in text and "Склад ART" in text and "В магазинах Эвотор" in text
    assert "OZ-ART-1" in text and "по артикулу" in text
    assert "Ни одно предложение этого маркетплейса не сопоставлено с товаром." in text, "Wildberries has none"
    chart = _chart(text)
    assert chart["labels"] == ["27.02.2025 12:00", "28.02.2025 12:00"]
    assert chart["series"] == [{"label": "Ozon", "data": [3, 5], "color": "#005bff"}]
    assert '<script src="/static/stocks.js" defer></script>' in text
    assert client.get("/static/stocks.js").status_code == 200


def test_a_refused_offer_shows_its_code_and_the_marketplaces_reports_apart(
        client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    refused = client.get("/stocks/ART-3").text
    reported = client.get("/stocks/ART-4").text

    assert "<code>TOO_MANY_REQUESTS</code> Too many updates of this offer" in refused
    assert "Отправок ещё не было." in refused
    assert re.search(r"У маркетплейса \(FBS\)</dt><dd class=\"col-6\">3</dd>", reported)
    assert re.search(r"FBO</dt><dd class=\"col-6\">12</dd>", reported)
    assert "резерв 1" in reported


def test_a_key_with_a_slash_or_a_hash_reaches_its_page_both_ways(
        client: TestClient, seller: int, stock_world: Callable[..., object], sqlite_engine: Engine) -> None:
    stock_world(seller)
    key = "CUP/2#blue"
    with session_scope(sqlite_engine) as session:
        session.execute(update(Product).where(Product.stock_key == "ART-2").values(stock_key=key))
        session.execute(update(OfferRow).where(OfferRow.product_key == "ART-2").values(product_key=key))
        session.execute(update(StockPush).where(StockPush.product_key == "ART-2").values(product_key=key))

    listing = client.get("/stocks?q=CUP").text
    by_query = client.get("/stocks/product?key=CUP%2F2%23blue")
    by_path = client.get("/stocks/CUP/2%23blue")

    assert 'href="/stocks/product?key=CUP%2F2%23blue"' in listing
    assert by_query.status_code == 200 and "Кружка синяя" in by_query.text
    assert by_path.status_code == 200 and "Кружка синяя" in by_path.text


def test_the_product_page_speaks_english(client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)
    client.get("/lang/en?next=/stocks")

    page = client.get("/stocks/product?key=ART-1")

    assert page.status_code == 200
    assert "In Evotor stores" in page.text and "Stock the marketplaces accepted" in page.text
    assert "article = offer id" in page.text


def test_an_unknown_key_is_not_found(client: TestClient, seller: int, stock_world: Callable[..., object]) -> None:
    stock_world(seller)

    assert client.get("/stocks/product?key=NO-SUCH").status_code == 404
    assert client.get("/stocks/product").status_code == 404
    assert client.get("/stocks/NO-SUCH").status_code == 404
