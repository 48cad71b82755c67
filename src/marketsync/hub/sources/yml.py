"""Read a YML file (yml_catalog/shop/categories, offers) as a stream of offers (CONTRACTS.md §9.4).

lxml's iterparse with entity resolution, DTD loading and the network off: the customary `<!DOCTYPE yml_catalog
SYSTEM "shops.dtd">` is accepted and never fetched, while a document type declaring any entity (an expansion bomb,
an external entity, a parameter entity) refuses the whole file at the root's start tag, before one offer is read;
YML never needs one. Each offer is dropped from the tree once read, so memory does not grow with the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from marketsync.hub.offer_rows import RawOffer
from marketsync.hub.sources import SourceRefusedError, SourceRow


def _children(element: Any) -> Iterator[tuple[str, Any]]:
    for child in element:
        if isinstance(child.tag, str):  # comments and processing instructions have a function as tag
            yield child.tag, child


def _text(element: Any) -> str:
    return "".join(element.itertext()).strip()


def _stock(offer: Any) -> str | None:
    """The offer's stock: <count>, else <stock>, else the sum of its outlets' instock."""
    for tag in ("count", "stock", "quantity"):
        found = offer.find(tag)
        if found is not None:
            return _text(found)
    outlets = offer.findall("outlets/outlet")
    if outlets:
        return str(sum(int(o.get("instock", "0")) for o in outlets if o.get("instock", "0").isdigit()))
    return None


def offer_from_element(offer: Any, categories: dict[str, str]) -> RawOffer:
    """Return what an <offer> element says (names as written; numbers still text)."""
    raw = RawOffer(offer_id=offer.get("id"), available=offer.get("available", "true").strip().lower() != "false")
    model = prefix = ""
    for tag, child in _children(offer):
        value = _text(child)
        if tag in ("name", "price", "vendor", "description", "weight"):
            setattr(raw, tag, value)
        elif tag == "currencyId":
            raw.currency = value
        elif tag == "categoryId":
            raw.category = categories.get(value)
        elif tag == "vendorCode":
            raw.vendor_code = value
        elif tag == "picture":
            raw.pictures.append(value)
        elif tag == "barcode":
            raw.barcodes.append(value)
        elif tag == "param" and child.get("name"):
            unit = (child.get("unit") or "").strip()
            text = f"{value} {unit}" if unit and value else value
            name = child.get("name").strip()
            raw.params[name] = f"{raw.params[name]}, {text}" if name in raw.params else text
        elif tag == "dimensions":
            parts = value.replace(" ", "").split("/")
            raw.length, raw.width, raw.height = parts if len(parts) == 3 else (value, value, value)
        elif tag == "model":
            model = value
        elif tag == "typePrefix":
            prefix = value
    if not raw.name and model:  # the vendor.model type: typePrefix + vendor + model
        raw.name = " ".join(part for part in (prefix, raw.vendor or "", model) if part)
    raw.stock = _stock(offer)
    return raw


ENTITIES_REFUSED = "the file declares XML entities (<!ENTITY>), which YML never needs: refused"
PROLOG_BYTES = 1 << 16


def _refuse_entities(element: Any) -> None:
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise SourceRefusedError(ENTITIES_REFUSED)


def _refuse_declared_entities(path: Path) -> None:
    """Refuse before parsing when the prolog declares an entity: libxml2 would stop a bomb on its own, but with
    a message about amplification; the seller is told what is wrong. The root's start tag checks again."""
    try:
        with path.open("rb") as handle:
            head = handle.read(PROLOG_BYTES)
    except OSError as exc:
        raise SourceRefusedError(f"cannot read the file: {exc}") from None
    doctype = head.find(b"<!DOCTYPE")
    if doctype >= 0 and b"<!ENTITY" in head[doctype:]:
        raise SourceRefusedError(ENTITIES_REFUSED)


def read_yml(path: Path) -> Iterator[SourceRow]:
    """Stream the offers of a YML file; raise SourceRefusedError when the file is not readable as a whole."""
    _refuse_declared_entities(path)
    context = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True,
                              load_dtd=False, huge_tree=False, remove_comments=True)
    categories: dict[str, str] = {}
    depth, ordinal, saw_offers = 0, 0, False
    try:
        for event, element in context:
            if event == "start":
                depth += 1
                if depth == 1:
                    _refuse_entities(element)
                    if element.tag != "yml_catalog":
                        raise SourceRefusedError(f"not a YML catalog: the root element is <{element.tag}>")
                saw_offers = saw_offers or element.tag == "offers"
                continue
            depth -= 1
            if element.tag == "category" and depth == 3:
                if element.get("id"):
                    categories[element.get("id").strip()] = _text(element)
                element.clear()
            elif element.tag == "offer" and depth == 3 and element.getparent().tag == "offers":
                ordinal += 1
                raw = offer_from_element(element, categories)
                yield SourceRow(position=(raw.offer_id or "").strip() or f"#{ordinal}", raw=raw)
                # Drop this offer and those before it: the tree stays as small as one offer.
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        if "amplification" in exc.msg:
            raise SourceRefusedError(ENTITIES_REFUSED) from None
        raise SourceRefusedError(f"not well-formed XML (cut short or broken), line {exc.lineno}: "
                                 f"{exc.msg.split(', line')[0]}") from None
    except OSError as exc:
        raise SourceRefusedError(f"cannot read the file: {exc}") from None
    if not saw_offers:
        raise SourceRefusedError("not a YML catalog: no <offers> in yml_catalog/shop")
