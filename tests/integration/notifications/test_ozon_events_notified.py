"""Ozon through the same detector: a cabinet connected to the Ozon sandbox is synced silently first, then an
order placed, delivered (a buyout) and a posting cancelled there each reach the owner's Telegram once, named as
Ozon's; a second sync with nothing new sends nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from marketsync.accounts.models import OAuthIdentity
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.notifications.service import deliver
from marketsync.orders.service import sync_cabinet_events
from marketsync.sandbox.ozon import events
from ozon_world import seed_seller

from .notify_helpers import BOT_TOKEN

OWNER = 730000001


def test_ozon_orders_buyouts_and_cancellations_reach_telegram_once(engine: Engine, env: Any, sandbox_state: Any,
                                                                    telegram: Any) -> None:
    world = seed_seller(sandbox_state, offers=3)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    early = events.place_posting(ozon, client_id, offer_id="A-1")  # history: the initial sync tells nobody
    telegram.add_chat(BOT_TOKEN, OWNER)
    with session_scope(engine) as session:
        owner = create_user(session, email=f"owner{OWNER}@example.ru", password=None, name="Продавец")
        session.add(OAuthIdentity(provider="telegram", subject=str(OWNER), user_id=owner.id))
        account_id = primary_account_id(session, owner.id)
        save_connection(session, account_id=account_id, system="ozon", credentials=world.credentials())

    first = sync_cabinet_events(engine, account_id=account_id)
    assert first.ok, first.error
    deliver(engine)
    assert telegram.messages(BOT_TOKEN, OWNER) == [], "the initial sync notifies nothing"

    placed = events.place_posting(ozon, client_id, offer_id="A-2")
    events.cancel_posting(ozon, client_id, early.posting_number)
    shipped = events.place_posting(ozon, client_id, offer_id="A-3")
    events.ship_posting(ozon, client_id, shipped.posting_number)
    events.deliver_posting(ozon, client_id, shipped.posting_number)

    second = sync_cabinet_events(engine, account_id=account_id)
    assert second.ok, second.error
    deliver(engine)
    heads = sorted(m.text.splitlines()[0] for m in telegram.messages(BOT_TOKEN, OWNER))
    assert heads == sorted(["🛒 Новый заказ · Ozon", "🛒 Новый заказ · Ozon", "❌ Отмена заказа · Ozon",
                            "✅ Выкуп · Ozon"]), heads
    texts = "\n".join(m.text for m in telegram.messages(BOT_TOKEN, OWNER))
    assert f"SKU Ozon: {placed.lines[0].sku}" in texts and "Артикул: A-2" in texts

    third = sync_cabinet_events(engine, account_id=account_id)
    deliver(engine)
    assert third.ok and len(telegram.messages(BOT_TOKEN, OWNER)) == 4, "nothing new, nothing sent"
