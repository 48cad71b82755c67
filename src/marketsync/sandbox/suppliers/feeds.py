"""Supplier catalogs made up deterministically from the demo catalog's templates (demo_data.CATALOG): one pool of
goods, two suppliers offering overlapping parts of it under their own offer ids and prices. A shared good carries
the same barcode, or the same vendor and vendor code, in both files, so the hub can link them. Written as a
stream: a feed of 200,000 offers never sits in memory."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

from marketsync.sandbox.demo_data import CATALOG

# supplier → (offer id prefix, first and last share of the pool it offers, price factor range)
SUPPLIERS = {"alfa": ("A", 0.0, 0.7, (1.0, 1.0)), "beta": ("B", 0.3, 1.0, (0.92, 1.12))}
POOL = 300
# The demo's categories mapped to the marketplaces' sandbox categories (cookware: Ozon 17028922:91565 «Кастрюля»,
# WB subject 1234, YM 91611), whose offers carry the attributes those categories require.
PUBLISHED_GROUPS = {"Посуда": {"ozon": "17028922:91565", "wb": "1234", "ym": "91611"}}
CSV_COLUMNS = ("Артикул", "Наименование", "Цена", "Остаток", "Штрихкод", "Бренд", "Код производителя",
               "Категория", "Фото", "Вес, кг", "Габариты (Д/Ш/В), см", "Описание")
CSV_MAPPING = {"Артикул": "sku", "Наименование": "name", "Цена": "price", "Остаток": "stock", "Штрихкод": "barcode",
               "Бренд": "vendor", "Код производителя": "vendor_code", "Категория": "category", "Фото": "picture",
               "Вес, кг": "weight", "Описание": "description"}


@dataclass
class FeedOffer:
    """One supplier offer, as a feed writes it."""

    offer_id: str
    name: str
    category: str
    price: Decimal
    stock: int
    vendor: str
    vendor_code: str | None
    barcode: str | None
    weight: Decimal
    dimensions: tuple[int, int, int]
    description: str
    pictures: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)


def _ean13(rng: random.Random) -> str:
    digits = "460" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _good(index: int, seed: int) -> FeedOffer:
    """The pool's good number `index`: the same for every supplier (name, brand, codes, size)."""
    rng = random.Random(f"supplier-goods-{seed}-{index}")
    group = sorted(CATALOG)[index % len(CATALOG)]
    template = CATALOG[group]
    brand = next((b for b in rng.sample(template.brands, len(template.brands)) if b), "Noname")
    variant, size = rng.choice(template.variants), rng.choice(template.sizes)
    name = " ".join(p for p in (rng.choice(template.nouns), brand, variant, size) if p)
    price = Decimal(str(round(rng.uniform(template.low, template.high), 2)))
    params = {"Страна производства": rng.choice(("Россия", "Беларусь", "Казахстан"))}
    if group in PUBLISHED_GROUPS:  # what the marketplaces' sandbox category of cookware requires
        params.update({"Материал": rng.choice(("Нержавеющая сталь", "Алюминий", "Чугун")),
                       "Объём": f"{rng.choice((1, 2, 3, 4, 5))} л", "Цвет": rng.choice(("Серебристый", "Черный")),
                       "Модель": f"{brand} {variant or 'Classic'}".strip()})
    return FeedOffer(offer_id="", name=f"{name} №{index + 1}", category=group, price=price, stock=0, vendor=brand,
                     vendor_code=f"{brand[:3].upper()}-{index + 1:06d}", barcode=_ean13(rng),
                     weight=Decimal(rng.randrange(100, 5000)) / 1000,
                     dimensions=(rng.randrange(5, 60), rng.randrange(5, 40), rng.randrange(2, 30)),
                     description=f"{name}. Поставляется в заводской упаковке.", params=params)


def pool_offers(count: int, *, prefix: str = "P", seed: int = 42) -> Iterator[FeedOffer]:
    """Yield `count` offers of the pool as one supplier would list them (tests and benchmarks: any size)."""
    for index in range(count):
        offer = _good(index, seed)
        offer.offer_id, offer.stock = f"{prefix}{index + 1:06d}", index % 50
        offer.pictures = [f"https://img.example.ru/pool/{index + 1}.jpg"]
        yield offer


