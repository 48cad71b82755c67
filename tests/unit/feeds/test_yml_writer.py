"""The YML writer's output as a reader gets it: it parses with lxml and passes the §9.4 structural check (which
itself catches broken files), escapes what needs escaping, and streams with memory that does not grow with the
number of offers."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from marketsync.feeds.yml_check import check_yml
from marketsync.feeds.yml_writer import Shop, YmlCategory, YmlOffer, write_yml

SHOP = Shop(name="Ромашка", company='ООО "Ромашка"', url="https://romashka.example.ru")
CATEGORIES = [YmlCategory(1, "Электроника"), YmlCategory(2, "Смартфоны", 1)]
MOMENT = datetime(2026, 12, 7, 11, 37, tzinfo=UTC)


def _offer(i: int) -> YmlOffer:
    return YmlOffer(id=f"SKU-{i:06d}", name=f"Смартфон «Модель {i}» 128 ГБ", price=Decimal("19990.5") + i,
                    category_id=2, available=i % 3 != 0, vendor="Ромашка", vendor_code=f"RM-{i}",
                    pictures=(f"https://img.example.ru/{i}/1.jpg", f"https://img.example.ru/{i}/2.jpg"),
                    description=f"Описание товара {i}: экран 6,1\", <b>быстрый</b> & надёжный",
                    barcodes=(f"46{i:011d}",), params=(("Цвет", "чёрный"), ("Память", "128 ГБ")),
                    weight_kg=Decimal("0.180"), dimensions_cm=(Decimal("15.00"), Decimal("7.5"), Decimal("0.8")),
                    count=i % 7)


def _offers(count: int) -> Iterator[YmlOffer]:
    return (_offer(i) for i in range(count))


def _write(path: Path, count: int = 3) -> bytes:
    with path.open("wb") as out:
        write_yml(out, shop=SHOP, categories=CATEGORIES, offers=_offers(count), generated_at=MOMENT)
    return path.read_bytes()


def test_the_feed_parses_and_passes_the_structural_check(tmp_path: Path) -> None:
    path = tmp_path / "feed.yml"
    data = _write(path)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<yml_catalog date="2026-12-07T14:37+03:00">')
    assert check_yml(path) == []
    root = etree.parse(str(path)).getroot()
    assert [child.tag for child in root.find("shop")] == ["name", "company", "url", "currencies", "categories",
                                                          "offers"]
    offer = root.find("shop/offers/offer")
    assert offer.get("id") == "SKU-000000" and offer.get("available") == "false"
    assert [child.tag for child in offer] == ["name", "vendor", "vendorCode", "price", "currencyId", "categoryId",
                                              "picture", "picture", "description", "barcode", "param", "param",
                                              "weight", "dimensions", "count"]
    assert offer.findtext("price") == "19990.50" and offer.findtext("currencyId") == "RUR"
    assert offer.findtext("description") == 'Описание товара 0: экран 6,1", <b>быстрый</b> & надёжный'
    assert offer.findtext("weight") == "0.18" and offer.findtext("dimensions") == "15/7.5/0.8"
    assert [(p.get("name"), p.text) for p in offer.findall("param")] == [("Цвет", "чёрный"), ("Память", "128 ГБ")]
    assert root.find("shop/categories/category[@id='2']").get("parentId") == "1"
    assert root.find("shop/company").text == 'ООО "Ромашка"'


def test_characters_xml_cannot_carry_are_dropped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "feed.yml"
    with path.open("wb") as out:
        write_yml(out, shop=SHOP, categories=CATEGORIES, generated_at=MOMENT, offers=[YmlOffer(
            id="A&B<1>", name="Чай\x0bзелёный\x00", price=Decimal("100"), category_id=1, description="a]]>b")])
    assert check_yml(path) == []
    offer = etree.parse(str(path)).getroot().find("shop/offers/offer")
    assert offer.get("id") == "A&B<1>" and offer.findtext("name") == "Чайзелёный"
    assert offer.findtext("description") == "a]]>b"


GOOD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<yml_catalog date="2026-12-07T14:37+03:00"><shop>'
        b"<name>S</name><company>C</company><url>https://s.ru</url>"
        b'<currencies><currency id="RUR" rate="1"/></currencies>'
        b'<categories><category id="1">A</category><category id="2" parentId="1">B</category></categories>'
        b'<offers><offer id="1" available="true"><name>N</name><price>10.50</price><currencyId>RUR</currencyId>'
        b"<categoryId>2</categoryId></offer></offers></shop></yml_catalog>")


@pytest.mark.parametrize(("old", "new", "problem"), [
    (b"", b"", None),
    (b'<?xml version="1.0" encoding="UTF-8"?>\n', b"\n", "declaration"),
    (b'date="2026-12-07T14:37+03:00"', b'date="2026-12-07 14:37"', "RFC 3339"),
    (b"<price>10.50</price>", b"<price>10,50</price>", "dot"),
    (b"<categoryId>2</categoryId>", b"<categoryId>7</categoryId>", "not among the categories"),
    (b"<categoryId>2</categoryId>", b"", "no categoryId"),
    (b'parentId="1"', b'parentId="9"', "parentId 9"),
    (b"</offer></offers>", b'</offer><offer id="1"><name>M</name><price>1</price><currencyId>RUR</currencyId>'
                           b"<categoryId>1</categoryId></offer></offers>", "not unique"),
    (b"<name>S</name><company>C</company>", b"<company>C</company><name>S</name>", "in order"),
    (b"</shop></yml_catalog>", b"</shop>", "well-formed"),  # a truncated file
    (b"<yml_catalog", b"<catalog", "not <yml_catalog>"),
    (b'<currency id="RUR"', b'<currency id="USD"', "currencyId"),
])
def test_the_structural_check_catches_a_broken_file(tmp_path: Path, old: bytes, new: bytes,
                                                    problem: str | None) -> None:
    path = tmp_path / "feed.yml"
    data = GOOD.replace(old, new, 1) if old else GOOD
    if problem == "not <yml_catalog>":
        data = data.replace(b"</yml_catalog>", b"</catalog>")
    path.write_bytes(data)
    problems = check_yml(path)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def _peak(count: int) -> int:
    tracemalloc.start()
    try:
        write_yml(_Null(), shop=SHOP, categories=CATEGORIES, offers=_offers(count),
                  generated_at=MOMENT)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Null:
    """A sink that drops what it is given: only the writer's own memory is measured."""

    def write(self, data: bytes) -> int:
        return len(data)


def test_writing_streams_with_memory_flat_in_the_number_of_offers() -> None:
    # tracemalloc sees every thread's allocations (a server thread another test left running): the least of three
    # runs is the writer's own peak.
    small, large = min(_peak(1_000) for _ in range(3)), min(_peak(10_000) for _ in range(3))
    # Ten times the offers: the peak stays the same order (a writer holding offers would take ~10x).
    assert large < small * 1.5 + 64_000, (small, large)


def test_a_written_feed_of_2000_offers_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "feed.yml"
    data = _write(path, 2_000)
    assert check_yml(path) == []
    assert len(re.findall(rb"<offer ", data)) == 2_000
