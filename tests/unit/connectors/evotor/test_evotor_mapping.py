"""Evotor's product wire → the source record the catalog stores: article, quantity and barcodes kept."""

from __future__ import annotations

from decimal import Decimal

from marketsync.connectors.evotor.mapping import product_from_wire
from marketsync.connectors.evotor.schemas import ProductList


def test_a_product_keeps_its_article_quantity_and_barcodes() -> None:
    page = ProductList.model_validate({"items": [
        {"id": "p1", "name": "Сыр Ламбер", "price": 899.9, "code": "17", "article_number": " A-10001 ",
         "quantity": -2.5, "barcodes": ["4601234567893", " "], "allow_to_sell": True},
        {"id": "p2", "name": "Чай", "price": 99, "article_number": "", "quantity": 0},
        {"id": "p3", "name": "Доставка", "price": 300, "type": "SERVICE"},
    ]})

    lambert, tea, service = (product_from_wire(p, "store-1") for p in page.items)

    assert (lambert.article_number, lambert.code) == ("A-10001", "17")
    assert lambert.quantity == Decimal("-2.5"), "a negative stock is kept as Evotor reports it"
    assert lambert.barcodes == ("4601234567893",), "a blank barcode would match anything: dropped"
    assert (tea.article_number, tea.quantity) == (None, Decimal("0"))
    assert (service.article_number, service.quantity, service.barcodes) == (None, None, ())
