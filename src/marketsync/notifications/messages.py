"""The text of each notification (Russian, as the bot speaks) and its photo: product title, article, size, price,
warehouse, region, the event's time in Moscow time and the Moscow day's order totals. Pure: the facts come from
the outbox row's payload, the product card and the totals the caller read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marketsync.notifications.models import (
    CRITICAL_STOCKS,
    NEGATIVE_REVIEWS,
    NEW_ORDERS,
    ORDER_BUYOUTS,
    ORDER_CANCELLATIONS,
    ORDER_RETURNS,
)
from marketsync.orders.moscow import to_msk

HEADINGS = {
    NEW_ORDERS: "🛒 Новый заказ",
    ORDER_BUYOUTS: "✅ Выкуп",
    ORDER_CANCELLATIONS: "❌ Отмена заказа",
    ORDER_RETURNS: "↩️ Возврат",
    NEGATIVE_REVIEWS: "⚠️ Негативный отзыв",
    CRITICAL_STOCKS: "📦 Критический остаток",
}
MARKETPLACES = {"wildberries": ("Wildberries", "Артикул WB"), "ozon": ("Ozon", "SKU Ozon")}  # name, product id
TITLES = {  # the settings' names of the types (bot buttons, CLI help)
    NEW_ORDERS: "Новые заказы", ORDER_BUYOUTS: "Выкупы", ORDER_CANCELLATIONS: "Отмены", ORDER_RETURNS: "Возвраты",
    NEGATIVE_REVIEWS: "Негативные отзывы", CRITICAL_STOCKS: "Критические остатки",
}
CAPTION_MAX, TEXT_MAX = 1024, 4096


@dataclass(frozen=True)
class Card:
    """What a message shows of the product: its title and first photo."""

    title: str = ""
    photo_url: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A message ready to send: its text and, when the product has one, its photo (the text is then a caption)."""

    text: str
    photo_url: str | None


def rubles(value: Any) -> str:
    """Say an amount in rubles with a thin grouping space: 12 345,50 ₽ (whole rubles without kopecks)."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return "—"
    whole, _, cents = f"{amount:.2f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    grouped = " ".join(reversed([digits[max(0, i - 3):i] for i in range(len(digits), 0, -3)]))
    return f"{sign}{grouped}{'' if cents == '00' else ',' + cents} ₽"


def msk_time(at: datetime | None) -> str:
    """Say a UTC time in Moscow time: 07.12.2026 23:30 МСК."""
    return "—" if at is None else to_msk(at).strftime("%d.%m.%Y %H:%M МСК")


def _line(label: str, value: Any) -> str | None:
    return None if value in (None, "") else f"{label}: {value}"


def render(kind: str, payload: dict[str, Any], *, event_at: datetime | None, card: Card,
           day_count: int, day_amount: Decimal, source: str = "wildberries") -> Rendered:
    """Build the message of one outbox row: heading, product, facts, the time in MSK and the day's totals."""
    article = payload.get("article") or ""
    marketplace, product_label = MARKETPLACES.get(source, (source, "Код товара"))
    lines: list[str | None] = [f"{HEADINGS.get(kind, kind)} · {marketplace}", ""]
    lines.append(card.title or article or str(payload.get("product_id") or "Товар"))
    lines.append(_line("Артикул", article))
    lines.append(_line(product_label, payload.get("product_id")))
    lines.append(_line("Размер", payload.get("size")))
    if kind == CRITICAL_STOCKS:
        lines.append(f"Остаток на всех складах: {payload.get('total', 0)} шт. (было {payload.get('before', 0)})")
        for name, units in payload.get("warehouses") or []:
            lines.append(f"  • {name}: {units} шт.")
    elif kind == NEGATIVE_REVIEWS:
        rating = int(payload.get("rating") or 0)
        lines.append(f"Оценка: {'★' * rating}{'☆' * (5 - rating)} ({rating} из 5)")
        lines.append(_line("Отзыв", (payload.get("text") or "").strip() or "без текста"))
    else:
        lines.append(_line("Цена", rubles(payload["price"]) if payload.get("price") is not None else None))
        if kind in (ORDER_BUYOUTS, ORDER_RETURNS) and payload.get("for_pay") is not None:
            lines.append(_line("К перечислению", rubles(payload["for_pay"])))
        lines.append(_line("Склад", payload.get("warehouse")))
        lines.append(_line("Регион", payload.get("region")))
    lines.append(_line("Время", msk_time(event_at)))
    lines.append("")
    lines.append(f"Заказов за день: {day_count} на {rubles(day_amount)}")
    text = "\n".join(line for line in lines if line is not None)
    limit = CAPTION_MAX if card.photo_url else TEXT_MAX
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return Rendered(text, card.photo_url)
