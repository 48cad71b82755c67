"""The stock monitor's alerts as the operator receives them: each kind raised once while its condition lasts and
cleared once when it ends, by e-mail (the SMTP sink) and Telegram (the emulator's chat); a failed delivery is
recorded and sent by the next run, never twice; a mode touches only the alerts it checks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from marketsync.connections.service import disconnect
from marketsync.db import session_scope
from marketsync.stocks import monitor_service
from marketsync.stocks.models import MonitorAlert
from marketsync.sync import runs
from marketsync.sync.monitor import ANOMALIES, HEALTH, LAST_SYNC
from stock_builders import (
    CHAT_ID,
    Channels,
    cabinet,
    connect,
    healthy_ozon,
    list_offers,
    push,
)


def _monitor(engine: Engine, account_id: int, mode: str = HEALTH) -> monitor_service.MonitorOutcome:
    return monitor_service.run_monitor(engine, account_id=account_id, mode=mode)


def _alerts(engine: Engine, account_id: int) -> list[MonitorAlert]:
    with session_scope(engine) as session:
        return list(session.query(MonitorAlert).filter_by(account_id=account_id).order_by(MonitorAlert.id))


def _stale(engine: Engine, account: int, conn: int) -> Callable[[], None]:
    push(engine, account, hours_ago=30)
    push(engine, account, hours_ago=9)
    return lambda: push(engine, account, hours_ago=0.1)


def _few_products(engine: Engine, account: int, conn: int) -> Callable[[], None]:
    list_offers(engine, account, conn, 9, archived=5)  # archived offers are not counted
    push(engine, account, hours_ago=7)
    push(engine, account, hours_ago=1)
    return lambda: list_offers(engine, account, conn, 10)


def _stock_jump(engine: Engine, account: int, conn: int) -> Callable[[], None]:
    push(engine, account, hours_ago=7, stock_total=1000)
    push(engine, account, hours_ago=1, stock_total=1111)  # +11.1 %
    return lambda: push(engine, account, hours_ago=0.1, stock_total=1111)


def _offers_drop(engine: Engine, account: int, conn: int) -> Callable[[], None]:
    push(engine, account, hours_ago=7, offers=100)
    push(engine, account, hours_ago=1, offers=89)
    return lambda: push(engine, account, hours_ago=0.1, offers=89)


SCENARIOS = {"stale": (_stale, "Синхронизация остатков устарела", "Stock sync is stale"),
             "few_products": (_few_products, "Слишком мало товаров", "Too few products"),
             "stock_jump": (_stock_jump, "Резкое изменение суммы остатков", "The stock total jumped"),
             "offers_drop": (_offers_drop, "Маркетплейс показывает намного меньше товаров",
                             "The marketplace lists far fewer products")}


@pytest.mark.parametrize("kind", SCENARIOS)
def test_each_alert_kind_is_sent_once_and_its_recovery_once(sqlite_engine: Engine, channels: Channels,
                                                            kind: str) -> None:
    account = cabinet(sqlite_engine)
    conn = connect(sqlite_engine, account)
    list_offers(sqlite_engine, account, conn, 20)
    build, russian, english = SCENARIOS[kind]
    fix = build(sqlite_engine, account, conn)

    first = _monitor(sqlite_engine, account)
    assert not first.healthy and [a.kind for a in first.raised] == [kind]
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1
    assert russian in channels.mails[0] and english in channels.mails[0] and "Ozon" in channels.mails[0]
    text = channels.telegrams[0]
    assert text.index(russian) < text.index(english), "Russian first, then English"

    second = _monitor(sqlite_engine, account)  # the condition lasts: nothing new goes out
    assert not second.healthy and second.raised == [] and second.delivery.sent == 0
    assert (len(channels.mails), len(channels.telegrams)) == (1, 1)

    fix()
    third = _monitor(sqlite_engine, account)
    assert third.healthy and [a.kind for a in third.cleared] == [kind]
    assert len(channels.mails) == 2 and len(channels.telegrams) == 2
    assert "Исправлено" in channels.telegrams[1] and "Resolved" in channels.telegrams[1]

    _monitor(sqlite_engine, account)  # healthy again: no second recovery
    assert (len(channels.mails), len(channels.telegrams)) == (2, 2)
    [alert] = _alerts(sqlite_engine, account)
    assert alert.cleared_at is not None and alert.open_key is None
    assert None not in (alert.mailed_at, alert.telegram_at, alert.clear_mailed_at, alert.clear_telegram_at)


def test_every_kind_at_once_is_kept_apart_on_every_database(engine: Engine, channels: Channels) -> None:
    account = cabinet(engine)
    conn = connect(engine, account)
    list_offers(engine, account, conn, 5)
    push(engine, account, hours_ago=20, offers=100, stock_total=1000)
    push(engine, account, hours_ago=10, offers=50, stock_total=2000)

    assert sorted(a.kind for a in _monitor(engine, account).raised) == sorted(SCENARIOS)
    assert _monitor(engine, account).raised == []
    list_offers(engine, account, conn, 50)
    push(engine, account, hours_ago=0.1, offers=50, stock_total=2000)
    assert sorted(a.kind for a in _monitor(engine, account).cleared) == sorted(SCENARIOS)

    # A new episode of the same kind is a new alert (the unique key only binds open ones, on every dialect).
    push(engine, account, hours_ago=0.05, offers=50, stock_total=5000)
    assert [a.kind for a in _monitor(engine, account).raised] == ["stock_jump"]
    assert len(_alerts(engine, account)) == 5
    assert (len(channels.mails), len(channels.telegrams)) == (9, 9)


def test_a_failed_delivery_goes_out_on_the_next_run_and_only_then(sqlite_engine: Engine, channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    conn = connect(sqlite_engine, account)
    fix = _stale(sqlite_engine, account, conn)
    list_offers(sqlite_engine, account, conn, 20)
    channels.state.faults.configure("telegram", rate=1.0, kinds=["500"], max_faults=1)

    first = _monitor(sqlite_engine, account)
    assert first.delivery.sent == 1 and first.delivery.failed and first.delivery.failed[0].startswith("telegram")
    assert len(channels.mails) == 1 and channels.telegrams == []
    [alert] = _alerts(sqlite_engine, account)
    assert alert.delivery_error and alert.delivery_error.startswith("telegram:") and alert.telegram_at is None

    second = _monitor(sqlite_engine, account)
    assert second.delivery.sent == 1 and second.delivery.failed == []
    assert len(channels.mails) == 1 and len(channels.telegrams) == 1
    assert _alerts(sqlite_engine, account)[0].delivery_error is None

    fix()
    _monitor(sqlite_engine, account)
    _monitor(sqlite_engine, account)
    assert (len(channels.mails), len(channels.telegrams)) == (2, 2)


def test_flood_control_defers_telegram_to_the_next_run_without_blocking(sqlite_engine: Engine,
                                                                       channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    conn = connect(sqlite_engine, account)
    list_offers(sqlite_engine, account, conn, 20)
    _stale(sqlite_engine, account, conn)
    channels.state.faults.configure("telegram", rate=1.0, kinds=["429"], retry_after=600, max_faults=1)
    outcome = _monitor(sqlite_engine, account)
    assert outcome.delivery.failed and "429" in outcome.delivery.failed[0]
    assert channels.telegrams == [] and len(channels.mails) == 1
    _monitor(sqlite_engine, account)
    assert len(channels.telegrams) == 1


def test_a_recovery_follows_its_alert_when_the_alert_could_not_go_out_in_time(sqlite_engine: Engine,
                                                                            channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    conn = connect(sqlite_engine, account)
    list_offers(sqlite_engine, account, conn, 20)
    fix = _stock_jump(sqlite_engine, account, conn)
    channels.state.telegram.revoke(channels.token)  # Telegram refuses the bot while the alert is raised
    _monitor(sqlite_engine, account)
    fix()
    channels.state.telegram.add_bot(channels.token)
    channels.state.telegram.add_chat(channels.token, CHAT_ID)
    outcome = _monitor(sqlite_engine, account)
    assert outcome.delivery.sent == 3  # the alert by Telegram, then both recoveries
    assert ["⚠️" in t for t in channels.telegrams] == [True, False]
    assert len(channels.mails) == 2


def test_a_mode_raises_and_clears_only_what_it_checks(sqlite_engine: Engine, channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    conn = connect(sqlite_engine, account)
    list_offers(sqlite_engine, account, conn, 20)
    engine = sqlite_engine
    push(engine, account, hours_ago=20, stock_total=100)
    push(engine, account, hours_ago=10, stock_total=500)  # stale, and the stock total jumped

    assert [a.kind for a in _monitor(engine, account, LAST_SYNC).raised] == ["stale"]
    assert [a.kind for a in _monitor(engine, account, ANOMALIES).raised] == ["stock_jump"]
    push(engine, account, hours_ago=0.1, stock_total=500)  # fresh and steady
    assert [a.kind for a in _monitor(engine, account, ANOMALIES).cleared] == ["stock_jump"]
    assert [a.kind for a in monitor_service.run_monitor(engine, account_id=account, mode=ANOMALIES).cleared] == []
    assert [a.kind for a in _monitor(engine, account, LAST_SYNC).cleared] == ["stale"]


def test_test_mode_runs_and_pushes_refused_whole_are_no_successful_sync(sqlite_engine: Engine,
                                                                        channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    list_offers(sqlite_engine, account, connect(sqlite_engine, account), 20)
    push(sqlite_engine, account, hours_ago=9)
    push(sqlite_engine, account, hours_ago=0.3, dry_run=True)
    push(sqlite_engine, account, hours_ago=0.2, status="failed", updated=0, failed=2)  # every item refused
    push(sqlite_engine, account, hours_ago=0.1, status="failed", updated=0, error="Ozon rejected the credentials")
    [finding] = _monitor(sqlite_engine, account).sources[0].findings
    assert finding.kind == "stale" and finding.details["age_hours"] == 9.0


def test_a_push_with_some_items_refused_is_a_sync_the_rest_reached_the_marketplace(sqlite_engine: Engine,
                                                                                   channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    list_offers(sqlite_engine, account, connect(sqlite_engine, account), 20)
    push(sqlite_engine, account, hours_ago=9)
    push(sqlite_engine, account, hours_ago=0.1, status="failed", updated=17, failed=1)  # one offer on moderation
    [source] = _monitor(sqlite_engine, account).sources
    assert source.healthy and source.age_hours == 0.1, "no stale alert while the other items keep arriving"
    assert source.last_run is not None and source.last_run.status == "failed", "the refusal stays visible"


def test_a_marketplace_connected_a_moment_ago_gets_time_for_its_first_sync(sqlite_engine: Engine) -> None:
    account = cabinet(sqlite_engine)
    connect(sqlite_engine, account, days_ago=0.1)
    assert _monitor(sqlite_engine, account).healthy
    connect(sqlite_engine, account, "wildberries", days_ago=1)
    [ozon, wildberries] = _monitor(sqlite_engine, account).sources
    assert ozon.healthy and [f.kind for f in wildberries.findings] == ["stale"]
    assert wildberries.findings[0].details["age_hours"] is None


def test_disconnecting_a_marketplace_closes_its_alerts(sqlite_engine: Engine, channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    _stale(sqlite_engine, account, connect(sqlite_engine, account, offers=20))
    _monitor(sqlite_engine, account)
    with session_scope(sqlite_engine) as session:
        disconnect(session, account_id=account, system="ozon")
    outcome = _monitor(sqlite_engine, account)
    assert outcome.sources == [] and [a.kind for a in outcome.cleared] == ["stale"]
    assert "больше не отслеживается" in channels.telegrams[-1]


def test_an_overlapping_run_leaves_the_alerts_to_the_one_holding_the_lease(sqlite_engine: Engine,
                                                                          channels: Channels) -> None:
    account = cabinet(sqlite_engine)
    _stale(sqlite_engine, account, connect(sqlite_engine, account, offers=20))
    assert runs.acquire_lock(sqlite_engine, pipeline=monitor_service.MONITOR_LOCK, account_id=account, owner="cron")
    outcome = _monitor(sqlite_engine, account)
    assert outcome.busy and not outcome.healthy and outcome.raised == []
    assert channels.mails == [] and channels.telegrams == []
    runs.release_lock(sqlite_engine, pipeline=monitor_service.MONITOR_LOCK, account_id=account, owner="cron")
    assert len(_monitor(sqlite_engine, account).raised) == 1


def test_alerts_stay_in_their_cabinet(sqlite_engine: Engine, channels: Channels) -> None:
    mine = cabinet(sqlite_engine)
    _stale(sqlite_engine, mine, connect(sqlite_engine, mine, offers=20))
    other, _conn = healthy_ozon(sqlite_engine, "other@example.ru")
    assert _monitor(sqlite_engine, other).healthy
    assert _alerts(sqlite_engine, other) == [] and channels.mails == []
    assert len(_monitor(sqlite_engine, mine).raised) == 1
    assert f"(#{mine})" in channels.telegrams[0]
