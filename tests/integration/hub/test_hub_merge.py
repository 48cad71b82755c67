"""Merging suppliers' offers into one catalog on SQLite, PostgreSQL and MariaDB: overlapping catalogs linked by
barcode and by vendor + vendor code, a second merge that writes nothing, the price rule deciding the winner,
vanished offers, and another cabinet's identical barcodes never linked."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from hub_builders import cabinet, offer, products, supplier
from marketsync.db import session_scope
from marketsync.hub.catalog_service import set_price_rule
from marketsync.hub.merge import merge_account, merge_supplier
from marketsync.hub.models import HubCategory


def _merge(engine: Engine, account_id: int, *supplier_ids: int) -> None:
    with session_scope(engine) as session:
        for supplier_id in supplier_ids:
            merge_supplier(session, account_id=account_id, supplier_id=supplier_id)


def _overlapping(engine: Engine, account_id: int) -> tuple[int, int]:
    """Two suppliers: two goods shared by barcode, one by vendor + vendor code, one each of their own."""
    a = supplier(engine, account_id, "Альфа", priority=2)
    b = supplier(engine, account_id, "Бета", priority=1)
    offer(engine, a, "A-1", name="Чайник электрический", price="1500.00", stock=3, barcodes=["4600000000011"],
          vendor="Vitek", vendor_code="VT-7701", category="Кухня", pictures=["https://a.example/1.jpg"],
          params={"Мощность": "2200 Вт"})
    offer(engine, a, "A-2", name="Тостер", price="900.00", stock=0, barcodes=["4600000000028"], vendor="Bosch",
          vendor_code="TAT-3")
    offer(engine, a, "A-3", name="Миксер", price="2500.00", stock=4, vendor="Philips", vendor_code="HR 3705")
    offer(engine, a, "A-4", name="Блендер", price="3100.00", stock=1, vendor="Braun", vendor_code="MQ-10")
    offer(engine, b, "B-1", name="Чайник Vitek VT-7701", price="1400.00", stock=10,
          barcodes=["2900000000017", "4600000000011"], description="Стеклянная колба", category="Техника",
          params={"Объём": "1,7 л", "Мощность": "2000 Вт"})
    offer(engine, b, "B-2", name="Тостер Bosch", price="950.00", stock=7, barcodes=["4600000000028"])
    offer(engine, b, "B-3", name="Миксер Philips", price="2400.00", stock=2, vendor=" PHILIPS ",
          vendor_code="hr  3705")
    offer(engine, b, "B-4", name="Утюг", price="1800.00", stock=6, vendor_code="GC-1")
    return a, b


def test_two_overlapping_suppliers_make_one_product_per_good(engine: Engine) -> None:
    account_id = cabinet(engine)
    a, b = _overlapping(engine, account_id)

    _merge(engine, account_id, a, b)

    shown = products(engine, account_id)
    assert sorted(shown) == ["GC-1", "HR 3705", "MQ-10", "TAT-3", "VT-7701"], \
        "the vendor code is the article; shared goods are one product each"
    assert shown["VT-7701"].offers == (f"{a}:A-1", f"{b}:B-1"), "linked by the shared barcode"
    assert shown["TAT-3"].offers == (f"{a}:A-2", f"{b}:B-2")
    assert shown["HR 3705"].offers == (f"{a}:A-3", f"{b}:B-3"), "vendor + code, case and spaces aside"
    # cheapest in stock by default: Beta's kettle, and Beta's toaster (Alpha's is cheaper but out of stock)
    assert (shown["VT-7701"].price, shown["VT-7701"].stock) == (Decimal("1400.00"), 10)
    assert (shown["TAT-3"].price, shown["TAT-3"].stock) == (Decimal("950.00"), 7)
    assert shown["VT-7701"].name == "Чайник Vitek VT-7701", "the content comes from the winning offer"
    assert shown["VT-7701"].barcodes == ["2900000000017", "4600000000011"]
    with session_scope(engine) as session:
        kettle = merge_view(session, account_id, "VT-7701")
        assert kettle["params"] == {"Объём": "1,7 л", "Мощность": "2000 Вт"}
        assert kettle["pictures"] == ["https://a.example/1.jpg"], "a gap filled from the other supplier's offer"
        assert kettle["description"] == "Стеклянная колба" and kettle["category"] == "Техника"
        assert sorted(session.scalars(select(HubCategory.name).where(HubCategory.account_id == account_id))) == \
            ["Кухня", "Техника"]


def merge_view(session, account_id: int, sku: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Read one product's content fields."""
    from marketsync.hub.models import HubProduct

    product = session.scalar(select(HubProduct).where(HubProduct.account_id == account_id, HubProduct.sku == sku))
    category = session.get(HubCategory, product.category_id) if product.category_id else None
    return {"params": product.params, "pictures": product.pictures, "description": product.description,
            "category": category.name if category else None}


