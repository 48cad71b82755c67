"""The weekly stock report's figures (syncs, failures, items updated, low stock, the week's alerts per day and
marketplace) and the beat entries that run the monitor hourly and mail the report on Monday morning."""

from __future__ import annotations

import re

from celery.schedules import crontab
from sqlalchemy.engine import Engine

from marketsync.db import session_scope, utcnow
from marketsync.settings import get_settings
from marketsync.stocks import monitor_service, report
from marketsync.stocks.models import StockPush
from marketsync.worker import beat_schedule, celery_app
from stock_builders import Channels, cabinet, connect, healthy_ozon, push


def _stock(engine: Engine, account: int, conn: int, amounts: dict[str, int]) -> None:
    with session_scope(engine) as session:
        session.add_all([StockPush(account_id=account, connection_id=conn, stock_key=f"o{n}", product_key=key,
                                   offered=offered) for n, (key, offered) in enumerate(amounts.items())])


def test_the_week_is_counted_per_marketplace_and_day(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    ozon = connect(sqlite_engine, account, offers=20)
    connect(sqlite_engine, account, "wildberries", offers=20)
    push(sqlite_engine, account, hours_ago=30, updated=10)
    push(sqlite_engine, account, hours_ago=9, status="failed", updated=4, failed=2)
    push(sqlite_engine, account, "wildberries", hours_ago=2, updated=7)
    push(sqlite_engine, account, hours_ago=1, updated=50, dry_run=True)  # test mode pushes nothing
    push(sqlite_engine, account, hours_ago=24 * 7 + 1, updated=99)  # last week
    _stock(sqlite_engine, account, ozon, {"ART-1": 0, "ART-2": 5, "ART-3": 6, "ART-4": 2})
    monitor_service.run_monitor(sqlite_engine, account_id=account)  # the product count is fine, Ozon is stale

    with session_scope(sqlite_engine) as session:
        week = report.weekly_report(session, account_id=account)
    assert [(s.title, s.runs, s.failed_runs, s.items_pushed, s.items_failed) for s in week.sources] == [
        ("Ozon", 2, 1, 14, 2), ("Wildberries", 1, 0, 7, 0)]
    assert (week.totals.runs, week.totals.items_pushed) == (3, 21)
    assert len(week.days) == 7 and sum(d.pushed for d in week.days) == 21 and sum(d.failed for d in week.days) == 2
    assert week.days[-1].day == utcnow().astimezone(report.MOSCOW).date()
    assert (week.low_stock_total, week.out_of_stock_total) == (3, 1)
    assert [(i.product_key, i.offered, i.name) for i in week.low_stock] == [
        ("ART-1", 0, "Товар 0"), ("ART-4", 2, "Товар 3"), ("ART-2", 5, "Товар 1")]
    assert [a.kind for a in week.alerts] == ["stale"]
    plain = report.compose_report_mail(week, to="ops@example.ru").get_body(("plain",))
    assert plain is not None
    assert re.search(r"^- .+ · Ozon · Синхронизация остатков устарела \(ещё не исправлено\)$", plain.get_content(),
                     re.M)


def test_the_report_mail_speaks_the_asked_language(sqlite_engine: Engine) -> None:
    account, _conn = healthy_ozon(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        week = report.weekly_report(session, account_id=account)
    mail = report.compose_report_mail(week, to="ops@example.ru", locale="en")
    assert mail["Subject"] == f"MarketSync weekly stock report: Продавец (#{account})"
    text = mail.get_body(("plain",))
    assert text is not None and "Syncs: 2, failed: 0. Items updated: 6, failed: 0." in text.get_content()


def test_beat_runs_the_monitor_hourly_and_the_report_on_monday_at_nine_moscow_time() -> None:
    schedule = beat_schedule(get_settings())
    hourly = schedule["stock-monitor"]["schedule"]
    weekly = schedule["stock-weekly-report"]["schedule"]
    assert schedule["stock-monitor"]["task"] == "marketsync.stocks.monitor"
    assert schedule["stock-weekly-report"]["task"] == "marketsync.stocks.weekly_report"
    assert isinstance(hourly, crontab) and hourly.minute == {0} and len(hourly.hour) == 24
    assert isinstance(weekly, crontab) and (weekly.minute, weekly.hour, weekly.day_of_week) == ({0}, {6}, {1})
    assert celery_app.conf.timezone == "UTC"  # so 06:00 is 09:00 in Moscow (UTC+3 all year)


def test_the_beat_tasks_check_every_cabinet_and_mail_every_report(sqlite_engine: Engine, channels: Channels) -> None:
    from marketsync.stocks import tasks

    healthy_ozon(sqlite_engine, "healthy@example.ru")
    stale = cabinet(sqlite_engine, "stale@example.ru")
    connect(sqlite_engine, stale, offers=20)
    push(sqlite_engine, stale, hours_ago=12)
    assert tasks.monitor() == 1
    assert len(channels.telegrams) == 1 and f"(#{stale})" in channels.telegrams[0]
    assert tasks.monitor() == 1 and len(channels.telegrams) == 1  # still stale: nothing new
    assert tasks.weekly_report() == 2
    assert sum("weekly stock report" in s or "Еженедельный отчёт" in s for s in channels.mails) == 2
