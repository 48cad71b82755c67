"""Importing a supplier's YML into its offers, on SQLite, PostgreSQL and MariaDB: exact counts, a second import
that writes nothing, a broken row rejected alone, and whole files refused (bombs, external entities, cut short,
another format) with nothing changed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from marketsync.db import session_scope
from marketsync.hub.import_service import import_catalog
from marketsync.hub.models import ImportReport, Supplier, SupplierOffer
from marketsync.sandbox.suppliers.feeds import FeedOffer

SUPPLIER = "Оптовик"
BOMB = """<?xml version="1.0"?>
<!DOCTYPE yml_catalog [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<yml_catalog date="2026-12-07 10:00"><shop><categories><category id="1">Бакалея</category></categories>
<offers><offer id="X1"><name>&f;</name><price>100</price><categoryId>1</categoryId></offer></offers></shop>
</yml_catalog>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE yml_catalog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<yml_catalog date="2026-12-07 10:00"><shop><offers>
<offer id="X1"><name>&secret;</name><price>100</price></offer></offers></shop></yml_catalog>"""


def _import(engine: Engine, account_id: int, source: Path | str, **kwargs: object) -> ImportReport:
    with session_scope(engine) as session:
        return import_catalog(session, account_id=account_id, supplier_name=SUPPLIER, source=source,
                              **kwargs)  # type: ignore[arg-type]


def _counts(report: ImportReport) -> tuple[int, int, int, int, int]:
    return report.read, report.created, report.updated, report.unchanged, report.rejected


def _offers(engine: Engine) -> dict[str, tuple[Decimal, int, datetime]]:
    with session_scope(engine) as session:
        return {o: (p, s, u) for o, p, s, u in session.execute(
            select(SupplierOffer.offer_id, SupplierOffer.price, SupplierOffer.stock, SupplierOffer.updated_at))}


def test_twenty_thousand_offers_import_with_exact_counts_and_again_write_nothing(
        engine: Engine, cabinet: int, yml_file: Callable[..., Path]) -> None:
    path = yml_file(20_000)
    first = _import(engine, cabinet, path)
    assert first.status == "done" and _counts(first) == (20_000, 20_000, 0, 0, 0)
    before = _offers(engine)
    assert len(before) == 20_000
    with session_scope(engine) as session:
        offer = session.scalar(select(SupplierOffer).where(SupplierOffer.offer_id == "P000042"))
        assert offer is not None and offer.vendor and offer.vendor_code == f"{offer.vendor[:3].upper()}-000042"
        assert offer.category and offer.barcodes and offer.pictures and offer.weight_kg and offer.height_cm
        assert offer.params["Страна производства"] and offer.stock == 41 and offer.available

    second = _import(engine, cabinet, path)
    assert second.status == "done" and _counts(second) == (20_000, 0, 0, 20_000, 0)
    assert _offers(engine) == before  # not one row written: every updated_at as it was


def test_changed_offers_count_as_updated_and_dropped_ones_are_withdrawn(
        engine: Engine, cabinet: int, yml_file: Callable[..., Path]) -> None:
    _import(engine, cabinet, yml_file(50))

    def cheaper(offer: FeedOffer) -> None:
        if offer.offer_id in ("P000001", "P000002"):
            offer.price = Decimal("10.00")

    report = _import(engine, cabinet, yml_file(40, tweak=cheaper))
    # 2 repriced and 10 offers gone from the file: those now sell nothing (stock 0, unavailable).
    assert _counts(report) == (40, 0, 12, 38, 0)
    offers = _offers(engine)
    assert offers["P000001"][0] == Decimal("10.00") and offers["P000050"][1] == 0
    assert _counts(_import(engine, cabinet, yml_file(40, tweak=cheaper))) == (40, 0, 0, 40, 0)

    def unpriced(offer: FeedOffer) -> None:
        offer.price = ""  # type: ignore[assignment]

    # A file without one good offer withdraws nothing: a broken export must not empty the supplier's catalog.
    assert _counts(_import(engine, cabinet, yml_file(5, tweak=unpriced))) == (5, 0, 0, 0, 5)
    assert _offers(engine)["P000040"][1] == 39


def test_broken_rows_are_rejected_alone_and_the_rest_is_imported(
        engine: Engine, cabinet: int, yml_file: Callable[..., Path]) -> None:
    wrong: list[str] = []

    def breaks(offer: FeedOffer) -> None:
        if offer.offer_id == "P000003":
            offer.price = "дорого"  # type: ignore[assignment]
        if offer.offer_id == "P000007" and offer.barcode:
            offer.barcode = offer.barcode[:-1] + str((int(offer.barcode[-1]) + 1) % 10)
            wrong.append(offer.barcode)

    report = _import(engine, cabinet, yml_file(10, tweak=breaks))
    assert _counts(report) == (10, 8, 0, 0, 2)
    assert report.rejects == [{"row": "P000003", "reason": "price is not a number: дорого"},
                              {"row": "P000007", "reason": f"barcode {wrong[0]} has a wrong check digit"}]
    offers = _offers(engine)
    assert "P000003" not in offers and "P000007" not in offers and "P000008" in offers


def _refused_without_change(engine: Engine, account_id: int, source: Path, reason: str) -> None:
    before = _offers(engine)
    started = time.monotonic()
    report = _import(engine, account_id, source)
    assert time.monotonic() - started < 1.0
    assert report.status == "refused" and reason in (report.error or ""), report.error
    assert _counts(report) == (0, 0, 0, 0, 0)
    assert _offers(engine) == before


def test_entity_bomb_and_external_entity_are_refused_within_a_second(
        engine: Engine, cabinet: int, yml_file: Callable[..., Path], tmp_path: Path) -> None:
    _import(engine, cabinet, yml_file(20))
    for name, text in (("bomb.yml", BOMB), ("xxe.yml", EXTERNAL)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        _refused_without_change(engine, cabinet, tmp_path / name, "declares XML entities")


def test_cut_short_and_wrong_format_files_change_nothing(
        engine: Engine, cabinet: int, yml_file: Callable[..., Path], tmp_path: Path) -> None:
    full = yml_file(200)
    _import(engine, cabinet, yml_file(20, name="first.yml"))
    data = full.read_bytes()
    cut = tmp_path / "cut.yml"
    cut.write_bytes(data[: len(data) * 9 // 10])  # 180-odd good offers, then the file ends mid-offer
    _refused_without_change(engine, cabinet, cut, "not well-formed XML")
    wrong = tmp_path / "price.yml"
    wrong.write_text("Артикул;Цена\nA1;100\n", encoding="utf-8")
    _refused_without_change(engine, cabinet, wrong, "not well-formed XML")
    with session_scope(engine) as session:
        statuses = session.scalars(select(ImportReport.status).order_by(ImportReport.id)).all()
        assert statuses == ["done", "refused", "refused"]
        assert session.scalar(select(func.count()).select_from(Supplier)) == 1
