"""Issue 12 end to end, on SQLite, PostgreSQL and MariaDB: buyers act at the WB sandbox (its event generator),
`sync_cabinet_events` reads WB over real HTTP, delivery sends to the Telegram emulator over real HTTP, and the test
reads what each person's chat received. Each of the six event types reaches every subscribed person of the cabinet
exactly once, and nobody who switched that type off; the initial sync and a second run with nothing new send
nothing; a move between WB's warehouses that keeps a size's total is no critical stock. An order at 23:30 Moscow
time says 23:30 and is counted on its Moscow day."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from marketsync.db import session_scope
from marketsync.notifications import service, tasks
from marketsync.notifications.messages import HEADINGS
from marketsync.orders.digest import orders_digest
from marketsync.orders.models import Order
from marketsync.orders.moscow import MSK
from marketsync.settings import get_settings

from .notify_helpers import BOT_TOKEN, sync

OWNER, PARTNER, CAROL = 9001, 9002, 9003


def shop(make_cabinet: Callable, telegram, *, switched_off: str | None = None):  # type: ignore[no-untyped-def,type-arg]
    """A cabinet of three people (Carol switched `switched_off` off) and a WB shop with some history: a shirt with
    a photo at two of WB's warehouses (5 + 3), orders o0 and o1, order o9 bought out (S9), an old bad review."""
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    cabinet.join(CAROL)
    for person in (OWNER, PARTNER, CAROL):
        telegram.add_chat(BOT_TOKEN, person, first_name="Продавец")
    if switched_off is not None:
        with session_scope(cabinet.engine) as session:
            service.switch(session, telegram_id=CAROL, kind=switched_off, on=False)
    market = cabinet.market
    market.card("101", "Рубашка льняная")
    for name in ("o0", "o1", "o9"):
        market.order(name)
    market.sale("S9", "o9")
    market.review("rv0", 1)
    market.stock("101", "Коледино", 5)
    market.stock("101", "Казань", 3)
    return cabinet


def run_once(cabinet, engine) -> None:  # type: ignore[no-untyped-def]
    """One tick as the worker does it: sync the cabinet's events, then deliver."""
    outcome = sync(cabinet)
    assert outcome.ok, outcome.error
    report = service.deliver(engine)
    assert report.error is None


def chats(telegram) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    """What each person's chat received from the bot: the message text (or the photo's caption)."""
    return {person: [m.caption or m.text for m in telegram.messages(BOT_TOKEN, person)]
            for person in (OWNER, PARTNER, CAROL)}


EVENTS: dict[str, Callable] = {  # type: ignore[type-arg]
    "new_orders": lambda market: market.order("o2"),
    "order_buyouts": lambda market: market.sale("S1", "o0"),
    "order_cancellations": lambda market: market.cancel("o1"),
    "order_returns": lambda market: market.sale("R1", "o9"),
    "negative_reviews": lambda market: (market.review("rv1", 2), market.review("rv2", 5)),  # 5 ★: no event
    "critical_stocks": lambda market: (market.stock("101", "Коледино", 0), market.stock("101", "Казань", 2)),
}


@pytest.mark.parametrize("kind", list(EVENTS))
def test_each_event_type_reaches_each_subscribed_person_once(kind: str, make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                             engine) -> None:
    cabinet = shop(make_cabinet, telegram, switched_off=kind)
    run_once(cabinet, engine)  # the initial sync: stores the history, tells nobody
    assert chats(telegram) == {OWNER: [], PARTNER: [], CAROL: []}
    if kind == "critical_stocks":  # WB moves units between its warehouses: the total (8) stays, no event
        cabinet.market.move("101", "Коледино", "Казань", 4)
        run_once(cabinet, engine)
        assert chats(telegram) == {OWNER: [], PARTNER: [], CAROL: []}

    EVENTS[kind](cabinet.market)
    run_once(cabinet, engine)

    received = chats(telegram)
    assert received[CAROL] == []  # she switched this type off
    for person in (OWNER, PARTNER):
        assert len(received[person]) == 1, received[person]
        text = received[person][0]
        assert text.startswith(f"{HEADINGS[kind]} · Wildberries") and "Рубашка льняная" in text and "МСК" in text
    if kind == "critical_stocks":
        assert "Остаток на всех складах: 2 шт. (было 8)" in received[OWNER][0]
    photos = {m.photo for m in telegram.messages(BOT_TOKEN)}
    assert photos == {cabinet.market.photo("101")}  # the product's photo from WB's card, with the text as caption
    assert [(row.chat_id, row.state) for row in cabinet.outbox()] == [
        (OWNER, "sent"), (PARTNER, "sent"), (CAROL, "skipped")]

    run_once(cabinet, engine)  # nothing new at WB: nothing is sent
    assert chats(telegram) == received


