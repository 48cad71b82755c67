"""The notification history and switches on SQLite, PostgreSQL and MariaDB: one person's rows of one cabinet,
filtered and sorted alike, the payload's product read back, card titles found, switches saved and read back."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.notifications.history_service import history_page, save_switches, switches_of, telegram_linked
from marketsync.web.tables import TableQuery
from order_builders import card, link_telegram, msk, outbox


def _person(engine: Engine, email: str) -> tuple[int, int]:
    with session_scope(engine) as session:
        user = create_user(session, email=email, password="password123")
        return user.id, primary_account_id(session, user.id)


def test_the_history_and_switches_answer_alike_on_every_dialect(engine: Engine) -> None:
    user_id, account_id = _person(engine, "a@example.ru")
    partner_id, other_account = _person(engine, "b@example.ru")
    card(engine, account_id, "1001", "Платье летнее")
    late = outbox(engine, account_id, user_id, state="sent", event_at=msk(2025, 11, 25, 23, 30), attempts=1,
                  payload={"article": "ART-1", "product_id": "1001", "size": "M", "price": "2490.00"},
                  sent_at=msk(2025, 11, 25, 23, 31))
    early = outbox(engine, account_id, user_id, type="order_returns", state="failed",
                   event_at=msk(2025, 11, 25, 9), attempts=4, last_error="chat not found", payload={})
    outbox(engine, account_id, partner_id, wb_id="PARTNER")
    outbox(engine, other_account, user_id, wb_id="ELSEWHERE")

    with session_scope(engine) as session:
        lines, page = history_page(session, account_id=account_id, user_id=user_id,
                                   table=TableQuery(sort="event_at", dir="desc"))
        failed, _ = history_page(session, account_id=account_id, user_id=user_id,
                                 table=TableQuery(sort="event_at", dir="desc", filters={"state": "failed"}))
        by_type, _ = history_page(session, account_id=account_id, user_id=user_id,
                                  table=TableQuery(sort="type", dir="asc"))
        saved = save_switches(session, account_id=account_id, user_id=user_id, enabled=False,
                              types={"new_orders": True, "negative_reviews": True})
        linked_before = telegram_linked(session, user_id=user_id)
    link_telegram(engine, user_id)
    with session_scope(engine) as session:
        reread = switches_of(session, account_id=account_id, user_id=user_id)
        partner = switches_of(session, account_id=account_id, user_id=partner_id)
        linked_after = telegram_linked(session, user_id=user_id)

    assert page.total == 2 and [line.wb_id for line in lines] == [late, early]
    first = lines[0]
    assert (first.type, first.state, first.article, first.product_id, first.size, first.title, first.attempts) == (
        "new_orders", "sent", "ART-1", "1001", "M", "Платье летнее", 1)
    assert first.event_at == msk(2025, 11, 25, 23, 30) and first.sent_at == msk(2025, 11, 25, 23, 31)
    assert [line.wb_id for line in failed] == [early] and failed[0].last_error == "chat not found"
    assert failed[0].article is None and failed[0].title is None
    assert [line.type for line in by_type] == ["new_orders", "order_returns"]
    assert saved == reread
    assert reread.enabled is False
    assert reread.types == {"new_orders": True, "order_buyouts": False, "order_cancellations": False,
                            "order_returns": False, "negative_reviews": True, "critical_stocks": False}
    assert partner.enabled and all(partner.types.values()), "another person's switches are their own"
    assert (linked_before, linked_after) == (False, True)
