"""/monitor and /monitor/report as a seller sees them: each marketplace's health, the open alerts, the stock runs
and the weekly report with its chart, in Russian and English, and never another cabinet's."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine

from marketsync.db import session_scope
from marketsync.stocks import monitor_service, report
from stock_builders import cabinet, connect, push


def _stale_with_alert(engine: Engine, account: int, *, error: str | None = None) -> None:
    connect(engine, account, offers=20)
    push(engine, account, hours_ago=30, stock_total=400, updated=7)
    push(engine, account, hours_ago=9, stock_total=400, updated=5)
    push(engine, account, hours_ago=2, status="failed", failed=4, updated=0, error=error)
    monitor_service.run_monitor(engine, account_id=account)


def test_the_monitor_shows_health_alerts_and_runs(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _stale_with_alert(sqlite_engine, seller, error="Ozon не ответил вовремя")
    connect(sqlite_engine, seller, "wildberries", offers=15)
    push(sqlite_engine, seller, "wildberries", hours_ago=3, offers=15, stock_total=90)
    page = client.get("/monitor")
    assert page.status_code == 200
    html = page.text
    assert "Мониторинг остатков" in html and "Wildberries" in html and "В порядке" in html
    assert "Синхронизация остатков устарела" in html
    assert "нет успешной синхронизации остатков 9 ч (допустимо 8 ч)" in html  # the open alert, in words
    assert "Ozon не ответил вовремя" in html  # the last run's error
    assert html.count("Выгрузка остатков") == 4  # the run log: three Ozon pushes and one Wildberries push
    client.get("/lang/en")
    english = client.get("/monitor").text
    assert "Stock monitor" in english and "no successful stock sync for 9 h (limit 8 h)" in english


def test_the_weekly_report_page_counts_the_week(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    _stale_with_alert(sqlite_engine, seller)
    push(sqlite_engine, seller, hours_ago=24 * 8, updated=1000)  # older than the week
    html = client.get("/monitor/report").text
    assert "Синхронизаций: 3, с ошибками: 1. Обновлено позиций: 12, с ошибками: 4." in html
    assert "Синхронизация остатков устарела" in html and "ещё не исправлено" in html
    chart = client.get("/monitor/report/chart.png")
    assert chart.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(chart.content)).size == (640, 260)


def test_another_cabinets_monitor_stays_out_of_sight(client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    other = cabinet(sqlite_engine, "other@example.ru")
    _stale_with_alert(sqlite_engine, other, error="секрет другого кабинета")
    html = client.get("/monitor").text
    assert "Ни один маркетплейс не подключён." in html and "Открытых оповещений нет." in html
    assert "секрет другого кабинета" not in html and "Выгрузка остатков" not in html
    week = client.get("/monitor/report").text
    assert "Синхронизаций: 0, с ошибками: 0." in week and "За неделю оповещений не было." in week
    with session_scope(sqlite_engine) as session:
        mine = report.chart_png(report.weekly_report(session, account_id=seller))
        theirs = report.chart_png(report.weekly_report(session, account_id=other))
    assert mine != theirs and client.get("/monitor/report/chart.png").content == mine


def test_the_monitor_asks_to_sign_in(client: TestClient, sqlite_engine: Engine) -> None:
    for path in ("/monitor", "/monitor/report", "/monitor/report/chart.png"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), path
