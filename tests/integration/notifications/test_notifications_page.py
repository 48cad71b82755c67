"""The /notifications page: the signed-in person's history in their cabinet (type, the event's Moscow time,
product, state, attempts, last error, when sent; filters by type and state), the bot's switches saved by a form
with CSRF, a hint to link Telegram when it is not, Russian and English; nobody else's notifications."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from marketsync.db import session_scope
from marketsync.notifications.models import TYPES
from marketsync.notifications.settings import settings_of
from order_builders import card, link_telegram, msk, outbox

LINE = re.compile(r'<tr class="notification-line" data-id="([^"]+)" data-type="(\w+)" data-state="(\w+)">(.*?)</tr>',
                  re.S)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _events(client: TestClient, query: str = "") -> list[str]:
    page = client.get(f"/notifications{query}")
    assert page.status_code == 200, page.text
    return [m.group(1) for m in LINE.finditer(page.text)]


def _cells(page: str, event: str) -> list[str]:
    row = next(m.group(4) for m in LINE.finditer(page) if m.group(1) == event)
    return [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


@pytest.fixture
def person(client: TestClient, make_seller: Callable[..., tuple[int, int]]) -> tuple[int, int]:
    """A signed-in seller: (user id, cabinet id)."""
    user_id, account_id = make_seller()
    sign_in(client)
    return user_id, account_id


def _switches(engine: Engine, user_id: int, account_id: int) -> dict[str, bool]:
    with session_scope(engine) as session:
        row = settings_of(session, account_id=account_id, user_id=user_id)
        return {"all": row.enabled, **{kind: getattr(row, kind) for kind in TYPES}}


def test_the_history_names_type_moscow_time_product_state_attempts_error_and_sending_time(
        client: TestClient, person: tuple[int, int], sqlite_engine: Engine) -> None:
    user_id, account_id = person
    link_telegram(sqlite_engine, user_id)
    card(sqlite_engine, account_id, "1001", "Платье летнее")
    sent = outbox(sqlite_engine, account_id, user_id, state="sent", event_at=msk(2025, 11, 25, 23, 30),
                  payload={"article": "ART-1", "product_id": "1001", "size": "M"}, attempts=1,
                  sent_at=msk(2025, 11, 25, 23, 33))
    failed = outbox(sqlite_engine, account_id, user_id, type="order_returns", state="failed",
                    event_at=msk(2025, 11, 25, 10), payload={"article": "ART-2"}, attempts=5,
                    last_error="Bad Request: chat not found")
    skipped = outbox(sqlite_engine, account_id, user_id, type="critical_stocks", state="skipped",
                     event_at=msk(2025, 11, 24, 9), payload={"article": "ART-3", "size": "L", "total": 1})

    page = client.get("/notifications").text

    assert "Уведомления" in page and "telegram-not-linked" not in page
    assert 'active fw-semibold" href="/orders"' in page, "the menu's Orders section holds the notifications tab"
    assert '<a class="nav-link active" href="/notifications" aria-current="page">Уведомления</a>' in page
    assert _events(client) == [sent, failed, skipped], "newest events first"
    assert _cells(page, sent) == ["25.11.2025 23:30", f"Новые заказы Wildberries · {sent}",
                                  "Платье летнее ART-1 · размер M", "Отправлено", "1", "25.11.2025 23:33"]
    assert _cells(page, failed)[1:5] == [f"Возвраты Wildberries · {failed}", "ART-2 ART-2",
                                         "Не доставлено Bad Request: chat not found", "5"]
    assert _cells(page, failed)[5] == "—"
    assert _cells(page, skipped)[1].startswith("Критические остатки") and \
        _cells(page, skipped)[3] == "Не отправлено: выключено"


def test_history_filters_by_type_and_state_and_sorts(client: TestClient, person: tuple[int, int],
                                                     sqlite_engine: Engine) -> None:
    user_id, account_id = person
    first = outbox(sqlite_engine, account_id, user_id, state="sent", event_at=msk(2025, 11, 25, 8), attempts=1)
    second = outbox(sqlite_engine, account_id, user_id, type="negative_reviews", state="pending",
                    event_at=msk(2025, 11, 25, 9))
    third = outbox(sqlite_engine, account_id, user_id, type="negative_reviews", state="failed",
                   event_at=msk(2025, 11, 25, 10), attempts=3)

    assert _events(client, "?type=negative_reviews") == [third, second]
    assert _events(client, "?state=sent") == [first]
    assert _events(client, "?type=negative_reviews&state=pending") == [second]
    assert _events(client, "?sort=attempts&dir=desc") == [third, first, second]
    assert _events(client, "?sort=event_at&dir=asc") == [first, second, third]
    assert _events(client, f"?q={second}") == [second]
    assert _events(client, "?type=bogus") == [third, second, first], "an unknown type is no filter"


def test_only_the_signed_in_persons_notifications_of_their_cabinet_show(
        client: TestClient, person: tuple[int, int], sqlite_engine: Engine,
        make_seller: Callable[..., tuple[int, int]]) -> None:
    user_id, account_id = person
    partner_id, other_account = make_seller("partner@example.ru")
    mine = outbox(sqlite_engine, account_id, user_id)
    outbox(sqlite_engine, account_id, partner_id, wb_id="PARTNER-EVENT")  # a second person of the same cabinet
    outbox(sqlite_engine, other_account, partner_id, wb_id="OTHER-CABINET")

    page = client.get("/notifications").text

    assert _events(client) == [mine]
    assert "PARTNER-EVENT" not in page and "OTHER-CABINET" not in page
    assert _events(client, "?q=PARTNER") == []


def test_a_person_without_telegram_is_told_how_to_link_it(client: TestClient, person: tuple[int, int],
                                                          sqlite_engine: Engine) -> None:
    page = client.get("/notifications").text

    hint = _text(re.search(r'id="telegram-not-linked">(.*?)</div>', page, re.S).group(1))  # type: ignore[union-attr]
    assert hint.startswith("Telegram не привязан к вашему аккаунту.")
    assert "отправьте /start" in hint
    assert "Уведомлений пока нет" in page
    link_telegram(sqlite_engine, person[0])
    assert "telegram-not-linked" not in client.get("/notifications").text


def test_the_settings_form_saves_every_switch_as_the_bot_does(client: TestClient, person: tuple[int, int],
                                                               sqlite_engine: Engine) -> None:
    user_id, account_id = person
    page = client.get("/notifications").text
    assert all(re.search(rf'id="switch-{kind}" name="{kind}" value="1" checked', page) for kind in TYPES), \
        "everything is on until the person changes it"
    assert [_text(label) for label in re.findall(r'<label class="form-check-label" for="switch-\w+">(.*?)</label>',
                                                 page)] == ["Новые заказы", "Выкупы", "Отмены", "Возвраты",
                                                            "Негативные отзывы", "Критические остатки"]

    saved = submit(client, "/notifications/settings", {"enabled": "1", "new_orders": "1", "order_returns": "1",
                                                       "critical_stocks": "1"})

    assert saved.status_code == 303 and saved.headers["location"] == "/notifications"
    assert _switches(sqlite_engine, user_id, account_id) == {
        "all": True, "new_orders": True, "order_buyouts": False, "order_cancellations": False,
        "order_returns": True, "negative_reviews": False, "critical_stocks": True}
    page = client.get("/notifications").text
    assert "Настройки уведомлений сохранены." in page
    assert 'id="switch-order_buyouts" name="order_buyouts" value="1">' in page
    assert 'id="switch-new_orders" name="new_orders" value="1" checked>' in page

    submit(client, "/notifications/settings", {"new_orders": "1", "order_returns": "1", "critical_stocks": "1"})
    assert _switches(sqlite_engine, user_id, account_id)["all"] is False, "the global switch is off"
    assert _switches(sqlite_engine, user_id, account_id)["new_orders"] is True, "the types are kept"
    assert 'id="switch-all" name="enabled" value="1" aria-describedby' in client.get("/notifications").text


def test_a_settings_post_without_the_forms_token_is_refused(client: TestClient, person: tuple[int, int],
                                                            sqlite_engine: Engine) -> None:
    user_id, account_id = person
    client.get("/notifications")

    refused = client.post("/notifications/settings", data={"enabled": ""})

    assert refused.status_code == 403
    assert _switches(sqlite_engine, user_id, account_id)["all"] is True


def test_the_notifications_page_speaks_english_when_chosen(client: TestClient, person: tuple[int, int],
                                                           sqlite_engine: Engine) -> None:
    user_id, account_id = person
    outbox(sqlite_engine, account_id, user_id, type="order_cancellations", state="skipped",
           event_at=msk(2025, 11, 25, 12))
    client.get("/lang/en?next=/notifications")

    page = client.get("/notifications").text

    assert "Notification history" in page and "Telegram is not linked to your account." in page
    assert "Negative reviews" in page and "Critical stocks" in page and "Not sent: switched off" in page
    assert "Уведомления" not in page


def test_the_notifications_page_asks_a_stranger_to_sign_in(client: TestClient, sqlite_engine: Engine) -> None:
    assert client.get("/notifications").headers["location"] == "/login?next=/notifications"
