"""`marketsync monitor` and `marketsync check-connections` as cron and an operator run them: one line per cabinet
and marketplace, every exit code, alerts as a side effect, the weekly report mailed with its chart."""

from __future__ import annotations

import re

import pytest
from cli_runner import cli
from sqlalchemy.engine import Engine

from marketsync.db import session_scope
from marketsync.settings import get_settings
from marketsync.stocks.models import MonitorAlert
from stock_builders import ALERT_EMAIL, Channels, cabinet, connect, healthy_ozon, push

SELLER = "seller@example.ru"


def _stale_cabinet(engine: Engine, email: str) -> int:
    account = cabinet(engine, email)
    connect(engine, account, offers=20)
    push(engine, account, hours_ago=20)
    push(engine, account, hours_ago=10)
    return account


@pytest.mark.parametrize("flags", [[], ["--health-check", "--weekly-report"]])
def test_monitor_wants_exactly_one_check(sqlite_engine: Engine, flags: list[str]) -> None:
    code, out = cli("monitor", *flags)
    assert code == 2 and "exactly one of --health-check" in out


def test_a_healthy_cabinet_exits_0_with_one_line_per_marketplace(sqlite_engine: Engine, channels: Channels) -> None:
    healthy_ozon(sqlite_engine, SELLER)
    code, out = cli("monitor", "--user", SELLER, "--health-check")
    assert code == 0, out
    assert out.splitlines() == ["Ozon: ✓ healthy (last successful sync 1 h ago, 20 products listed, stock total 100)"]
    assert channels.mails == [] and channels.telegrams == []


def test_a_stale_cabinet_exits_1_and_raises_its_alert_once(sqlite_engine: Engine, channels: Channels) -> None:
    _stale_cabinet(sqlite_engine, SELLER)
    code, out = cli("monitor", "--user", SELLER, "--check-last-sync")
    assert code == 1
    assert out.splitlines() == ["Ozon: ✗ Stock sync is stale: no successful stock sync for 10 h (limit 8 h) "
                                "[alert raised: stale]"]
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1
    code, out = cli("monitor", "--user", SELLER, "--check-last-sync")
    assert code == 1 and "[alert raised" not in out
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1


def test_each_mode_exits_by_its_own_checks(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    connect(sqlite_engine, account, offers=20)
    push(sqlite_engine, account, hours_ago=2, stock_total=100)
    push(sqlite_engine, account, hours_ago=1, stock_total=200)  # fresh, but the stock total doubled
    assert cli("monitor", "--user", SELLER, "--check-last-sync")[0] == 0
    code, out = cli("monitor", "--user", SELLER, "--detect-anomalies")
    assert code == 1 and "The stock total jumped: the stock total changed by +100 %" in out
    assert cli("monitor", "--user", SELLER, "--health-check")[0] == 1


def test_without_user_every_cabinet_is_checked_and_named(sqlite_engine: Engine) -> None:
    healthy, _conn = healthy_ozon(sqlite_engine, "healthy@example.ru")
    stale = _stale_cabinet(sqlite_engine, "stale@example.ru")
    cabinet(sqlite_engine, "no-marketplace@example.ru")
    code, out = cli("monitor", "--health-check")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"[cabinet {healthy} «Продавец»] Ozon: ✓ healthy")
    assert lines[1].startswith(f"[cabinet {stale} «Продавец»] Ozon: ✗ Stock sync is stale")


def test_nothing_to_watch_is_healthy(sqlite_engine: Engine) -> None:
    assert cli("monitor", "--health-check") == (0, "no marketplace is connected\n")
    cabinet(sqlite_engine)
    assert cli("monitor", "--user", SELLER, "--health-check") == (0, "no marketplace is watched\n")


