"""The imports page as a seller uses it: a YML upload makes offers and products and shows its report; a CSV goes
through the column mapping step (prefilled from the supplier's saved mapping); a file over the limit is refused
with the limit named; a broken file shows why and changes nothing; another cabinet never sees the reports; the
suppliers page saves a feed URL and schedule."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from browser import csrf_token, sign_in, submit
from hub_builders import products, supplier
from marketsync.db import session_scope
from marketsync.hub.models import ImportReport, Supplier, SupplierOffer
from marketsync.sandbox.suppliers.feeds import CSV_MAPPING, pool_offers, write_csv
from marketsync.settings import get_settings


def _upload(client: TestClient, name: str, body: bytes, supplier: str = "Альфа", fmt: str = "") -> object:
    """Submit the upload form as a browser does: the CSRF token first, then the fields, then the file."""
    return client.post("/hub/imports", data={"csrftoken": csrf_token(client), "supplier": supplier, "format": fmt},
                       files={"file": (name, body, "application/octet-stream")})


def _offers(engine: Engine, account_id: int) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(SupplierOffer)
                              .where(SupplierOffer.account_id == account_id)) or 0


def _count(page: str, name: str) -> str:
    found = re.search(rf'data-count="{name}">([^<]*)<', page)
    assert found, f"no {name} count on the report"
    return found.group(1).replace("\xa0", "")


def test_a_yml_upload_makes_offers_and_products_and_shows_its_report(
        client: TestClient, seller: int, sqlite_engine: Engine, yml_file: Callable[..., Path]) -> None:
    page = client.get("/hub/imports")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    assert 'href="/hub/imports"' in page.text and 'aria-current="page"' in page.text, "a tab of the hub"

    forged = client.post("/hub/imports", data={"supplier": "Альфа"},
                         files={"file": ("price.yml", yml_file(12).read_bytes(), "application/xml")})
    assert forged.status_code == 403, "an upload without the form's CSRF token is refused"
    assert _offers(sqlite_engine, seller) == 0

    done = _upload(client, "price.yml", yml_file(12).read_bytes())

    assert done.status_code == 303  # type: ignore[attr-defined]
    report = client.get(done.headers["location"])  # type: ignore[attr-defined]
    assert report.status_code == 200 and 'data-status="done"' in report.text
    assert (_count(report.text, "read"), _count(report.text, "created")) == ("12", "12")
    assert _offers(sqlite_engine, seller) == 12
    assert len(products(sqlite_engine, seller)) == 12, "the offers are merged into products at once"
    listing = client.get("/hub/imports")
    assert "price.yml" in listing.text and "Альфа" in listing.text, "the report lists the file as uploaded"


def test_a_csv_goes_through_the_mapping_step_prefilled_from_the_saved_mapping(
        client: TestClient, seller: int, sqlite_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "beta.csv"
    with path.open("w", encoding="cp1251", newline="") as sink:
        write_csv(sink, pool_offers(5, prefix="B"))
    body = path.read_bytes()

    step = _upload(client, "beta.csv", body, supplier="Бета")
    assert step.status_code == 303 and "/hub/imports/map/" in step.headers["location"]  # type: ignore[attr-defined]
    mapping = client.get(step.headers["location"])  # type: ignore[attr-defined]
    assert mapping.status_code == 200
    columns = re.findall(r'<select [^>]*name="(col-\d+)" data-column="([^"]+)"', mapping.text)
    assert {column for _name, column in columns} >= set(CSV_MAPPING), "every header column is offered"
    assert _offers(sqlite_engine, seller) == 0, "nothing is imported before the mapping is chosen"

    missing = submit(client, step.headers["location"], {"action": "import"})  # type: ignore[attr-defined]
    assert missing.status_code == 303 and missing.headers["location"] == step.headers["location"]  # type: ignore[attr-defined]
    assert "sku, name, price" in client.get(step.headers["location"]).text  # type: ignore[attr-defined]

    chosen = {name: CSV_MAPPING.get(column, "") for name, column in columns}
    done = submit(client, step.headers["location"], {"action": "import", **chosen})  # type: ignore[attr-defined]
    assert done.status_code == 303
    report = client.get(done.headers["location"])
    assert _count(report.text, "created") == "5" and _offers(sqlite_engine, seller) == 5
    with session_scope(sqlite_engine) as session:
        saved = session.scalar(select(Supplier.column_mapping).where(Supplier.name == "Бета"))
    assert saved == {c: f for c, f in CSV_MAPPING.items() if any(c == col for _n, col in columns)}

    again = _upload(client, "beta.csv", body, supplier="Бета")
    prefilled = client.get(again.headers["location"]).text  # type: ignore[attr-defined]
    for column, field in CSV_MAPPING.items():
        select_html = re.search(rf'data-column="{re.escape(column)}">(.*?)</select>', prefilled, re.S)
        if select_html:
            assert f'value="{field}" selected' in select_html.group(1), f"{column} prefilled as {field}"


def test_a_file_over_the_limit_is_refused_with_the_limit_named(
        client: TestClient, seller: int, sqlite_engine: Engine, yml_file: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_IMPORT_MAX_BYTES", "2048")
    get_settings.cache_clear()

    refused = _upload(client, "big.yml", yml_file(40).read_bytes())

    assert refused.status_code == 303 and refused.headers["location"] == "/hub/imports"  # type: ignore[attr-defined]
    page = client.get("/hub/imports").text
    assert "2 KB" in page or "2 КБ" in page, "the limit is named"
    assert _offers(sqlite_engine, seller) == 0
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportReport)) == 0


def test_a_broken_file_shows_why_and_changes_nothing(
        client: TestClient, seller: int, sqlite_engine: Engine, yml_file: Callable[..., Path]) -> None:
    _upload(client, "price.yml", yml_file(6).read_bytes())
    before = products(sqlite_engine, seller)
    cut = yml_file(6).read_bytes()[:-200]  # truncated mid-offer

    refused = _upload(client, "price.yml", cut)

    report = client.get(refused.headers["location"])  # type: ignore[attr-defined]
    assert 'data-status="refused"' in report.text and 'id="refused-reason"' in report.text
    assert "not well-formed XML" in report.text, "the reader's reason is shown"
    assert products(sqlite_engine, seller).keys() == before.keys() and _offers(sqlite_engine, seller) == 6


def test_another_cabinet_cannot_see_the_reports_or_the_mapping_step(
        client: TestClient, seller: int, sqlite_engine: Engine, yml_file: Callable[..., Path],
        make_seller: Callable[..., tuple[int, int]], tmp_path: Path) -> None:
    done = _upload(client, "price.yml", yml_file(3).read_bytes())
    step = _upload(client, "beta.csv", "Артикул;Наименование;Цена\nA;Чайник;10\n".encode(), supplier="Бета")
    report_url, step_url = done.headers["location"], step.headers["location"]  # type: ignore[attr-defined]

    make_seller(email="other@example.ru")
    client.cookies.clear()
    sign_in(client, "other@example.ru")

    assert client.get(report_url).status_code == 404
    assert client.get(step_url).status_code == 404
    assert submit(client, step_url, {"action": "import"}).status_code == 404
    listing = client.get("/hub/imports").text
    assert "price.yml" not in listing and "Альфа" not in listing


def test_the_suppliers_page_saves_a_feed_url_and_interval(client: TestClient, seller: int,
                                                          sqlite_engine: Engine) -> None:
    supplier_id = supplier(sqlite_engine, seller, "Бета")

    bad = submit(client, f"/hub/suppliers/{supplier_id}/feed",
                 {"feed_url": "ftp://x", "feed_format": "yml", "refresh_minutes": "30"})
    assert bad.status_code == 303
    assert "http(s)" in client.get("/hub/suppliers").text, "why it was not saved"
    saved = submit(client, f"/hub/suppliers/{supplier_id}/feed",
                   {"feed_url": "https://example.ru/feed.yml", "feed_format": "yml", "refresh_minutes": "30"})

    assert saved.status_code == 303
    page = client.get("/hub/suppliers").text
    assert 'value="https://example.ru/feed.yml"' in page and 'value="30"' in page
    with session_scope(sqlite_engine) as session:
        row = session.get(Supplier, supplier_id)
        assert row is not None and (row.feed_url, row.feed_format, row.refresh_minutes) == (
            "https://example.ru/feed.yml", "yml", 30)
