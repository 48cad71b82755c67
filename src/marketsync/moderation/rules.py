"""The moderation rules, pure: a product's text, price and measured pictures in, the rules it breaks out.

Each hit names its rule (the switch in the cabinet's settings), a message key (messages.py says it in Russian or
English) and the parameters that explain it (the word found, the length and the limit, the picture's size...),
and the marketplace it concerns when it concerns one: a product is checked against the channels it is headed
for (the cabinet's setting, all three by default). Limits, from CONTRACTS.md §9: Ozon `name` ≤ 500 characters
and pictures JPG/PNG; Wildberries `title` ≤ 60 and pictures at least 700×900 px; Yandex Market `name` ≤ 256.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

RULES = ("forbidden_words", "title_length", "no_photos", "photo_size", "empty_description", "price_range")
CHANNELS = ("ozon", "wb", "ym")
TITLE_MAX = {"ozon": 500, "wb": 60, "ym": 256}
WB_MIN_WIDTH, WB_MIN_HEIGHT = 700, 900
OZON_FORMATS = frozenset({"JPEG", "PNG"})


@dataclass(frozen=True)
class ProductText:
    """What the rules read of a product."""

    sku: str
    name: str
    description: str | None
    price: Decimal
    pictures: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Picture:
    """A picture as measured: its size and format, or the key of why it could not be read."""

    width: int | None = None
    height: int | None = None
    format: str | None = None
    error_key: str | None = None  # picture_missing, not_a_picture, picture_too_large, picture_redirects


@dataclass(frozen=True)
class RuleSet:
    """A cabinet's rules: forbidden words, price range, the rules switched on, the channels checked against."""

    forbidden_words: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    enabled: frozenset[str] = frozenset(RULES)
    channels: tuple[str, ...] = CHANNELS

    def fingerprint(self, extra: str = "") -> str:
        """Return a hash of the rules (and `extra`, e.g. the model's name): verdicts of other rules are stale."""
        data = [sorted(_plain(w) for w in self.forbidden_words), str(self.price_min), str(self.price_max),
                sorted(self.enabled), sorted(self.channels), extra]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()

    def needs_pictures(self) -> bool:
        """Whether the pictures must be downloaded and measured (the photo rule for Ozon or Wildberries)."""
        return "photo_size" in self.enabled and bool({"ozon", "wb"} & set(self.channels))


@dataclass(frozen=True)
class Hit:
    """One rule broken: the rule, the message key, what explains it, and the marketplace it concerns (if one)."""

    rule: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    channel: str | None = None

    def dump(self) -> dict[str, Any]:
        """Return the hit as stored in a verdict's reasons."""
        return {"rule": self.rule, "key": self.key, "params": dict(self.params),
                **({"channel": self.channel} if self.channel else {})}


def _plain(text: str) -> str:
    """Case-folded with ё read as е, so «Ёлка» and «елка» are one word."""
    return text.casefold().replace("ё", "е")


def _word_pattern(word: str) -> re.Pattern[str]:
    # Whole words only: «копия» must not fire inside «копилка»; a phrase matches across any whitespace.
    parts = [re.escape(part) for part in _plain(word).split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def forbidden_hits(product: ProductText, words: Iterable[str]) -> list[Hit]:
    """Find the forbidden words in the name, the description and the attribute values."""
    places = [("name", "", product.name), ("description", "", product.description or "")]
    places += [("param", name, value) for name, value in product.params]
    hits = []
    for word in dict.fromkeys(w.strip() for w in words if w and w.strip()):
        pattern = _word_pattern(word)
        for where, param, text in places:
            if pattern.search(_plain(text)):
                params = {"word": word, **({"param": param} if param else {})}
                hits.append(Hit("forbidden_words", f"forbidden_word_{where}", params))
    return hits


def title_hits(product: ProductText, channels: Iterable[str]) -> list[Hit]:
    """Find the channels whose title limit the name is over."""
    length = len(product.name)
    return [Hit("title_length", "title_too_long", {"length": length, "limit": TITLE_MAX[channel]}, channel)
            for channel in CHANNELS if channel in channels and length > TITLE_MAX[channel]]


def picture_hits(product: ProductText, channels: Iterable[str], pictures: Mapping[str, Picture]) -> list[Hit]:
    """Check each measured picture against the channels' demands; a picture not measured is not judged."""
    hits = []
    wanted = set(channels)
    for number, url in enumerate(product.pictures, start=1):
        picture = pictures.get(url)
        if picture is None:
            continue
        if picture.error_key is not None:
            hits.append(Hit("photo_size", "photo_unreadable", {"number": number, "url": url,
                                                               "problem": picture.error_key}))
            continue
        if "wb" in wanted and picture.width is not None and picture.height is not None \
                and (picture.width < WB_MIN_WIDTH or picture.height < WB_MIN_HEIGHT):
            hits.append(Hit("photo_size", "photo_too_small",
                            {"number": number, "width": picture.width, "height": picture.height,
                             "min_width": WB_MIN_WIDTH, "min_height": WB_MIN_HEIGHT}, "wb"))
        if "ozon" in wanted and picture.format and picture.format.upper() not in OZON_FORMATS:
            hits.append(Hit("photo_size", "photo_format", {"number": number, "format": picture.format.upper()},
                            "ozon"))
    return hits


def price_hits(price: Decimal, low: Decimal | None, high: Decimal | None) -> list[Hit]:
    """Check the price is set and within the cabinet's range."""
    if price <= 0:
        return [Hit("price_range", "price_missing", {"price": str(price)})]
    if low is not None and price < low:
        return [Hit("price_range", "price_below", {"price": str(price), "min": str(low)})]
    if high is not None and price > high:
        return [Hit("price_range", "price_above", {"price": str(price), "max": str(high)})]
    return []


def check(product: ProductText, rules: RuleSet, pictures: Mapping[str, Picture] | None = None) -> list[Hit]:
    """Return every enabled rule the product breaks, in the order of RULES (empty: it passes)."""
    on = rules.enabled
    hits: list[Hit] = []
    if "forbidden_words" in on:
        hits += forbidden_hits(product, rules.forbidden_words)
    if "title_length" in on:
        hits += title_hits(product, rules.channels)
    if "no_photos" in on and not product.pictures:
        hits.append(Hit("no_photos", "no_photos"))
    if "photo_size" in on:
        hits += picture_hits(product, rules.channels, pictures or {})
    if "empty_description" in on and not (product.description or "").strip():
        hits.append(Hit("empty_description", "empty_description"))
    if "price_range" in on:
        hits += price_hits(product.price, rules.price_min, rules.price_max)
    return hits
