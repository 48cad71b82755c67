"""The price a channel gets: the catalog price with the channel's markup (percent, then a fixed add), rounded as
the seller chose and never below their minimum. Pure: Decimal in, Decimal out, half-up to kopecks."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
# none: kopecks; 1: whole rubles; 10: tens of rubles; 99: up to the next price ending in 99 rubles (1 234,50 →
# 1 299), upwards so a markup never loses margin to its rounding.
ROUNDINGS = ("none", "1", "10", "99")
CHANNELS = ("ozon", "wb", "ym")  # the marketplaces; a feed's own rule is "feed:<its name>"
FEED_PREFIX = "feed:"
MIN_PERCENT, MAX_PERCENT = Decimal("-99"), Decimal("1000")
MAX_AMOUNT = Decimal("10000000")


class MarkupError(ValueError):
    """A markup the seller typed cannot be used; `field` names the input, the message says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Markup:
    """One channel's rule: +percent, then +add rubles, then the rounding, then the minimum price."""

    percent: Decimal = Decimal("0")
    add: Decimal = Decimal("0")
    rounding: str = "none"
    min_price: Decimal | None = None


def _round(value: Decimal, rounding: str) -> Decimal:
    value = value.quantize(KOPECK, rounding=ROUND_HALF_UP)
    if rounding == "1":
        return value.quantize(Decimal("1"), rounding=ROUND_HALF_UP).quantize(KOPECK)
    if rounding == "10":
        return ((value / 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 10).quantize(KOPECK)
    if rounding == "99":
        hundreds = ((value - 99) / 100).quantize(Decimal("1"), rounding=ROUND_CEILING)
        return (max(hundreds, Decimal("0")) * 100 + 99).quantize(KOPECK)
    return value


def channel_price(price: Decimal, rule: Markup | None) -> Decimal:
    """Return the price a channel gets: without a rule the catalog price itself (in kopecks)."""
    if rule is None:
        return price.quantize(KOPECK, rounding=ROUND_HALF_UP)
    value = _round(price * (1 + rule.percent / 100) + rule.add, rule.rounding)
    if rule.min_price is not None and value < rule.min_price:
        value = rule.min_price.quantize(KOPECK, rounding=ROUND_HALF_UP)
    return max(value, ZERO)  # a discount larger than the price gives 0, never a negative price


def _number(field: str, raw: str | None, *, low: Decimal, high: Decimal) -> Decimal | None:
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise MarkupError(field, f"«{raw}» is not a number") from exc
    if not value.is_finite() or not low <= value <= high:
        raise MarkupError(field, f"{field} must be between {low} and {high}")
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def parse_markup(*, percent: str | None, add: str | None, rounding: str | None, min_price: str | None) -> Markup:
    """Read a markup as the seller typed it ("12,5", "1 000"; empty = none) on the page or in the CLI."""
    if (rounding or "none") not in ROUNDINGS:
        raise MarkupError("rounding", f"rounding must be one of {', '.join(ROUNDINGS)}")
    percent_value = _number("percent", percent, low=MIN_PERCENT, high=MAX_PERCENT)
    add_value = _number("add", add, low=-MAX_AMOUNT, high=MAX_AMOUNT)
    return Markup(percent=ZERO if percent_value is None else percent_value,
                  add=ZERO if add_value is None else add_value, rounding=rounding or "none",
                  min_price=_number("min_price", min_price, low=Decimal("0"), high=MAX_AMOUNT))


def check_channel(channel: str) -> str:
    """Return a rule's channel key as stored (ozon, wb, ym or feed:<name>), or raise MarkupError."""
    channel = channel.strip()
    if channel in CHANNELS or (channel.startswith(FEED_PREFIX) and len(channel) > len(FEED_PREFIX)
                               and len(channel) <= 64):
        return channel
    raise MarkupError("channel", f"the channel must be one of {', '.join(CHANNELS)} or {FEED_PREFIX}<feed name>")
