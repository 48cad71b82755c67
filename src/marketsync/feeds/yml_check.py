"""A structural check of a YML file against CONTRACTS.md §9.4, streamed (memory grows only with the set of ids):
the declaration first, one `yml_catalog` root with an RFC 3339 date, `shop`'s children in order, currencies,
categories with unique ids and no missing parent, offers with unique ids, a name, a price with a dot, a known
currency and an existing category. Parsed with entity expansion, DTD loading and network access off."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

SHOP_ORDER = ("name", "company", "url", "currencies", "categories", "offers")
CURRENCIES = {"RUR", "RUB"}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")
PRICE = re.compile(r"^\d+(\.\d{1,2})?$")
MAX_PROBLEMS = 50


class _Check:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.shop_children: list[str] = []
        self.currencies: set[str] = set()
        self.categories: dict[str, str | None] = {}
        self.offer_ids: set[str] = set()
        self.offer_categories: set[str] = set()

    def say(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)

    def root(self, element: etree._Element) -> None:
        if element.tag != "yml_catalog":
            self.say(f"the root is <{element.tag}>, not <yml_catalog>")
        date = element.get("date")
        if not date or not RFC3339.match(date):
            self.say(f"yml_catalog date {date!r} is not RFC 3339 with a time zone")

    def offer(self, element: etree._Element) -> None:
        offer_id = element.get("id")
        where = f"offer {offer_id!r}"
        if not offer_id:
            self.say("an offer has no id")
        elif offer_id in self.offer_ids:
            self.say(f"{where}: the id is not unique")
        else:
            self.offer_ids.add(offer_id)
        if element.get("available") not in (None, "true", "false"):
            self.say(f"{where}: available={element.get('available')!r}")
        if not (element.findtext("name") or "").strip() and not (element.findtext("model") or "").strip():
            self.say(f"{where}: no name")
        price = (element.findtext("price") or "").strip()
        if not PRICE.match(price):
            self.say(f"{where}: price {price!r} is not a number with a dot")
        currency = element.findtext("currencyId")
        if currency not in self.currencies:
            self.say(f"{where}: currencyId {currency!r} is not among the currencies")
        category = element.findtext("categoryId")
        if not category:
            self.say(f"{where}: no categoryId")
        elif category not in self.categories:
            self.say(f"{where}: categoryId {category} is not among the categories")

    def categories_done(self) -> None:
        for category_id, parent in self.categories.items():
            if parent is not None and parent not in self.categories:
                self.say(f"category {category_id}: parentId {parent} is not among the categories")

    def shop_done(self) -> None:
        required = [tag for tag in self.shop_children if tag in SHOP_ORDER]
        if required != list(SHOP_ORDER):
            self.say(f"shop holds {', '.join(required) or 'nothing'}; expected {', '.join(SHOP_ORDER)} in order")


def check_yml(path: Path) -> list[str]:
    """Return what is wrong with the YML file at `path` (an empty list: it is valid)."""
    with path.open("rb") as stream:
        if stream.read(5) != b"<?xml":
            return ["the file does not start with the XML declaration"]
    check = _Check()
    parser_options = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
    depth = 0
    try:
        for event, element in etree.iterparse(str(path), events=("start", "end"), **parser_options):
            if event == "start":
                depth += 1
                if depth == 1:
                    check.root(element)
                elif depth == 2 and element.tag != "shop":
                    check.say(f"<{element.tag}> under yml_catalog")
                elif depth == 3:
                    check.shop_children.append(element.tag)
                continue
            level, depth = depth, depth - 1  # the ending element's own depth (the root is 1)
            tag = element.tag
            if tag == "currency" and level == 4:
                check.currencies.add(element.get("id") or "")
            elif tag == "currencies" and level == 3 and not check.currencies & CURRENCIES:
                check.say("currencies has neither RUR nor RUB")
            elif tag == "category" and level == 4:
                category_id = element.get("id") or ""
                if not category_id or category_id in check.categories:
                    check.say(f"category id {category_id!r} is missing or not unique")
                check.categories[category_id] = element.get("parentId")
            elif tag == "categories" and level == 3:
                check.categories_done()
            elif tag == "offer" and level == 4:
                check.offer(element)
                element.clear(keep_tail=False)  # the stream: a finished offer is dropped
                while element.getprevious() is not None:
                    del element.getparent()[0]
            elif tag == "shop" and level == 2:
                check.shop_done()
    except etree.XMLSyntaxError as exc:
        check.say(f"not well-formed XML: {exc}")
    return check.problems
