"""The admin's user list as a data table: sort by e-mail, name or registration, the status filter, page size,
and CSV/XLSX downloads of every matching user (with their roles) for admins only."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from browser import sign_in
from marketsync.accounts.rbac import grant_role
from marketsync.accounts.service import create_user
from marketsync.admin.service import export_users, search_users
from marketsync.db import session_scope
from marketsync.web.tables import TableQuery

EMAIL = re.compile(r'href="/admin/users/\d+">([^<]+)</a>')


def _people(engine: Engine, n: int = 60) -> None:
    with session_scope(engine) as session:
        for i in range(n):
            create_user(session, email=f"p{i:02d}@example.ru", password=None, name=f"Я{59 - i:02d}",
                        active=i % 2 == 0)


def test_admin_sorts_users_by_email_and_name_both_ways_and_picks_a_page_size(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    _people(sqlite_engine)
    assert EMAIL.findall(client.get("/admin/users?sort=email").text)[:2] == ["admin@example.ru", "p00@example.ru"]
    assert EMAIL.findall(client.get("/admin/users?sort=email&dir=desc").text)[:2] == ["p59@example.ru",
                                                                                       "p58@example.ru"]
    assert EMAIL.findall(client.get("/admin/users?sort=name&q=я&dir=asc").text)[0] == "p59@example.ru"
    assert len(EMAIL.findall(client.get("/admin/users?per_page=25").text)) == 25
    newest_first = client.get("/admin/users")
    assert EMAIL.findall(newest_first.text)[0] == "p59@example.ru"  # the default: newest first
    assert 'href="/admin/users?per_page=25&amp;page=3"' in client.get("/admin/users?per_page=25").text
    assert client.get("/admin/users?sort=password_hash&dir=x&per_page=1e9").status_code == 200


def test_admin_downloads_every_matching_user_as_csv_and_xlsx(
        client: TestClient, make_seller: Callable[..., tuple[int, int]], sqlite_engine: Engine) -> None:
    make_seller("admin@example.ru", admin=True)
    sign_in(client, "admin@example.ru")
    _people(sqlite_engine)
    page = client.get("/admin/users?q=p&status=pending&sort=email")
    assert 'href="/admin/users/export.csv?q=p&amp;status=pending&amp;sort=email"' in page.text
    response = client.get("/admin/users/export.csv?q=example&status=active&sort=email")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert re.fullmatch(r'attachment; filename="users-\d{4}-\d{2}-\d{2}\.csv"',
                        response.headers["content-disposition"])
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["Эл. почта", "Название", "Телефон", "Статус"]
    assert [r[0] for r in lines[1:]] == ["admin@example.ru"] + [f"p{i:02d}@example.ru" for i in range(0, 60, 2)]
    assert lines[1][3] == "Активен" and "Администратор" in lines[1][4]
    workbook = load_workbook(io.BytesIO(client.get("/admin/users/export.xlsx?status=pending").content),
                             read_only=True)
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 31 and {r[3] for r in rows[1:]} == {"Ожидает"}


def test_a_seller_cannot_download_the_user_list(client: TestClient, seller: int) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/admin/users/export.{fmt}")
        assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
        assert "attachment" not in response.headers.get("content-disposition", "")


def test_the_user_search_and_its_roles_column_work_on_every_dialect(engine: Engine) -> None:
    with session_scope(engine) as session:
        boss = create_user(session, email="boss@example.ru", password=None, name="Босс")
        grant_role(session, boss, "admin")
        create_user(session, email="anna@example.ru", password=None, name="Анна")
    with session_scope(engine) as session:
        rows, page = search_users(session, TableQuery(q="BOSS", sort="email"))
        assert page.total == 1 and rows[0].user.email == "boss@example.ru" and "admin" in rows[0].roles
        everyone = [r.user.email for r in export_users(session, TableQuery(sort="name", dir="desc"))]
        assert everyone == ["boss@example.ru", "anna@example.ru"]
