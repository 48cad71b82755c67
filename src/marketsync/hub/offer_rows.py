"""One supplier row, as a reader found it, turned into an offer record or a rejection with its reason. Pure: no
I/O, so every rule is a table-driven unit test. The readers (hub/sources/) only find values; this decides."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# Column widths of supplier_offers: longer values would be cut by one database and refused by another.
MAX_ID, MAX_NAME, MAX_VENDOR, MAX_CODE, MAX_CATEGORY = 128, 500, 255, 128, 255
MAX_PRICE = Decimal("999999999999.99")  # NUMERIC(14, 2)
MAX_MEASURE = Decimal("9999999")  # NUMERIC(10, 3) holds 7 digits before the point
RUBLES = {"", "RUR", "RUB"}
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


@dataclass
class RawOffer:
    """What a reader found for one offer: text as written (None: absent), lists for repeated elements."""

    offer_id: str | None = None
    name: str | None = None
    price: Any = None
    currency: str | None = None
    available: bool = True
    stock: Any = None
    description: str | None = None
    vendor: str | None = None
    vendor_code: str | None = None
    category: str | None = None
    barcodes: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    weight: Any = None
    length: Any = None
    width: Any = None
    height: Any = None


@dataclass(frozen=True)
class OfferRecord:
    """A valid offer, in the types of supplier_offers."""

    offer_id: str
    name: str
    price: Decimal
    stock: int
    available: bool
    description: str | None
    vendor: str | None
    vendor_code: str | None
    category: str | None
    barcodes: list[str]
    pictures: list[str]
    params: dict[str, str]
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None

    def content_hash(self) -> str:
        """Return the hash of every field as read: the same hash on the next import means nothing to write."""
        return hashlib.sha256(json.dumps(self._plain(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> str:
        """Serialise for the staging file (decimals as text, so nothing is rounded on the way)."""
        return json.dumps(self._plain(), ensure_ascii=False)

    def _plain(self) -> dict[str, Any]:
        # vars() rather than dataclasses.asdict: no deep copy of every list and dict, a third of the import's time.
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in vars(self).items()}

    @classmethod
    def from_json(cls, text: str) -> OfferRecord:
        """Read back what `to_json` wrote."""
        data = json.loads(text)
        for key in ("price", "weight_kg", "length_cm", "width_cm", "height_cm"):
            if data[key] is not None:
                data[key] = Decimal(data[key])
        return cls(**data)


class RejectedRowError(ValueError):
    """A row that cannot be an offer; the message is the reason a seller reads."""


def parse_decimal(value: Any, what: str) -> Decimal | None:
    """Read a number as suppliers write it ("1 234,50", "1234.5", 1234.5); None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RejectedRowError(f"{what} is not a number: {value}")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _SPACES.sub("", str(value))
        if "," in text and "." in text:
            # Both separators: the last one is the decimal point, the other groups thousands.
            point = "," if text.rfind(",") > text.rfind(".") else "."
            text = text.replace("." if point == "," else ",", "").replace(",", ".")
        else:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise RejectedRowError(f"{what} is not a number: {str(value).strip()[:40]}") from None
    if not number.is_finite():
        raise RejectedRowError(f"{what} is not a number: {value}")
    if number < 0:
        raise RejectedRowError(f"{what} is negative: {value}")
    return number


def gtin_valid(code: str) -> bool:
    """Whether a GTIN-8/12/13/14 has the right check digit."""
    if not code.isdigit() or len(code) not in (8, 12, 13, 14):
        return False
    body, check = code[:-1], int(code[-1])
    # Weights 3, 1, 3, … from the digit next to the check digit leftwards.
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _text(value: Any, limit: int, what: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise RejectedRowError(f"{what} is longer than {limit} characters")
    return text or None


def _barcodes(values: list[str]) -> list[str]:
    codes: list[str] = []
    for raw in values:
        code = str(raw).strip()
        if not code:
            continue
        if not code.isdigit() or len(code) not in (8, 12, 13, 14):
            raise RejectedRowError(f"barcode {code[:40]} is not a GTIN (8, 12, 13 or 14 digits)")
        if not gtin_valid(code):
            raise RejectedRowError(f"barcode {code} has a wrong check digit")
        if code not in codes:
            codes.append(code)
    return codes


def _measure(value: Any, what: str, places: str = "0.01") -> Decimal | None:
    number = parse_decimal(value, what)
    if number is None:
        return None
    if number > MAX_MEASURE:
        raise RejectedRowError(f"{what} is too large: {value}")
    return number.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _stock(value: Any) -> int:
    number = parse_decimal(value, "stock")
    if number is None:
        return 0
    if number != number.to_integral_value():
        raise RejectedRowError(f"stock is not a whole number: {value}")
    return min(int(number), 2_000_000_000)  # INTEGER everywhere


def validate_offer(raw: RawOffer) -> OfferRecord:
    """Return the offer a row describes, or raise RejectedRowError saying why it cannot be one."""
    offer_id = _text(raw.offer_id, MAX_ID, "offer id")
    if not offer_id:
        raise RejectedRowError("no offer id")
    name = _text(raw.name, MAX_NAME, "name")
    if not name:
        raise RejectedRowError("no name")
    price = parse_decimal(raw.price, "price")
    if price is None:
        raise RejectedRowError("no price")
    if price > MAX_PRICE:
        raise RejectedRowError(f"price is too large: {raw.price}")
    currency = (raw.currency or "").strip().upper()
    if currency not in RUBLES:
        raise RejectedRowError(f"price is in {currency[:8]}, only roubles (RUR, RUB) are read")
    return OfferRecord(
        offer_id=offer_id, name=name, price=price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        stock=_stock(raw.stock), available=raw.available,
        description=(raw.description or "").strip() or None,
        vendor=_text(raw.vendor, MAX_VENDOR, "vendor"), vendor_code=_text(raw.vendor_code, MAX_CODE, "vendor code"),
        category=_text(raw.category, MAX_CATEGORY, "category"), barcodes=_barcodes(raw.barcodes),
        pictures=[p.strip() for p in raw.pictures if p and p.strip()],
        params={k.strip(): v.strip() for k, v in raw.params.items() if k.strip() and v is not None},
        weight_kg=_measure(raw.weight, "weight", "0.001"), length_cm=_measure(raw.length, "length"),
        width_cm=_measure(raw.width, "width"), height_cm=_measure(raw.height, "height"),
    )