def supplier_offers(supplier: str, *, pool: int = POOL, seed: int = 42,
                    pictures: str | None = None) -> Iterator[FeedOffer]:
    """Yield a demo supplier's offers over its share of a pool of `pool` goods; `pictures` is the base URL of the
    sandbox's picture files (real images a moderation can measure), else made-up addresses."""
    prefix, first, last, (low, high) = SUPPLIERS[supplier]
    for index in range(int(pool * first), int(pool * last)):
        offer = _good(index, seed)
        rng = random.Random(f"supplier-{supplier}-{seed}-{index}")
        offer.offer_id = f"{prefix}{index + 1:06d}"
        offer.price = (offer.price * Decimal(str(round(rng.uniform(low, high), 2)))).quantize(Decimal("0.01"))
        offer.stock = rng.choice((0, 0, 3, 5, 12, 40, 100))
        offer.pictures = ([f"{pictures}/900x1200.jpg", f"{pictures}/1000x1400.png"] if pictures else
                          [f"https://img.example.ru/{supplier}/{index + 1}-{n}.jpg" for n in (1, 2)])
        if supplier == "beta":
            # The second supplier names a shared good by barcode only, or by vendor code only, by turns.
            offer.barcode, offer.vendor_code = ((offer.barcode, None) if index % 2 else (None, offer.vendor_code))
        yield offer


def write_yml(sink: TextIO, offers: Iterable[FeedOffer], *, shop: str, date: str = "2026-12-07T09:00+03:00") -> None:
    """Write a YML catalog (CONTRACTS.md §9.4) of `offers`, their categories first, to a text sink."""
    categories = {name: str(number) for number, name in enumerate(sorted(CATALOG), start=1)}
    sink.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE yml_catalog SYSTEM "shops.dtd">\n'
               f'<yml_catalog date="{date}">\n<shop>\n<name>{escape(shop)}</name>\n'
               f'<company>{escape(shop)}</company>\n<url>https://{shop.lower()}.example.ru/</url>\n'
               '<currencies><currency id="RUR" rate="1"/></currencies>\n'
               "<categories>\n")
    for name, number in categories.items():
        sink.write(f'<category id="{number}">{escape(name)}</category>\n')
    sink.write("</categories>\n<offers>\n")
    for o in offers:
        parts = [f"<offer id={quoteattr(o.offer_id)} available=\"{'true' if o.stock else 'false'}\">",
                 f"<name>{escape(o.name)}</name>", f"<price>{o.price}</price>", "<currencyId>RUR</currencyId>",
                 f"<categoryId>{categories[o.category]}</categoryId>",
                 *(f"<picture>{escape(p)}</picture>" for p in o.pictures), f"<vendor>{escape(o.vendor)}</vendor>"]
        if o.vendor_code:
            parts.append(f"<vendorCode>{escape(o.vendor_code)}</vendorCode>")
        if o.barcode:
            parts.append(f"<barcode>{o.barcode}</barcode>")
        parts += [f"<description><![CDATA[{o.description}]]></description>",
                  *(f"<param name={quoteattr(k)}>{escape(v)}</param>" for k, v in o.params.items()),
                  f"<weight>{o.weight}</weight>", "<dimensions>{}/{}/{}</dimensions>".format(*o.dimensions),
                  f"<count>{o.stock}</count>", "</offer>\n"]
        sink.write("".join(parts))
    sink.write("</offers>\n</shop>\n</yml_catalog>\n")


def write_csv(sink: TextIO, offers: Iterable[FeedOffer]) -> None:
    """Write a price list as Russian suppliers export it: `;` between cells, decimal commas (encode as cp1251)."""
    writer = csv.writer(sink, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for o in offers:
        writer.writerow((o.offer_id, o.name, str(o.price).replace(".", ","), o.stock, o.barcode or "", o.vendor,
                         o.vendor_code or "", o.category, " ".join(o.pictures), str(o.weight).replace(".", ","),
                         "{}/{}/{}".format(*o.dimensions), o.description))


def feed_text(name: str, pictures: str | None = None) -> str | None:
    """Return a demo feed by file name (alfa.yml, beta.csv; also alfa.csv, beta.yml), None when unknown."""
    supplier, _, kind = name.partition(".")
    if supplier not in SUPPLIERS or kind not in ("yml", "csv"):
        return None
    sink = io.StringIO()
    if kind == "yml":
        write_yml(sink, supplier_offers(supplier, pictures=pictures), shop=supplier.capitalize())
    else:
        write_csv(sink, supplier_offers(supplier, pictures=pictures))
    return sink.getvalue()
