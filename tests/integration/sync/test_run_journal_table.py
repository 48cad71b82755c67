"""A run's page as a data table: what the run did to each product searched (Cyrillic in any case), sorted by
name or article, filtered by outcome with the search kept, paged, and downloaded as CSV or XLSX; another
seller's run is not found in either format."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from marketsync.db import session_scope, utcnow
from marketsync.sync.models import SyncRun, SyncRunItem

ARTICLE = re.compile(r'<td class="text-nowrap small">(A-\d+)</td>')
NAMES = ["Чай зелёный", "Кофе в зёрнах", "Какао", "ЧАЙ чёрный", "Молоко"]


def _run(engine: Engine, account_id: int, items: int = 5) -> int:
    with session_scope(engine) as session:
        run = SyncRun(account_id=account_id, pipeline="catalog", status="succeeded", details={},
                      started_at=utcnow(), heartbeat_at=utcnow(), finished_at=utcnow())
        session.add(run)
        session.flush()
        session.add_all([SyncRunItem(run_id=run.id, account_id=account_id, kind="item", internal_id=f"A-{i:03d}",
                                     name=NAMES[i % len(NAMES)], outcome="skipped" if i % 2 else "created",
                                     reason="not_for_sale" if i % 2 else "new") for i in range(items)])
        return run.id


def test_the_journal_is_searched_sorted_filtered_and_paged(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    run = _run(sqlite_engine, seller)
    url = f"/sync/runs/{run}"
    assert ARTICLE.findall(client.get(url).text) == ["A-000", "A-001", "A-002", "A-003", "A-004"]  # as decided
    assert ARTICLE.findall(client.get(f"{url}?q=чай").text) == ["A-000", "A-003"]  # "ЧАЙ" too: case ignored
    assert ARTICLE.findall(client.get(f"{url}?sort=name").text)[:3] == ["A-002", "A-001", "A-004"]
    assert ARTICLE.findall(client.get(f"{url}?sort=article&dir=desc").text)[0] == "A-004"
    page = client.get(f"{url}?q=чай&outcome=skipped")
    assert ARTICLE.findall(page.text) == ["A-003"]
    # The outcome links keep the search; the form keeps the outcome.
    assert f'href="{url}?q=%D1%87%D0%B0%D0%B9&amp;outcome=created"' in page.text
    assert '<input type="hidden" name="outcome" value="skipped">' in page.text
    many = _run(sqlite_engine, seller, items=130)
    assert len(ARTICLE.findall(client.get(f"/sync/runs/{many}").text)) == 100
    assert ARTICLE.findall(client.get(f"/sync/runs/{many}?page=2&per_page=100").text)[-1] == "A-129"
    assert len(ARTICLE.findall(client.get(f"/sync/runs/{many}?per_page=25&page=6").text)) == 5  # the last page
    assert client.get(f"{url}?sort=reason;drop&outcome=all&per_page=-1").status_code == 200


def test_the_journal_downloads_as_csv_and_xlsx_with_the_pages_filters(
        client: TestClient, seller: int, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    run = _run(sqlite_engine, seller, items=12)
    page = client.get(f"/sync/runs/{run}?outcome=skipped&sort=name")
    assert f'href="/sync/runs/{run}/export.xlsx?outcome=skipped&amp;sort=name"' in page.text
    lines = list(csv.reader(io.StringIO(
        client.get(f"/sync/runs/{run}/export.csv?outcome=skipped&sort=name").content.decode("utf-8-sig"))))
    assert lines[0] == ["article", "name", "outcome", "reason", "kind", "vk_id"]
    assert len(lines) == 7 and {r[2] for r in lines[1:]} == {"skipped"}
    assert [r[1] for r in lines[1:5]] == ["Какао", "Кофе в зёрнах", "Кофе в зёрнах", "Молоко"]  # every page, sorted
    response = client.get(f"/sync/runs/{run}/export.xlsx?q=ЧАЙ")
    assert response.headers["content-disposition"].startswith(f'attachment; filename="run-{run}-')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("article", "name", "outcome") and len(rows) == 1 + 5  # 12 items, every 5th of 2 teas

    _user, other = make_seller("other@example.ru")
    theirs = _run(sqlite_engine, other)
    for path in (f"/sync/runs/{theirs}", f"/sync/runs/{theirs}/export.csv", f"/sync/runs/{theirs}/export.xlsx"):
        assert client.get(path).status_code == 404, path