def test_a_second_merge_without_changes_writes_nothing(engine: Engine) -> None:
    account_id = cabinet(engine)
    a, b = _overlapping(engine, account_id)
    _merge(engine, account_id, a, b)
    before = products(engine, account_id)
    writes: list[str] = []

    def count(conn, cursor, statement: str, *args: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(engine) as session:
            counts = merge_supplier(session, account_id=account_id, supplier_id=a)
            counts.add(merge_supplier(session, account_id=account_id, supplier_id=b))
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert writes == []
    assert (counts.offers, counts.linked, counts.created, counts.updated) == (8, 0, 0, 0)
    assert products(engine, account_id) == before, "same hashes, same updated_at"


def test_switching_the_rule_to_priority_changes_the_winner(engine: Engine) -> None:
    account_id = cabinet(engine)
    a, b = _overlapping(engine, account_id)
    with session_scope(engine) as session:  # Alpha ranks first now
        set_supplier_priority(session, a, 1)
        set_supplier_priority(session, b, 5)
    _merge(engine, account_id, a, b)
    kettle = products(engine, account_id)["VT-7701"]

    with session_scope(engine) as session:
        set_price_rule(session, account_id=account_id, rule="priority")

    after = products(engine, account_id)
    assert (after["VT-7701"].price, after["VT-7701"].stock) == (Decimal("1500.00"), 3)
    assert after["VT-7701"].name == "Чайник электрический"
    assert after["VT-7701"].content_hash != kettle.content_hash and after["VT-7701"].updated_at > kettle.updated_at
    assert (after["TAT-3"].price, after["TAT-3"].stock) == (Decimal("950.00"), 7), \
        "Alpha's toaster is out of stock: the next supplier in stock wins"


def set_supplier_priority(session, supplier_id: int, priority: int) -> None:  # type: ignore[no-untyped-def]
    """Rank a supplier."""
    from marketsync.hub.models import Supplier

    session.get(Supplier, supplier_id).priority = priority


def test_an_offer_gone_from_the_suppliers_file_stops_counting(engine: Engine) -> None:
    account_id = cabinet(engine)
    a, b = _overlapping(engine, account_id)
    _merge(engine, account_id, a, b)
    offer(engine, b, "B-1", name="Чайник Vitek VT-7701", price="1400.00", stock=10, available=False,
          barcodes=["2900000000017", "4600000000011"])

    _merge(engine, account_id, b)

    kettle = products(engine, account_id)["VT-7701"]
    assert (kettle.price, kettle.stock) == (Decimal("1500.00"), 3), "Alpha's offer is the one in stock now"


def test_another_cabinets_identical_barcodes_never_link(engine: Engine) -> None:
    mine, theirs = cabinet(engine), cabinet(engine)
    a = supplier(engine, mine, "Альфа")
    c = supplier(engine, theirs, "Альфа")
    offer(engine, a, "X-1", barcodes=["4600000000011"], vendor="Vitek", vendor_code="VT-1", price="10.00")
    offer(engine, c, "X-1", barcodes=["4600000000011"], vendor="Vitek", vendor_code="VT-1", price="20.00")

    _merge(engine, mine, a)
    _merge(engine, theirs, c)
    with session_scope(engine) as session:
        merge_account(session, account_id=theirs)

    assert products(engine, mine)["VT-1"].offers == (f"{a}:X-1",)
    assert products(engine, theirs)["VT-1"].offers == (f"{c}:X-1",)
    assert products(engine, theirs)["VT-1"].price == Decimal("20.00")


def test_two_offers_of_one_supplier_never_share_a_product(engine: Engine) -> None:
    account_id = cabinet(engine)
    a = supplier(engine, account_id, "Альфа")
    b = supplier(engine, account_id, "Бета")
    offer(engine, a, "RED", name="Кружка красная", barcodes=["4600000000059"], price="300.00")
    offer(engine, a, "BLUE", name="Кружка синяя", barcodes=["4600000000059"], price="310.00")
    offer(engine, b, "MUG", name="Кружка", barcodes=["4600000000059"], price="290.00")

    _merge(engine, account_id, a, b)
    _merge(engine, account_id, a, b)

    shown = products(engine, account_id)
    assert {sku: p.offers for sku, p in shown.items()} == {"RED": (f"{a}:RED", f"{b}:MUG"), "BLUE": (f"{a}:BLUE",)}, \
        "the supplier's second offer is a good of its own; the other supplier's joins the barcode's product"