def test_all_six_at_once_through_the_workers_task(make_cabinet: Callable, telegram, engine,  # type: ignore[no-untyped-def,type-arg]
                                                  monkeypatch) -> None:
    cabinet = shop(make_cabinet, telegram, switched_off="order_returns")
    monkeypatch.setenv("SYNC_INTERVAL", "1")  # the task syncs a cabinet only when it is due
    get_settings.cache_clear()
    assert tasks.pull_events(cabinet.account_id) is True  # initial: silent
    assert telegram.messages(BOT_TOKEN) == []
    for make in EVENTS.values():
        make(cabinet.market)
    cabinet.market.move("101", "Казань", "Коледино", 2)  # a move on top: the total stays 2, still one event
    time.sleep(0.6)  # half an interval later the cabinet is due again
    assert tasks.pull_events(cabinet.account_id) is True  # the sync, then its delivery at once
    first = chats(telegram)
    time.sleep(0.6)
    assert tasks.pull_events(cabinet.account_id) is True  # nothing new at WB: nothing sent
    assert chats(telegram) == first
    received = chats(telegram)
    headings = {person: sorted(text.splitlines()[0] for text in texts) for person, texts in received.items()}
    assert headings[OWNER] == headings[PARTNER] == sorted(f"{h} · Wildberries" for h in HEADINGS.values())
    assert headings[CAROL] == sorted(f"{h} · Wildberries" for kind, h in HEADINGS.items() if kind != "order_returns")


def test_an_order_at_2330_moscow_time_says_2330_and_counts_on_its_moscow_day(make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                                           engine) -> None:
    cabinet = make_cabinet(OWNER)
    telegram.add_chat(BOT_TOKEN, OWNER)
    market = cabinet.market
    market.card("101", "Рубашка льняная")
    day = (datetime.now(MSK) - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    at = {name: day + offset for name, offset in (
        ("o0", timedelta(hours=1)),  # 01:00 MSK = 22:00 UTC the day before
        ("early", timedelta(hours=2, minutes=30)),  # 02:30 MSK = 23:30 UTC the day before
        ("late", timedelta(hours=23, minutes=30)),  # 23:30 MSK = 20:30 UTC the same day
        ("next", timedelta(days=1, minutes=30)))}  # 00:30 MSK next day = 21:30 UTC the same UTC day as "late"
    market.order("o0", at=at["o0"], price=1000, discount_percent=0)
    run_once(cabinet, engine)  # initial
    for name in ("early", "late", "next"):
        market.order(name, at=at[name], price=1000, discount_percent=0)
    run_once(cabinet, engine)

    texts = [m.caption or m.text for m in telegram.messages(BOT_TOKEN, OWNER)]
    assert len(texts) == 3
    said = {name: next(t for t in texts if at[name].strftime("%d.%m.%Y %H:%M МСК") in t) for name in at if name != "o0"}
    assert "Заказов за день: 3 на 3 000 ₽" in said["late"]  # o0, early and late: the Moscow day
    assert "Заказов за день: 3 на 3 000 ₽" in said["early"]
    assert "Заказов за день: 1 на 1 000 ₽" in said["next"]  # the next Moscow day, though the same UTC day as late
    assert f"{day:%d.%m.%Y} 23:30 МСК" in said["late"]
    with session_scope(engine) as session:
        stored = session.scalar(select(Order.ordered_at).where(Order.external_id == market.orders["late"].srid))
        assert stored is not None and stored.replace(tzinfo=UTC) == at["late"].astimezone(UTC)
        assert stored.replace(tzinfo=UTC).hour == 20  # kept in UTC
        # The bot's menu counts the same Moscow days.
        assert orders_digest(session, account_id=cabinet.account_id, now=at["late"] + timedelta(minutes=10)).today == 3
        assert orders_digest(session, account_id=cabinet.account_id, now=at["next"] + timedelta(minutes=10)).today == 1
