"""The overview's stock card: per connected marketplace, matched offers, those in error, offers without a
product and the last accepted push, each linked to the stock pages; no card before a marketplace is connected."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from stock_world import seed_stock_world


def _card(page: str, system: str) -> str:
    found = re.search(rf'<div class="col-md-4 stock-card" data-system="{system}">(.*?)</div>', page, re.S)
    assert found, f"no stock card for {system}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_the_overview_shows_each_marketplaces_stock_figures(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    seed_stock_world(sqlite_engine, seller)

    page = client.get("/").text

    assert "Остатки на маркетплейсах" in page
    assert _card(page, "ozon") == ("Ozon Сопоставлено предложений: 3 · С ошибкой: 1 · Предложения без товара: 2 "
                                   "Последняя принятая отправка: 01.03.2025 12:00")
    assert _card(page, "wildberries").startswith("Wildberries Сопоставлено предложений: 1 · С ошибкой: 0 ")
    assert 'href="/stocks?marketplace=ozon&amp;state=error"' in page


def test_no_stock_card_without_a_marketplace(client: TestClient, seller: int) -> None:
    assert "Остатки на маркетплейсах" not in client.get("/").text
