"""A WB key opening only the statistics category: the sync still reads orders and sales and tells the seller of
a new order; the feeds it cannot read (cards, reviews) are noted on the run instead of failing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from marketsync.accounts.models import OAuthIdentity
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.notifications.service import deliver
from marketsync.orders.service import sync_cabinet_events
from marketsync.sandbox.wildberries import events
from marketsync.sandbox.wildberries.seed import seed_wildberries
from marketsync.sync.models import SyncRun

from .notify_helpers import BOT_TOKEN

OWNER = 740000001
TOKEN = "wb-statistics-only-token-0001"


def test_a_key_without_feedbacks_and_content_still_notifies_orders(engine: Engine, env: Any, sandbox_state: Any,
                                                                    telegram: Any) -> None:
    seed_wildberries(sandbox_state.wildberries, TOKEN, categories=["statistics"],
                     offers=[{"vendor_code": "CUP-1", "barcodes": ["4600000000017"], "fbs": 3}])
    telegram.add_chat(BOT_TOKEN, OWNER)
    with session_scope(engine) as session:
        owner = create_user(session, email=f"owner{OWNER}@example.ru", password=None)
        session.add(OAuthIdentity(provider="telegram", subject=str(OWNER), user_id=owner.id))
        account_id = primary_account_id(session, owner.id)
        save_connection(session, account_id=account_id, system="wildberries", credentials={"token": TOKEN},
                        check=False)

    assert sync_cabinet_events(engine, account_id=account_id).ok  # the initial sync: silent
    events.place_order(sandbox_state.wildberries, TOKEN)
    outcome = sync_cabinet_events(engine, account_id=account_id)
    deliver(engine)

    assert outcome.ok, outcome.error
    assert [m.text.splitlines()[0] for m in telegram.messages(BOT_TOKEN, OWNER)] == ["🛒 Новый заказ · Wildberries"]
    with session_scope(engine) as session:
        run = session.get(SyncRun, outcome.run_id)
        assert run is not None and run.status == "succeeded"
        noted = {error["key"] for error in run.details.get("errors", [])}
    assert {"cards_unavailable", "reviews_unavailable"} <= noted


def test_a_failed_sync_says_why_in_russian_for_the_bot(engine: Engine, env: Any, sandbox_state: Any) -> None:
    seed_wildberries(sandbox_state.wildberries, TOKEN, categories=["content"], offers=[])
    with session_scope(engine) as session:
        owner = create_user(session, email="content-only@example.ru", password=None)
        account_id = primary_account_id(session, owner.id)
        save_connection(session, account_id=account_id, system="wildberries", credentials={"token": TOKEN},
                        check=False)

    outcome = sync_cabinet_events(engine, account_id=account_id)

    assert not outcome.ok and outcome.error
    said = outcome.error_in("ru") or ""
    assert said == "Wildberries отклонил токен (код 401): token scope not allowed", said
