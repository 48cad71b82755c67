"""`marketsync catalog import` as a script runs it (a fixed interface): CSV with a mapping file (Windows-1251 and
`;`), XLSX, the demo suppliers' feeds fetched from the sandbox by URL, one line per rejected row, the counts line,
and exit 1 with one line when a file is refused whole."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from marketsync.accounts.service import create_user
from marketsync.cli.app import app
from marketsync.db import session_scope
from marketsync.hub.models import HubProduct, Supplier, SupplierOffer
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.suppliers.feeds import CSV_MAPPING, supplier_offers

EMAIL = "hub-cli@example.ru"
PRICE_LIST = ("Код;Товар;Цена, руб;Остаток;EAN\r\n"
              "K-1;Молоко Простоквашино 3,2% 1 л;1 234,50;12;4607001771210\r\n"
              "K-2;Кефир Савушкин 1% 930 мл;;5;\r\n"
              ";Ряженка без кода;89,90;1;\r\n"
              "K-4;Творог Вкуснотеево 5% 300 г;119,90;0;4607001771211\r\n"
              "K-5;Сметана 15% 300 г;99;3;\r\n")
MAPPING = {"Код": "sku", "Товар": "name", "Цена, руб": "price", "Остаток": "stock", "EAN": "barcode"}


def cli(*args: str) -> tuple[int, str, str]:
    """Run one command; return its exit code, stdout and stderr."""
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _seller(engine: Engine) -> None:
    with session_scope(engine) as session:
        create_user(session, email=EMAIL, password="password123", name="Продавец")


def test_csv_in_windows_1251_with_a_mapping_file_prints_rejects_then_counts(sqlite_engine: Engine,
                                                                            tmp_path: Path) -> None:
    _seller(sqlite_engine)
    prices = tmp_path / "prices.csv"
    prices.write_bytes(PRICE_LIST.encode("cp1251"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    code, out, _err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Молочный двор", "--file",
                          str(prices), "--mapping", str(mapping))
    assert code == 0, out
    assert out.splitlines() == ["row 3: no price", "row 4: no offer id",
                                "row 5: barcode 4607001771211 has a wrong check digit",
                                "read=5 created=2 updated=0 unchanged=0 rejected=3"]
    with session_scope(sqlite_engine) as session:
        milk = session.scalar(select(SupplierOffer).where(SupplierOffer.offer_id == "K-1"))
        assert milk is not None and str(milk.price) == "1234.50" and milk.name.startswith("Молоко")
        assert session.scalar(select(Supplier.column_mapping)) == MAPPING
    # The mapping was saved for the supplier: the next price list needs no --mapping.
    code, out, _err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Молочный двор", "--file",
                          str(prices))
    assert code == 0 and out.splitlines()[-1] == "read=5 created=0 updated=0 unchanged=2 rejected=3"


def test_xlsx_is_read_through_the_mapping(sqlite_engine: Engine, tmp_path: Path) -> None:
    _seller(sqlite_engine)
    book = Workbook()
    sheet = book.active
    sheet.append(["Код", "Товар", "Цена, руб", "Остаток", "EAN"])
    sheet.append(["K-1", "Молоко 1 л", 89.9, 12, 4607001771210])
    sheet.append([1002, "Кефир 930 мл", "79,90", None, None])
    path = tmp_path / "prices.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    code, out, _err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Склад", "--file", str(path),
                          "--mapping", str(mapping))
    assert (code, out.splitlines()) == (0, ["read=2 created=2 updated=0 unchanged=0 rejected=0"])
    with session_scope(sqlite_engine) as session:
        offers = {o.offer_id: o for o in session.scalars(select(SupplierOffer))}
        assert offers["K-1"].barcodes == ["4607001771210"] and str(offers["1002"].price) == "79.90"


def test_refused_files_exit_1_with_one_line_and_change_nothing(sqlite_engine: Engine, tmp_path: Path) -> None:
    _seller(sqlite_engine)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Склад", "--file", str(broken),
                         "--mapping", str(mapping))
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and "not a readable XLSX workbook" in err
    cut = tmp_path / "cut.yml"
    cut.write_text('<?xml version="1.0"?><yml_catalog><shop><offers><offer id="1"><name>Чай', encoding="utf-8")
    code, _out, err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Склад", "--file", str(cut))
    assert code == 1 and err.startswith("error: file refused, nothing changed: not well-formed XML")
    code, _out, err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Склад", "--file", str(cut),
                          "--format", "json")
    assert code == 1 and "unknown format" in err
    with session_scope(sqlite_engine) as session:
        assert session.scalars(select(SupplierOffer)).all() == []
        assert session.scalar(select(Supplier.column_mapping)) == {}  # a mapping that read nothing is not kept


def test_demo_suppliers_are_fetched_from_the_sandbox_and_overlap(sqlite_engine: Engine, sandbox: ServerThread,
                                                                 tmp_path: Path) -> None:
    _seller(sqlite_engine)
    code, out, _err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Альфа", "--url",
                          f"{sandbox.url}/suppliers/alfa.yml")
    alfa = list(supplier_offers("alfa"))
    assert (code, out.splitlines()) == (0, [f"read={len(alfa)} created={len(alfa)} updated=0 unchanged=0 "
                                            "rejected=0"])
    mapping = tmp_path / "beta-mapping.json"
    mapping.write_text(json.dumps(CSV_MAPPING, ensure_ascii=False), encoding="utf-8")
    code, out, _err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Бета", "--url",
                          f"{sandbox.url}/suppliers/beta.csv", "--mapping", str(mapping))
    beta = list(supplier_offers("beta"))
    assert (code, out.splitlines()[-1]) == (0, f"read={len(beta)} created={len(beta)} updated=0 unchanged=0 "
                                               "rejected=0")
    with session_scope(sqlite_engine) as session:
        rows = session.execute(select(Supplier.name, SupplierOffer.barcodes, SupplierOffer.vendor,
                                      SupplierOffer.vendor_code).join(Supplier)).all()
    codes = {name: {b for _n, barcodes, _v, _c in rows if _n == name for b in barcodes} for name in ("Альфа", "Бета")}
    pairs = {name: {(v, c) for _n, _b, v, c in rows if _n == name and c} for name in ("Альфа", "Бета")}
    assert len(codes["Альфа"] & codes["Бета"]) > 20 and len(pairs["Альфа"] & pairs["Бета"]) > 20
    with session_scope(sqlite_engine) as session:  # each import merged its offers into the canonical catalog
        products = session.scalar(select(func.count()).select_from(HubProduct))
        shared = session.scalar(select(func.count()).select_from(
            select(SupplierOffer.product_id).group_by(SupplierOffer.product_id)
            .having(func.count(func.distinct(SupplierOffer.supplier_id)) == 2).subquery()))
        unlinked = session.scalar(select(func.count()).where(SupplierOffer.product_id.is_(None)))
    assert unlinked == 0 and shared > 20 and products == len(alfa) + len(beta) - shared
    code, _out, err = cli("catalog", "import", "--user", EMAIL, "--supplier", "Бета", "--url",
                          f"{sandbox.url}/suppliers/gamma.yml")
    assert code == 1 and "cannot download the file" in err and "404" in err
