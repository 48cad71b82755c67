"""The Russian text of each notification: product, facts, Moscow time and the day's totals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from marketsync.notifications.messages import CAPTION_MAX, Card, render, rubles
from marketsync.orders.moscow import day_bounds

ORDER = {"article": "SHIRT-1", "product_id": "101", "size": "M", "price": "1490.00", "warehouse": "Коледино",
         "region": "Московская область"}


def test_an_order_at_23_30_msk_is_shown_as_23_30() -> None:
    at = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)  # 23:30 in Moscow
    message = render("new_orders", ORDER, event_at=at, card=Card("Рубашка льняная", "https://img/1.jpg"),
                     day_count=3, day_amount=Decimal("4470"))
    assert message.photo_url == "https://img/1.jpg"
    for part in ("Новый заказ", "Рубашка льняная", "Артикул: SHIRT-1", "Размер: M", "Цена: 1 490 ₽",
                 "Склад: Коледино", "Регион: Московская область", "07.12.2026 23:30 МСК",
                 "Заказов за день: 3 на 4 470 ₽"):
        assert part in message.text


def test_an_order_at_23_30_msk_counts_on_that_moscow_day() -> None:
    start, end = day_bounds(datetime(2026, 12, 7, 20, 30, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 12, 6, 21, 0, tzinfo=UTC), datetime(2026, 12, 7, 21, 0, tzinfo=UTC))
    assert day_bounds(datetime(2026, 12, 7, 21, 0, tzinfo=UTC))[0] == end  # 00:00 MSK is the next day


@pytest.mark.parametrize(("kind", "payload", "expected"), [
    ("order_buyouts", {**ORDER, "for_pay": "1200.50"}, ["Выкуп", "К перечислению: 1 200,50 ₽"]),
    ("order_returns", ORDER, ["Возврат"]),
    ("order_cancellations", ORDER, ["Отмена заказа"]),
    ("negative_reviews", {"article": "SHIRT-1", "rating": 2, "text": "Порвалась"}, ["★★☆☆☆ (2 из 5)", "Порвалась"]),
    ("critical_stocks", {"article": "SHIRT-1", "size": "M", "total": 1, "before": 5,
                         "warehouses": [["Коледино", 1]]}, ["Остаток на всех складах: 1 шт. (было 5)",
                                                            "Коледино: 1 шт."]),
])
def test_each_type_names_its_facts(kind: str, payload: dict[str, object], expected: list[str]) -> None:
    text = render(kind, payload, event_at=None, card=Card(), day_count=0, day_amount=Decimal(0)).text
    for part in expected:
        assert part in text


def test_a_caption_never_exceeds_telegrams_limit() -> None:
    long = {"article": "A", "rating": 1, "text": "плохо " * 400}
    message = render("negative_reviews", long, event_at=None, card=Card("T", "https://img/1.jpg"), day_count=0,
                     day_amount=Decimal(0))
    assert len(message.text) <= CAPTION_MAX


@pytest.mark.parametrize(("value", "said"), [("0", "0 ₽"), ("999.9", "999,90 ₽"), ("1234567", "1 234 567 ₽")])
def test_rubles(value: str, said: str) -> None:
    assert rubles(value) == said
