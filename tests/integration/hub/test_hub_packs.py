"""Packs and bundles on SQLite, PostgreSQL and MariaDB: a pack supplier's offers make packs of the product they
name, a seller's rule makes a pack with its own article and barcode, a bundle's stock is the minimum over its
parts, and all of them follow the merge when their product or parts change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from hub_builders import cabinet, offer, products, supplier
from marketsync.db import session_scope
from marketsync.hub.merge import HubError, merge_supplier
from marketsync.hub.packs import make_bundle, make_pack


def _merge(engine: Engine, account_id: int, *supplier_ids: int) -> None:
    with session_scope(engine) as session:
        for supplier_id in supplier_ids:
            merge_supplier(session, account_id=account_id, supplier_id=supplier_id)


def test_a_pack_suppliers_offer_makes_a_pack_priced_by_the_supplier(engine: Engine) -> None:
    account_id = cabinet(engine)
    units = supplier(engine, account_id, "Розница")
    cases = supplier(engine, account_id, "Опт", pack_size=6)
    offer(engine, units, "W-1", name="Вода 0,5 л", price="40.00", stock=8, barcodes=["4600000000035"],
          vendor="Аква", vendor_code="AQ-05")
    offer(engine, cases, "CASE-1", name="Вода 0,5 л, упаковка", price="210.00", stock=3,
          barcodes=["4600000000035"])

    _merge(engine, account_id, units, cases)

    shown = products(engine, account_id)
    assert sorted(shown) == ["AQ-05", "AQ-05-x6"]
    water, pack = shown["AQ-05"], shown["AQ-05-x6"]
    assert water.offers == (f"{units}:W-1", f"{cases}:CASE-1"), "the pack supplier's offer names the product"
    # cheapest per unit in stock: the case at 35.00 a bottle, 18 bottles
    assert (water.price, water.stock, water.name) == (Decimal("35.00"), 18, "Вода 0,5 л")
    assert (pack.kind, pack.price, pack.stock) == ("pack", Decimal("210.00"), 3), "the supplier priced the pack"
    assert pack.name == "Вода 0,5 л, 6 шт."

    offer(engine, cases, "CASE-1", name="Вода 0,5 л, упаковка", price="210.00", stock=0,
          barcodes=["4600000000035"])
    _merge(engine, account_id, cases)

    shown = products(engine, account_id)
    assert (shown["AQ-05"].price, shown["AQ-05"].stock) == (Decimal("40.00"), 8)
    assert (shown["AQ-05-x6"].price, shown["AQ-05-x6"].stock) == (Decimal("240.00"), 1), \
        "no priced pack in stock: base price × 6, and 8 bottles make one pack"


def test_a_pack_rule_has_its_own_article_and_barcode_and_follows_its_product(engine: Engine) -> None:
    account_id = cabinet(engine)
    shop = supplier(engine, account_id, "Поставщик")
    offer(engine, shop, "S-1", name="Батарейка AA", price="25.50", stock=10, vendor="Duracell", vendor_code="AA")

    _merge(engine, account_id, shop)
    with session_scope(engine) as session:
        make_pack(session, account_id=account_id, product_sku="AA", pack_of=4, sku="AA-4", barcode="4600000000042")

    pack = products(engine, account_id)["AA-4"]
    assert (pack.kind, pack.price, pack.stock, pack.barcodes) == ("pack", Decimal("102.00"), 2, ["4600000000042"])

    offer(engine, shop, "S-1", name="Батарейка AA", price="30.00", stock=17, vendor="Duracell", vendor_code="AA")
    _merge(engine, account_id, shop)

    after = products(engine, account_id)["AA-4"]
    assert (after.price, after.stock) == (Decimal("120.00"), 4)
    assert after.updated_at > pack.updated_at
    with session_scope(engine) as session, pytest.raises(HubError):
        make_pack(session, account_id=account_id, product_sku="AA", pack_of=2, sku="AA-2", barcode="4600000000042")


def test_a_bundle_stock_is_the_minimum_over_its_parts(engine: Engine) -> None:
    account_id = cabinet(engine)
    shop = supplier(engine, account_id, "Поставщик")
    offer(engine, shop, "P-1", name="Ручка", price="30.00", stock=9, vendor_code="PEN")
    offer(engine, shop, "P-2", name="Тетрадь", price="50.00", stock=5, vendor_code="BOOK")
    _merge(engine, account_id, shop)

    with session_scope(engine) as session:
        make_bundle(session, account_id=account_id, sku="SCHOOL", name="Набор школьника",
                    parts={"PEN": 3, "BOOK": 1}, price=Decimal("160"))

    bundle = products(engine, account_id)["SCHOOL"]
    assert (bundle.kind, bundle.price, bundle.stock) == ("bundle", Decimal("160.00"), 3), "9 pens ÷ 3 = 3 sets"

    offer(engine, shop, "P-2", name="Тетрадь", price="50.00", stock=2, vendor_code="BOOK")
    _merge(engine, account_id, shop)
    assert products(engine, account_id)["SCHOOL"].stock == 2, "2 notebooks left: 2 sets"

    offer(engine, shop, "P-1", name="Ручка", price="30.00", stock=9, vendor_code="PEN", available=False)
    _merge(engine, account_id, shop)
    assert products(engine, account_id)["SCHOOL"].stock == 0, "no pens: no sets"
