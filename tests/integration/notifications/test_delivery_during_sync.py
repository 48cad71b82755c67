"""Messages do not wait for the end of a sync: as soon as a page of new orders is stored, the sync hands over to
delivery (the task sends them at once), while reviews, the stock report and cards are still to be read; a silent
sync never does."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import OAuthIdentity
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.notifications.models import OutboxMessage
from marketsync.orders.service import sync_cabinet_events
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sync.models import SyncRun

TOKEN = "wb-delivery-during-sync-0001"


def test_new_orders_are_handed_to_delivery_before_the_sync_ends(engine: Engine, env: Any,
                                                                sandbox_state: Any) -> None:
    seed_wildberries(sandbox_state.wildberries, TOKEN, offers=[{"vendor_code": "CUP-1", "barcodes": ["46001"]}])
    with session_scope(engine) as session:
        owner = create_user(session, email="owner@example.ru", password=None)
        session.add(OAuthIdentity(provider="telegram", subject="750000001", user_id=owner.id))
        account_id = primary_account_id(session, owner.id)
        save_connection(session, account_id=account_id, system="wildberries", credentials={"token": TOKEN},
                        check=False)
    handed: list[tuple[int, str | None]] = []

    def seen() -> None:
        with session_scope(engine) as session:
            rows = len(session.scalars(select(OutboxMessage.id)).all())
            stage = session.scalar(select(SyncRun.stage).order_by(SyncRun.id.desc()).limit(1))
        handed.append((rows, stage))

    assert sync_cabinet_events(engine, account_id=account_id, on_events=seen).ok
    assert handed == [], "the initial sync queues nothing, so nothing is handed over"
    events.place_order(sandbox_state.wildberries, TOKEN)
    events.place_order(sandbox_state.wildberries, TOKEN)

    assert sync_cabinet_events(engine, account_id=account_id, on_events=seen).ok
    assert handed[:1] == [(2, "orders")], "both orders queued and handed over while the sync was at its orders"