def test_weekly_report_is_mailed_with_its_chart_inline(sqlite_engine: Engine, channels: Channels) -> None:
    account, _conn = healthy_ozon(sqlite_engine, SELLER)
    code, out = cli("monitor", "--weekly-report")
    assert code == 0 and out == f"[cabinet {account} «Продавец»] weekly report sent\n"
    [mail] = [m for m in channels.mailbox if m["To"] == ALERT_EMAIL]
    assert "Еженедельный отчёт MarketSync по остаткам" in str(mail["Subject"])
    html = mail.get_body(("html",))
    assert html is not None
    [image] = [part for part in mail.walk() if part.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    plain = mail.get_body(("plain",))
    assert plain is not None and "Синхронизаций: 2, с ошибками: 0. Обновлено позиций: 6" in plain.get_content()


def test_weekly_report_exits_1_when_it_cannot_be_sent(sqlite_engine: Engine, channels: Channels,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    healthy_ozon(sqlite_engine, SELLER)
    monkeypatch.delenv("ALERT_EMAIL")
    get_settings.cache_clear()
    assert cli("monitor", "--user", SELLER, "--weekly-report") == (
        1, "weekly report not sent: ALERT_EMAIL is not set\n")
    monkeypatch.setenv("ALERT_EMAIL", ALERT_EMAIL)
    monkeypatch.setenv("SMTP_PORT", "1")  # nothing listens there
    get_settings.cache_clear()
    code, out = cli("monitor", "--user", SELLER, "--weekly-report")
    assert code == 1 and out.startswith("weekly report not sent: mail to ops@example.ru was not delivered")


def test_an_undelivered_alert_is_said_on_stderr_and_kept_for_the_next_run(sqlite_engine: Engine, channels: Channels,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    account = _stale_cabinet(sqlite_engine, SELLER)
    monkeypatch.setenv("SMTP_PORT", "1")
    get_settings.cache_clear()
    code, out = cli("monitor", "--user", SELLER, "--health-check")
    assert code == 1 and "alert not delivered (mail: mail to ops@example.ru was not delivered" in out
    with session_scope(sqlite_engine) as session:
        [alert] = session.query(MonitorAlert).filter_by(account_id=account).all()
        assert alert.mailed_at is None and alert.telegram_at is not None


def test_check_connections_with_mail_off_exits_0(sqlite_engine: Engine) -> None:
    code, out = cli("check-connections")
    assert code == 0, out
    assert out.splitlines() == ["✓ Database: answers", "✓ Broker: answers",
                                "✓ SMTP: e-mail is off (EMAIL_PROVIDER=console): mail is written to the log"]


def test_check_connections_checks_smtp_and_the_alert_bot(sqlite_engine: Engine, channels: Channels) -> None:
    code, out = cli("check-connections")
    assert code == 0, out
    assert re.search(r"^✓ SMTP: 127\.0\.0\.1:\d+ accepts us$", out, re.M)
    assert "✓ Telegram: bot @shop_monitor_bot, alerts to chat 5550101" in out
    channels.state.telegram.revoke(channels.token)
    code, out = cli("check-connections")
    assert code == 1 and "✗ Telegram: Telegram error 401: Unauthorized" in out


@pytest.mark.parametrize(("setting", "value", "line"), [
    ("SMTP_PORT", "1", "✗ SMTP: SMTP 127.0.0.1:1:"),
    ("REDIS_URL", "redis://127.0.0.1:1/0", "✗ Broker: ConnectionError"),
])
def test_check_connections_exits_1_when_a_service_is_down(sqlite_engine: Engine, mailbox, setting: str,  # type: ignore[no-untyped-def]
                                                          value: str, line: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(setting, value)
    get_settings.cache_clear()
    code, out = cli("check-connections")
    assert code == 1 and line in out, out
    assert "✓ Database: answers" in out


def test_check_connections_names_each_marketplace_of_the_cabinet(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    connect(sqlite_engine, account, "yandex_market")
    with session_scope(sqlite_engine) as session:  # credentials saved under a key this server no longer has
        from marketsync.connections.models import Connection

        session.query(Connection).filter_by(account_id=account).update({"credentials_encrypted": "gAAAA-stale"})
    code, out = cli("check-connections", "--user", SELLER)
    assert code == 1
    assert out.splitlines()[0] == "✗ Yandex Market: The stored credentials cannot be read any more: connect again"
    code, out = cli("check-connections")
    assert out.splitlines()[0].startswith(f"[cabinet {account}] ✗ Yandex Market:")
