"""Money as the seller types it: a top-up amount is a plain number of rubles with at most two decimals (a comma
works as the decimal point), between TOPUP_MIN_RUB and TOPUP_MAX_RUB. Pure."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# ASCII digits only (Python's \d takes any script's), no sign, no exponent, no NaN or Infinity.
AMOUNT = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,2})?")
KOPECK = Decimal("0.01")


class AmountError(ValueError):
    """A refused amount; `key` says why (empty, format, too_small, too_large) for the page's words."""

    def __init__(self, key: str, limit: Decimal | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.limit = limit


def kopecks(value: Decimal) -> Decimal:
    """Round to kopecks, half up (DESIGN §4)."""
    return value.quantize(KOPECK, rounding=ROUND_HALF_UP)


def parse_amount(raw: str | None, *, minimum: Decimal, maximum: Decimal) -> Decimal:
    """Return the amount typed in `raw` in rubles, or raise AmountError saying why it is refused."""
    text = (raw or "").strip()
    if not text:
        raise AmountError("empty")
    if not AMOUNT.fullmatch(text):
        raise AmountError("format")
    amount = kopecks(Decimal(text.replace(",", ".")))
    if amount < minimum:
        raise AmountError("too_small", minimum)
    if amount > maximum:
        raise AmountError("too_large", maximum)
    return amount


def wire_amount(value: Decimal) -> str:
    """Format an amount as YooKassa's wire wants it: "1250.00"."""
    return f"{kopecks(value):.2f}"
