"""The whole onboarding dialogue, driven through the Telegram emulator over real HTTP with aiogram's own long
polling, against the WB sandbox: /start asks for the WB key; a wrong key (not even shaped like one, or one WB does
not know) gets a clear message and no menu; a seeded seller's key says the sync is running and opens the menu only
once the real initial sync (the bot's production one: orders.service.sync_cabinet_events) has read WB and
finished; a second person with the same key joins the same cabinet; the settings switches edit their message at
once and change the database; the menu shows the orders and critical stocks that sync stored. On SQLite,
PostgreSQL and MariaDB.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from bot_harness import Person, PollingBot, wait_for
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import AccountMember, OAuthIdentity, User
from marketsync.bot import texts
from marketsync.bot.app import build_bot, build_dispatcher, production_initial_sync
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.notifications.models import NotificationSetting, OutboxMessage
from marketsync.orders.models import Order, SizeStockTotal
from marketsync.orders.service import sync_cabinet_events
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.security import fingerprint
from marketsync.settings import get_settings
from marketsync.sync.models import SyncRun

pytestmark = pytest.mark.timeout(120)
BOT_TOKEN = "7100000001:onboarding-test-bot-token-AAAAAAAAAA"
WB_KEY = "wb-test-key-onboarding-0123456789abcdef"
UNKNOWN_KEY = "wb-test-key-nobody-has-0123456789abcdef"
ANNA, BORIS = 881000001, 881000002
BARCODE = "4600000000420"


class WatchedSync:
    """The bot's production initial sync (orders.service.sync_cabinet_events, reading the WB sandbox), held until
    released (so the test sees the menu wait for it) and watched: each call's arguments and, the moment it
    returned, its outcome, its run row's status and which menu messages the bot had sent by then."""

    def __init__(self, telegram: Any) -> None:
        self.telegram = telegram
        self.release = threading.Event()
        self.calls: list[dict[str, Any]] = []
        self.ended: list[dict[str, Any]] = []

    def __call__(self, engine: Engine, *, account_id: int, silent: bool = True) -> Any:
        self.calls.append({"account_id": account_id, "silent": silent})
        assert self.release.wait(30), "the test never released the sync"
        outcome = production_initial_sync(engine, account_id=account_id, silent=silent)
        with session_scope(engine) as session:
            run = session.get(SyncRun, outcome.run_id) if outcome.run_id else None
            status = (run.status, run.finished_at is not None) if run is not None else None
        menus = [m.message_id for m in self.telegram.messages(BOT_TOKEN) if "keyboard" in (m.reply_markup or {})]
        self.ended.append({"ok": outcome.ok, "error": outcome.error, "run": status, "menus": menus})
        return outcome


@pytest.fixture
def running_bot(engine: Engine, sandbox: ServerThread, sandbox_state: Any, env: dict[str, str],
                monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[PollingBot, WatchedSync]]:
    """The bot polling the emulator; a WB seller whose key is WB_KEY with a dress ordered today and its size M
    down to 1 unit over two of WB's warehouses; the watched real initial sync."""
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")  # the emulator checks aiogram's requests and its answers
    monkeypatch.setenv("BASE_URL", "https://cabinet.example.ru")
    get_settings.cache_clear()
    sandbox_state.telegram.add_bot(BOT_TOKEN)
    wb = sandbox_state.wildberries
    seed_wildberries(wb, WB_KEY, offers=[{
        "vendor_code": "PLATYE-42", "title": "Платье летнее", "sizes": [{"tech_size": "M", "barcodes": [BARCODE]}],
        "fbo": [{"warehouse": "Коледино", "quantity": 1}, {"warehouse": "Казань", "quantity": 0}]}])
    events.place_order(wb, WB_KEY, barcode=BARCODE, price=2490, discount_percent=0, warehouse="Коледино")
    sync = WatchedSync(sandbox_state.telegram)
    dispatcher = build_dispatcher(engine=engine, initial_sync=sync)
    with PollingBot(dispatcher, build_bot(BOT_TOKEN, f"{sandbox.url}/telegram")) as polling:
        yield polling, sync
        sync.release.set()


def _person(sandbox_state: Any, chat_id: int, name: str) -> Person:
    return Person(sandbox_state.telegram, BOT_TOKEN, chat_id, name)


