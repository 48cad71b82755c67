"""The readers of supplier files: YML offers as written, DTDs and entities, CSV sniffing, column mappings."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from marketsync.hub.sources import SourceRefusedError, guess_format
from marketsync.hub.sources.csv_rows import read_csv
from marketsync.hub.sources.mapping import check_mapping
from marketsync.hub.sources.yml import read_yml

YML = """<?xml version="1.0" encoding="windows-1251"?>
<!DOCTYPE yml_catalog SYSTEM "shops.dtd">
<yml_catalog date="2026-12-07T10:00+03:00"><shop><name>Поставщик</name>
<categories><category id="1">Бытовая техника</category><category id="2" parentId="1">Чайники</category></categories>
<offers>
<offer id="T-1" type="vendor.model" available="false"><typePrefix>Чайник</typePrefix><vendor>Polaris</vendor>
<model>PWK 1712</model><price>1 990,00</price><currencyId>RUR</currencyId><categoryId>2</categoryId>
<picture>https://img.example.ru/1.jpg</picture><picture>https://img.example.ru/2.jpg</picture>
<vendorCode>PWK1712</vendorCode><barcode>4607001771210</barcode><barcode>96385074</barcode>
<description><![CDATA[<p>Стальной корпус</p>]]></description><param name="Объём" unit="л">1,7</param>
<param name="Цвет">белый</param><weight>1.2</weight><dimensions>22/16/25</dimensions><count>7</count></offer>
<!-- a comment between offers -->
<offer><name>Без кода</name><price>10</price></offer>
</offers></shop></yml_catalog>"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_yml_offers_are_read_with_every_field(tmp_path: Path) -> None:
    rows = list(read_yml(_write(tmp_path, "feed.yml", YML, "cp1251")))
    assert [r.position for r in rows] == ["T-1", "#2"]
    raw = rows[0].raw
    assert (raw.name, raw.price, raw.category, raw.available, raw.stock) == (
        "Чайник Polaris PWK 1712", "1 990,00", "Чайники", False, "7")
    assert raw.pictures == ["https://img.example.ru/1.jpg", "https://img.example.ru/2.jpg"]
    assert raw.barcodes == ["4607001771210", "96385074"] and raw.vendor_code == "PWK1712"
    assert raw.params == {"Объём": "1,7 л", "Цвет": "белый"} and raw.description == "<p>Стальной корпус</p>"
    assert (raw.weight, raw.length, raw.width, raw.height) == ("1.2", "22", "16", "25")


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE yml_catalog [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE yml_catalog [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>',
    '<!DOCTYPE yml_catalog [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
])
def test_any_entity_declaration_refuses_the_file_at_once(tmp_path: Path, doctype: str) -> None:
    path = _write(tmp_path, "evil.yml", f'<?xml version="1.0"?>{doctype}<yml_catalog><shop><offers>'
                  '<offer id="1"><name>x</name><price>1</price></offer></offers></shop></yml_catalog>')
    started = time.monotonic()
    with pytest.raises(SourceRefusedError, match="declares XML entities"):
        list(read_yml(path))
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(("text", "reason"), [
    ('<?xml version="1.0"?><catalog><offers/></catalog>', "the root element is <catalog>"),
    ('<?xml version="1.0"?><yml_catalog><shop/></yml_catalog>', "no <offers>"),
    ('<?xml version="1.0"?><yml_catalog><shop><offers><offer id="1">', "not well-formed XML"),
    ("Артикул;Цена\n1;2\n", "not well-formed XML"),
])
def test_files_that_are_not_yml_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(SourceRefusedError, match=reason):
        list(read_yml(_write(tmp_path, "feed.yml", text)))


MAPPING = {"Артикул": "sku", "Наименование": "name", "Цена": "price", "Фото": "picture", "Фото 2": "picture",
           "Материал": "param:Материал"}


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "cp1251"), (",", "utf-8-sig"), ("\t", "utf-8")])
def test_csv_delimiter_and_encoding_are_sniffed(tmp_path: Path, delimiter: str, encoding: str) -> None:
    lines = [["Артикул", "Наименование", "Цена", "Фото", "Фото 2", "Материал"],
             ["S-1", "Кружка «Утро»", '"1 234,50"' if delimiter == "," else "1 234,50", "https://i/1.jpg",
              "https://i/2.jpg", "керамика"]]
    text = "\r\n".join(delimiter.join(cells) for cells in lines) + "\r\n"
    rows = list(read_csv(_write(tmp_path, "p.csv", text, encoding), MAPPING))
    raw = rows[0].raw
    assert rows[0].position == "2" and (raw.offer_id, raw.name, raw.price) == ("S-1", "Кружка «Утро»", "1 234,50")
    assert raw.pictures == ["https://i/1.jpg", "https://i/2.jpg"] and raw.params == {"Материал": "керамика"}


def test_a_mapping_must_name_our_fields_and_the_file_its_columns(tmp_path: Path) -> None:
    with pytest.raises(SourceRefusedError, match="unknown field 'цена'"):
        check_mapping({"Артикул": "sku", "Цена": "цена"})
    with pytest.raises(SourceRefusedError, match="names no column for name, price"):
        check_mapping({"Артикул": "sku"})
    path = _write(tmp_path, "p.csv", "Артикул;Цена\nS-1;10\n")
    with pytest.raises(SourceRefusedError, match="the file has no column 'Наименование'"):
        list(read_csv(path, {"Артикул": "sku", "Наименование": "name", "Цена": "price"}))


def test_the_format_is_guessed_from_the_name() -> None:
    assert [guess_format(n) for n in ("a.YML", "b.xml", "https://x.ru/feed.csv?t=1", "c.xlsx")] == [
        "yml", "yml", "csv", "xlsx"]
    with pytest.raises(SourceRefusedError, match="cannot tell the format"):
        guess_format("https://x.ru/export")
