"""Write a YML catalog (CONTRACTS.md §9.4) as a stream: categories and offers come from iterators and go to the
file as lxml's incremental writer produces them, so memory stays flat however many offers there are.

The file: the XML declaration on the first line, `<yml_catalog date>` in RFC 3339 with the Moscow offset, then
`<shop>` with name, company, url, currencies, categories and offers in that order. Text is escaped (never CDATA,
which a description holding `]]>` would break), and characters XML 1.0 cannot carry are dropped, so one product's
stray control character never fails the whole feed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO
from zoneinfo import ZoneInfo

from lxml import etree

MSK = ZoneInfo("Europe/Moscow")
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
CURRENCY = "RUR"
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Shop:
    """The `<shop>` header: the seller's shop name, company and site."""

    name: str
    company: str
    url: str


@dataclass(frozen=True)
class YmlCategory:
    """A `<category>`: its id and, for a subcategory, its parent's id."""

    id: int
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class YmlOffer:
    """An `<offer>` as the feed shows it; `price` is the channel price (markup applied)."""

    id: str
    name: str
    price: Decimal
    category_id: int
    available: bool = True
    vendor: str | None = None
    vendor_code: str | None = None
    url: str | None = None
    pictures: tuple[str, ...] = ()
    description: str | None = None
    barcodes: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    weight_kg: Decimal | None = None
    dimensions_cm: tuple[Decimal, Decimal, Decimal] | None = None
    count: int | None = None


@dataclass(frozen=True)
class WriteResult:
    """What was written: the number of offers, the file's sha256 and its size in bytes."""

    offers: int
    sha256: str
    size: int


class _HashingWriter:
    """A file wrapper that hashes and counts what passes through it (the feed's ETag-worthy digest)."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self._out.write(data)


def clean(text: object) -> str:
    """Return text XML 1.0 can carry: characters it forbids (control characters, lone surrogates) dropped."""
    return _NOT_XML.sub("", str(text))


def money(value: Decimal) -> str:
    """Format a price as YML wants it: a dot, two decimals, no thousands separator."""
    return f"{value:.2f}"


def number(value: Decimal) -> str:
    """Format a measure without trailing zeros or an exponent (1.5, 100, 0.25)."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def yml_date(moment: datetime) -> str:
    """Format the catalog's date: RFC 3339 with the Moscow offset, to the minute (2022-05-22T14:37+03:00)."""
    return moment.astimezone(MSK).isoformat(timespec="minutes")


def _leaf(xf: etree.xmlfile, tag: str, text: object, **attrs: str) -> None:
    with xf.element(tag, **attrs):
        xf.write(clean(text))


def _write_offer(xf: etree.xmlfile, offer: YmlOffer) -> None:
    with xf.element("offer", id=clean(offer.id), available="true" if offer.available else "false"):
        _leaf(xf, "name", offer.name)
        if offer.vendor:
            _leaf(xf, "vendor", offer.vendor)
        if offer.vendor_code:
            _leaf(xf, "vendorCode", offer.vendor_code)
        if offer.url:
            _leaf(xf, "url", offer.url)
        _leaf(xf, "price", money(offer.price))
        _leaf(xf, "currencyId", CURRENCY)
        _leaf(xf, "categoryId", offer.category_id)
        for picture in offer.pictures:
            _leaf(xf, "picture", picture)
        if offer.description:
            _leaf(xf, "description", offer.description)
        for barcode in offer.barcodes:
            _leaf(xf, "barcode", barcode)
        for name, value in offer.params:
            _leaf(xf, "param", value, name=clean(name))
        if offer.weight_kg is not None:
            _leaf(xf, "weight", number(offer.weight_kg))
        if offer.dimensions_cm is not None:
            _leaf(xf, "dimensions", "/".join(number(side) for side in offer.dimensions_cm))
        if offer.count is not None:
            _leaf(xf, "count", max(offer.count, 0))
    xf.write("\n")


def write_yml(out: BinaryIO, *, shop: Shop, categories: Iterable[YmlCategory], offers: Iterable[YmlOffer],
              generated_at: datetime) -> WriteResult:
    """Write the catalog to `out` as offers arrive; every offer's categoryId must be among `categories` (the
    caller's job: it knows which categories its offers use)."""
    sink = _HashingWriter(out)
    # lxml's own declaration uses single quotes; §9.4's examples (and some readers' sniffing) use double ones.
    sink.write(DECLARATION)
    count = 0
    with etree.xmlfile(sink, encoding="UTF-8") as xf, \
            xf.element("yml_catalog", date=yml_date(generated_at)):
        xf.write("\n")
        with xf.element("shop"):
            xf.write("\n")
            for tag, text in (("name", shop.name), ("company", shop.company), ("url", shop.url)):
                _leaf(xf, tag, text)
                xf.write("\n")
            with xf.element("currencies"):
                xf.write(etree.Element("currency", id=CURRENCY, rate="1"))
            xf.write("\n")
            with xf.element("categories"):
                xf.write("\n")
                for category in categories:
                    attrs = {"id": str(category.id)}
                    if category.parent_id is not None:
                        attrs["parentId"] = str(category.parent_id)
                    _leaf(xf, "category", category.name, **attrs)
                    xf.write("\n")
            xf.write("\n")
            with xf.element("offers"):
                xf.write("\n")
                for offer in offers:
                    _write_offer(xf, offer)
                    count += 1
            xf.write("\n")
        xf.write("\n")
    sink.write(b"\n")
    return WriteResult(offers=count, sha256=sink.digest.hexdigest(), size=sink.size)