def test_the_onboarding_dialogue_from_start_to_menu(running_bot: tuple[PollingBot, WatchedSync],
                                                    sandbox_state: Any, engine: Engine) -> None:
    _polling, sync = running_bot
    anna = _person(sandbox_state, ANNA, "Анна")
    commands = sandbox_state.telegram.updates.of(BOT_TOKEN).commands
    wait_for(lambda: commands, message="setMyCommands at startup")
    assert {c["command"] for entry in commands.values() for c in entry} == {"start", "menu", "settings", "help"}

    anna.say_and_wait("/start", "API-ключ Wildberries")
    anna.say_and_wait("это-не-ключ-0000000000", "Ключ не подошёл")  # not even shaped like a key
    anna.say_and_wait(UNKNOWN_KEY, "Ключ не подошёл")  # WB answers 401: it knows no such key
    anna.say_and_wait(texts.MENU_ORDERS, "Сначала пришлите API-ключ")
    anna.say_and_wait("/menu", "Сначала пришлите API-ключ")
    assert not anna.has_menu() and sync.calls == []

    anna.say_and_wait(WB_KEY, "синхронизация")
    wait_for(lambda: sync.calls, message="the initial sync to start")
    assert not anna.has_menu(), "the menu opened before the initial sync finished"
    sync.release.set()
    done = anna.wait_text("Синхронизация завершена")
    assert "keyboard" in (done.reply_markup or {}) and anna.has_menu()
    assert sync.calls == [{"account_id": sync.calls[0]["account_id"], "silent": True}]
    # When the sync returned, its run had finished and no menu had been sent yet.
    assert sync.ended == [{"ok": True, "error": None, "run": ("succeeded", True), "menus": []}]

    with session_scope(engine) as session:
        user = session.scalar(select(User).join(OAuthIdentity).where(OAuthIdentity.provider == "telegram",
                                                                     OAuthIdentity.subject == str(ANNA)))
        assert user is not None and user.email is None and user.name == "Анна"
        connection = session.scalar(select(Connection).where(Connection.system == "wildberries"))
        assert connection is not None and connection.account_id == sync.calls[0]["account_id"]
        assert connection.credential_fingerprint == fingerprint(f"wildberries:{WB_KEY}")
        assert WB_KEY not in connection.credentials_encrypted
        # What the sync read from WB is stored, and it told nobody (the initial sync is silent).
        assert session.scalar(select(func.count()).select_from(Order)) == 1
        assert session.scalar(select(SizeStockTotal.total).where(SizeStockTotal.size_key == BARCODE)) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0

    orders = anna.say_and_wait(texts.MENU_ORDERS, "Заказы сегодня")
    assert "1 на 2 490 ₽" in orders.text and "PLATYE-42 (M)" in orders.text
    assert "Коледино → Московская" in orders.text
    stocks = anna.say_and_wait(texts.MENU_STOCKS, "Критические остатки")
    assert "PLATYE-42, размер M: 1 шт." in stocks.text
    cabinet = anna.say_and_wait(texts.MENU_CABINET, "https://cabinet.example.ru")
    link = cabinet.reply_markup["inline_keyboard"][0][0]["url"] if cabinet.reply_markup else ""
    assert link.startswith("https://cabinet.example.ru/login/telegram?token="), "a one-time sign-in link"
    anna.say_and_wait("/help", "/settings")


def test_settings_switches_edit_their_message_and_change_the_database(
        running_bot: tuple[PollingBot, WatchedSync], sandbox_state: Any, engine: Engine) -> None:
    _polling, sync = running_bot
    sync.release.set()
    anna = _person(sandbox_state, ANNA, "Анна")
    anna.say_and_wait("/start", "API-ключ")
    anna.say_and_wait(WB_KEY, "Синхронизация завершена")

    panel = anna.say_and_wait("/settings", "Уведомления: включены")
    buttons = [b["text"] for row in panel.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]
    assert buttons == ["✅ Все уведомления", "✅ Новые заказы", "✅ Выкупы", "✅ Отмены", "✅ Возвраты",
                       "✅ Негативные отзывы", "✅ Критические остатки"]
    query = anna.press(panel, "ns:order_returns")
    wait_for(lambda: "❌ Возвраты" in next(m for m in anna.received() if m.message_id == panel.message_id).text,
             message="the settings message edited")
    edited = next(m for m in anna.received() if m.message_id == panel.message_id)
    shown = [b["text"] for row in edited.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]
    assert edited.edit_date is not None and "❌ Возвраты" in shown and "✅ Выкупы" in shown
    answer = wait_for(lambda: sandbox_state.telegram.updates.of(BOT_TOKEN).callbacks[query].answered)
    assert answer and sandbox_state.telegram.updates.of(BOT_TOKEN).callbacks[query].text == "Возвраты: выключено"

    anna.press(edited, "ns:all")
    wait_for(lambda: "выключены все" in next(m for m in anna.received() if m.message_id == panel.message_id).text,
             message="the global switch shown off")
    with session_scope(engine) as session:
        row = session.scalar(select(NotificationSetting))
        assert row is not None and row.order_returns is False and row.enabled is False and row.new_orders is True
    assert len([m for m in anna.received() if "Уведомления" in m.text]) == 1  # edited in place, never resent


