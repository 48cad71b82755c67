"""Prices a channel shows: the source price × the cabinet's multiplier, in kopecks, and the one rule for
reading a multiplier a seller typed (web form and CLI alike)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")
MIN_MULTIPLIER = Decimal("0.01")
MAX_MULTIPLIER = Decimal("100")
MULTIPLIER_PLACES = 4  # sync_configs.price_multiplier is NUMERIC(8, 4)


class MultiplierError(ValueError):
    """A multiplier the seller typed cannot be used; the message says why."""


def channel_price(price: Decimal, multiplier: Decimal) -> Decimal:
    """Return the source price × the multiplier, rounded half-up to kopecks."""
    return (price * multiplier).quantize(KOPECK, rounding=ROUND_HALF_UP)


def parse_multiplier(raw: str) -> Decimal:
    """Read "1,5", "1.5" or "1 000" into a multiplier within 0.01..100 with at most 4 decimals."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise MultiplierError(f"«{raw}» is not a number") from exc
    if not value.is_finite() or not MIN_MULTIPLIER <= value <= MAX_MULTIPLIER:
        raise MultiplierError(f"the price multiplier must be between {MIN_MULTIPLIER} and {MAX_MULTIPLIER}")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MULTIPLIER_PLACES:
        raise MultiplierError(f"the price multiplier takes at most {MULTIPLIER_PLACES} decimals")
    return value
