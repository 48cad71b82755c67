"""Delivery of the outbox to the sandbox Telegram over real HTTP, of events made in the WB sandbox: photos and text,
settings at send time, 429 per chat, permanent refusals, two senders at once, and what a crash leaves behind."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from marketsync.db import session_scope, utcnow
from marketsync.notifications.delivery import deliver
from marketsync.notifications.models import OutboxMessage
from marketsync.notifications.service import history, switch

from .notify_helpers import BOT_TOKEN, sync

OWNER, PARTNER = 6001, 6002


def with_events(make_cabinet: Callable, telegram, *people: int):  # type: ignore[no-untyped-def,type-arg]
    """A cabinet (owner first) whose second sync found a new order, a cancellation and a negative review."""
    cabinet = make_cabinet(people[0])
    for person in people[1:]:
        cabinet.join(person)
    for person in people:
        telegram.add_chat(BOT_TOKEN, person, first_name="Продавец")
    market = cabinet.market
    market.card("101", "Рубашка льняная")
    market.card("999", "Носки", photos=0)  # a product without a photo: text only
    market.order("o1")
    sync(cabinet)
    market.order("o2", product="999")
    market.cancel("o1")
    market.review("rv1", 1)
    assert sync(cabinet).ok
    return cabinet


def test_each_row_goes_once_as_a_photo_or_a_text_and_is_recorded_sent(make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                                     engine) -> None:
    cabinet = with_events(make_cabinet, telegram, OWNER, PARTNER)
    report = deliver(engine, chat_interval=0.05)
    assert report.sent == 6 and report.error is None
    for chat in (OWNER, PARTNER):
        messages = telegram.messages(BOT_TOKEN, chat)
        assert len(messages) == 3
        photos = [m for m in messages if m.photo]
        assert {m.photo for m in photos} == {cabinet.market.photo("101")} and len(photos) == 2
        assert any("Отмена заказа" in (m.caption or "") and "Рубашка льняная" in (m.caption or "") for m in photos)
        text = next(m for m in messages if not m.photo)
        assert "Новый заказ" in text.text and "ART-999" in text.text and "Заказов за день" in text.text
    rows = cabinet.outbox()
    assert {r.state for r in rows} == {"sent"} and all(r.sent_at and r.telegram_message_id for r in rows)
    assert all(r.attempts == 1 for r in rows)
    assert deliver(engine).sent == 0  # nothing recorded as sent goes again
    assert len(telegram.messages(BOT_TOKEN)) == 6
    with session_scope(engine) as session:
        entries = history(session, OWNER)
    assert sorted((e.type, cabinet.market.name(e.wb_id), e.state) for e in entries) == [
        ("negative_reviews", "rv1", "sent"), ("new_orders", "o2", "sent"), ("order_cancellations", "o1", "sent")]


def test_a_type_switched_off_before_sending_is_skipped(make_cabinet: Callable, telegram, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = with_events(make_cabinet, telegram, OWNER, PARTNER)
    with session_scope(engine) as session:  # switched off after detection, before delivery
        switch(session, telegram_id=PARTNER, kind="new_orders", on=False)
    deliver(engine, chat_interval=0.05)
    assert len(telegram.messages(BOT_TOKEN, OWNER)) == 3
    partner = telegram.messages(BOT_TOKEN, PARTNER)
    assert len(partner) == 2 and not any("Новый заказ" in (m.text or "") for m in partner)
    states = {(r.chat_id, r.type): r.state for r in cabinet.outbox()}
    assert states[(PARTNER, "new_orders")] == "skipped" and states[(OWNER, "new_orders")] == "sent"


def test_telegram_429_makes_only_that_chat_wait_and_every_message_arrives_once(make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                                              engine) -> None:
    with_events(make_cabinet, telegram, OWNER, PARTNER)
    telegram.flood.arm(BOT_TOKEN, OWNER, retry_after=2, after=1)  # the owner's second message gets a 429
    first = deliver(engine, chat_interval=0.05)
    assert first.deferred == 1
    assert len(telegram.messages(BOT_TOKEN, PARTNER)) == 3  # the other chat went on
    assert len(telegram.messages(BOT_TOKEN, OWNER)) == 1
    second = deliver(engine, chat_interval=0.05, wait_seconds=5)  # waits out the 2 s, then sends
    assert second.sent == 2
    owner = telegram.messages(BOT_TOKEN, OWNER)
    assert len(owner) == 3 and len({m.text for m in owner}) == 3
    assert telegram.flood.stats(BOT_TOKEN, OWNER) == {"refused": 1, "early": 0}  # nothing before the wait ran out


def test_a_blocked_bot_or_an_unknown_chat_fails_the_row_for_good(make_cabinet: Callable, telegram,  # type: ignore[no-untyped-def,type-arg]
                                                                engine) -> None:
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    telegram.add_chat(BOT_TOKEN, OWNER)  # the partner never started the bot: "chat not found"
    cabinet.market.card("101", "Рубашка льняная")
    cabinet.market.order("o1")
    sync(cabinet)
    cabinet.market.order("o2")
    sync(cabinet)
    report = deliver(engine, chat_interval=0.05)
    assert (report.sent, report.failed) == (1, 1)
    failed = next(r for r in cabinet.outbox() if r.chat_id == PARTNER)
    assert failed.state == "failed" and "chat not found" in (failed.last_error or "") and failed.attempts == 1
    assert deliver(engine).sent == 0


def test_two_senders_at_once_send_each_row_once(make_cabinet: Callable, telegram, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = make_cabinet(OWNER)
    cabinet.join(PARTNER)
    for person in (OWNER, PARTNER):
        telegram.add_chat(BOT_TOKEN, person)
    cabinet.market.card("101", "Рубашка льняная")
    sync(cabinet)
    for number in range(6):
        cabinet.market.order(f"o{number}")
    sync(cabinet)
    reports = []
    senders = [threading.Thread(target=lambda: reports.append(deliver(engine, chat_interval=0.01)))
               for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(60)
    assert sum(r.sent for r in reports) == 12
    assert len(telegram.messages(BOT_TOKEN)) == 12
    assert len(telegram.messages(BOT_TOKEN, OWNER)) == len(telegram.messages(BOT_TOKEN, PARTNER)) == 6
    rows = cabinet.outbox()
    assert {r.state for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
    assert len({r.telegram_message_id for r in rows}) == 12


def test_rows_left_by_a_crash_are_sent_by_the_next_tick_and_a_dead_senders_claim_lapses(  # type: ignore[no-untyped-def]
        make_cabinet: Callable, telegram, engine) -> None:  # type: ignore[type-arg]
    cabinet = with_events(make_cabinet, telegram, OWNER)  # the worker died after detection: rows pending
    dead = cabinet.outbox()[0].id
    with session_scope(engine) as session:  # and one row was claimed by a sender that died
        session.execute(update(OutboxMessage).where(OutboxMessage.id == dead)
                        .values(claimed_until=utcnow() + timedelta(seconds=60), attempts=1))
    assert deliver(engine, chat_interval=0.05).sent == 2
    with session_scope(engine) as session:  # its lease runs out
        session.execute(update(OutboxMessage).where(OutboxMessage.id == dead)
                        .values(claimed_until=utcnow() - timedelta(seconds=1)))
    assert deliver(engine).sent == 1
    assert len(telegram.messages(BOT_TOKEN, OWNER)) == 3
    assert {r.state for r in cabinet.outbox()} == {"sent"}


def test_the_message_names_the_event_time_in_msk(make_cabinet: Callable, telegram, engine) -> None:  # type: ignore[no-untyped-def,type-arg]
    cabinet = with_events(make_cabinet, telegram, OWNER)
    deliver(engine, chat_interval=0.05)
    order = cabinet.market.orders["o2"]
    text = next(m.text for m in telegram.messages(BOT_TOKEN, OWNER) if "Новый заказ" in m.text)
    # WB's statistics speak Moscow time without an offset: the message shows that same wall-clock time.
    assert order.date.strftime("%d.%m.%Y %H:%M МСК") in text