def test_a_second_person_with_the_same_key_joins_that_cabinet(
        running_bot: tuple[PollingBot, WatchedSync], sandbox_state: Any, engine: Engine) -> None:
    _polling, sync = running_bot
    sync.release.set()
    anna, boris = _person(sandbox_state, ANNA, "Анна"), _person(sandbox_state, BORIS, "Борис")
    anna.say_and_wait("/start", "API-ключ")
    anna.say_and_wait(WB_KEY, "Синхронизация завершена")
    boris.say_and_wait("/start", "API-ключ")
    joined = boris.say_and_wait(f"  {WB_KEY}  ", "синхронизация")
    assert "этот кабинет уже подключён" in joined.text
    boris.wait_text("Синхронизация завершена")
    assert boris.has_menu()

    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Connection)) == 1
        cabinet = session.scalar(select(Connection.account_id))
        members = dict(session.execute(select(OAuthIdentity.subject, AccountMember.role)
                                       .join(AccountMember, AccountMember.user_id == OAuthIdentity.user_id)
                                       .where(AccountMember.account_id == cabinet)).all())
    assert members == {str(ANNA): "owner", str(BORIS): "manager"}
    assert [call["account_id"] for call in sync.calls] == [cabinet, cabinet]
    assert all(call["silent"] for call in sync.calls)
    assert [(end["ok"], end["run"]) for end in sync.ended] == [(True, ("succeeded", True))] * 2
    orders = boris.say_and_wait(texts.MENU_ORDERS, "Заказы сегодня")
    assert "PLATYE-42" in orders.text


def test_a_person_joining_while_beats_sync_runs_gets_the_menu_once_it_has_ended(
        running_bot: tuple[PollingBot, WatchedSync], sandbox_state: Any, engine: Engine) -> None:
    _polling, sync = running_bot
    sync.release.set()
    anna, boris = _person(sandbox_state, ANNA, "Анна"), _person(sandbox_state, BORIS, "Борис")
    anna.say_and_wait("/start", "API-ключ")
    anna.say_and_wait(WB_KEY, "Синхронизация завершена")
    cabinet = sync.calls[0]["account_id"]
    sandbox_state.faults.configure("wildberries", latency_ms=600)  # a slow WB: beat's sync takes seconds
    beats: list[Any] = []
    beat = threading.Thread(target=lambda: beats.append(sync_cabinet_events(engine, account_id=cabinet)))
    beat.start()
    try:
        wait_for(lambda: _running(engine, cabinet), message="beat's sync under way")
        boris.say_and_wait("/start", "API-ключ")
        boris.say_and_wait(WB_KEY, "синхронизация")
        done = boris.wait_text("Синхронизация завершена", timeout=60)
    finally:
        beat.join(60)
        sandbox_state.faults.clear("wildberries")
    assert beats and beats[0].ok, beats
    assert "keyboard" in (done.reply_markup or {}) and not any("не удалась" in m.text for m in boris.received())
    assert sync.ended[-1]["ok"] and sync.ended[-1]["run"] == ("succeeded", True)
    with session_scope(engine) as session:
        runs = list(session.execute(select(SyncRun.status, SyncRun.started_at, SyncRun.finished_at)
                                    .where(SyncRun.account_id == cabinet, SyncRun.status == "succeeded")
                                    .order_by(SyncRun.id)))
    assert len(runs) == 3  # Anna's, beat's, and Boris's, which started after beat's had finished
    assert runs[2].started_at >= runs[1].finished_at


def _running(engine: Engine, account_id: int) -> bool:
    with session_scope(engine) as session:
        return bool(session.scalar(select(func.count()).select_from(SyncRun).where(
            SyncRun.account_id == account_id, SyncRun.status == "running")))
