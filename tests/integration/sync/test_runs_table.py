"""The run history on /sync as a data table: newest first, the status and pipeline filters, a search in the
errors, sorts by the counts, page size and pages, CSV and XLSX of every matching run; never another seller's
runs; and the live block that brings the history back when a run ends keeps the page the seller was on."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from marketsync.db import session_scope, utcnow
from marketsync.sync.models import SyncRun

ROW = re.compile(r'<a href="/sync/runs/(\d+)">')
T0 = utcnow().replace(microsecond=0) - timedelta(days=2)


def _runs(engine: Engine, account_id: int, n: int, **fields: object) -> list[int]:
    """Create n finished runs a minute apart (the last one newest); return their ids, oldest first."""
    ids = []
    with session_scope(engine) as session:
        for i in range(n):
            values: dict[str, object] = {"pipeline": "catalog", "status": "succeeded", "created": i,
                                         "updated": n - i, "details": {}, "started_at": T0 + timedelta(minutes=i),
                                         "heartbeat_at": T0 + timedelta(minutes=i),
                                         "finished_at": T0 + timedelta(minutes=i, seconds=30)}
            values.update(fields)
            run = SyncRun(account_id=account_id, **values)
            session.add(run)
            session.flush()
            ids.append(run.id)
    return ids


def _shown(client: TestClient, url: str) -> list[int]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    history = page.text[page.text.index('id="run-history"'):]
    return [int(i) for i in ROW.findall(history)]


def test_the_history_is_newest_first_paged_by_25_and_another_sellers_runs_never_show(
        client: TestClient, seller: int, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    mine = _runs(sqlite_engine, seller, 30)
    _user, other = make_seller("other@example.ru")
    theirs = _runs(sqlite_engine, other, 5, status="failed", error="чужая ошибка")
    first = _shown(client, "/sync")
    assert first == mine[::-1][:25]
    assert _shown(client, "/sync?page=2") == mine[::-1][25:]
    assert _shown(client, "/sync?per_page=50") == mine[::-1]
    page = client.get("/sync").text
    assert 'href="/sync?page=2"' in page and "1–25 из 30" in page
    assert not set(theirs) & set(_shown(client, "/sync?per_page=50&status=failed"))
    assert "чужая ошибка" not in client.get("/sync?q=чужая").text
    export = client.get("/sync/history/export.csv").content.decode("utf-8-sig")
    assert "чужая ошибка" not in export and len(list(csv.reader(io.StringIO(export)))) == 31


def test_the_history_filters_by_status_and_pipeline_searches_errors_and_sorts_by_counts(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    ok = _runs(sqlite_engine, seller, 3)
    failed = _runs(sqlite_engine, seller, 2, status="failed", error="VK отклонил фото: слишком маленькое",
                   started_at=T0 + timedelta(hours=1))
    read = _runs(sqlite_engine, seller, 1, pipeline="catalog_refresh", started_at=T0 + timedelta(hours=2))
    assert set(_shown(client, "/sync?status=failed")) == set(failed)
    assert _shown(client, "/sync?pipeline=catalog_refresh") == read
    assert set(_shown(client, "/sync?q=ФОТО")) == set(failed)  # the error text, Cyrillic case ignored
    assert _shown(client, "/sync?status=failed&pipeline=catalog_refresh") == []
    assert "Подходящих запусков нет." in client.get("/sync?status=queued").text
    # Created counts 0, 1, 2 and 0, 1: the most first, a tie the later run first.
    assert _shown(client, "/sync?sort=created&dir=desc&pipeline=catalog") == [ok[2], failed[1], ok[1], failed[0],
                                                                              ok[0]]
    assert _shown(client, "/sync?dir=asc")[0] == ok[0]  # oldest first once turned round
    assert client.get("/sync?sort=error&status=lost&per_page=7&page=x").status_code == 200
    page = client.get("/sync?status=failed")
    assert 'href="/sync/history/export.xlsx?status=failed"' in page.text
    assert '<option value="failed" selected>' in page.text


def test_the_history_downloads_every_matching_run_as_csv_and_xlsx(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _runs(sqlite_engine, seller, 40)
    _runs(sqlite_engine, seller, 2, status="failed", error="нет связи с VK", failed=3)
    response = client.get("/sync/history/export.csv?status=succeeded&sort=created")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert re.fullmatch(r'attachment; filename="sync-runs-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["content-disposition"])
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:5] == ["Начало", "Окончание", "Синхронизация", "Статус", "Пробный запуск"]
    assert len(lines) == 41 and {row[3] for row in lines[1:]} == {"Успешно"}
    assert [int(row[5]) for row in lines[1:]] == sorted(int(row[5]) for row in lines[1:])  # all pages, sorted
    sheet = load_workbook(io.BytesIO(client.get("/sync/history/export.xlsx?status=failed").content),
                          read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[1][3] == "Ошибка" and rows[1][9] == 3 and rows[1][10] == "нет связи с VK"
    assert isinstance(rows[1][0], datetime)  # a date Excel can sort, in Moscow time


def test_a_finished_run_brings_back_the_history_page_the_seller_was_on(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _runs(sqlite_engine, seller, 3, status="failed", error="старая ошибка")
    [live] = _runs(sqlite_engine, seller, 1, status="running", stage="mirror_catalog", started_at=utcnow(),
                   heartbeat_at=utcnow(), finished_at=None)
    page = client.get("/sync?status=succeeded&sort=created")
    assert f'hx-get="/sync/runs/{live}/progress?status=succeeded&amp;sort=created"' in page.text
    polled = client.get(f"/sync/runs/{live}/progress?status=succeeded&sort=created")
    assert f'hx-get="/sync/runs/{live}/progress?status=succeeded&amp;sort=created"' in polled.text
    with session_scope(sqlite_engine) as session:
        run = session.get(SyncRun, live)
        assert run is not None
        run.status, run.finished_at = "succeeded", utcnow()
    ended = client.get(f"/sync/runs/{live}/progress?status=succeeded&sort=created").text
    history = ended[ended.index('id="run-history" hx-swap-oob="true"'):]
    assert [int(i) for i in ROW.findall(history)] == [live]  # the filtered page, with the run that just ended
    assert "старая ошибка" not in history and 'href="/sync?status=succeeded&amp;sort=created&amp;dir=desc"' in history


def test_the_history_queries_work_on_every_dialect(engine: Engine) -> None:
    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.sync.history import export_runs, live_run, runs_page
    from marketsync.web.tables import TableQuery

    with session_scope(engine) as session:
        mine = primary_account_id(session, create_user(session, email="a@example.ru", password=None).id)
        theirs = primary_account_id(session, create_user(session, email="b@example.ru", password=None).id)
    ok = _runs(engine, mine, 2)
    failed = _runs(engine, mine, 1, status="failed", error="VK ОТКЛОНИЛ фото", finished_at=None,
                   started_at=T0 + timedelta(hours=1))
    _runs(engine, theirs, 2, status="failed", error="отклонил")
    with session_scope(engine) as session:
        def ids(table: TableQuery) -> list[int]:
            return [r.id for r in runs_page(session, mine, table)[0]]

        assert ids(TableQuery(sort="started", dir="desc")) == [failed[0], ok[1], ok[0]]
        assert ids(TableQuery(q="отклонил")) == failed
        assert ids(TableQuery(filters={"status": "succeeded"}, sort="created", dir="desc")) == [ok[1], ok[0]]
        assert ids(TableQuery(sort="finished")) == [ok[0], ok[1], failed[0]]  # not finished: last
        assert [r.id for r in export_runs(session, mine, TableQuery(sort="started"))] == [ok[0], ok[1], failed[0]]
        assert live_run(session, mine) is None
