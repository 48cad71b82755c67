"""Merging suppliers' offers into the canonical catalog: each offer linked to one product (a shared barcode, then
vendor + vendor code, else a new product), then every product it touches recomputed from all of its offers.

Offers are read in chunks of CHUNK ordered by id, and each chunk's barcodes and vendor codes are looked up with one
indexed query in hub_barcodes / hub_vendor_codes, so memory stays flat for 200,000 offers. The decisions are in
hub/linking.py; this module only gathers and applies them. Services flush; the caller commits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from marketsync.db import insert_ignore
from marketsync.hub import linking
from marketsync.hub.models import HubBarcode, HubProduct, HubSettings, HubVendorCode, Supplier, SupplierOffer
from marketsync.hub.refresh import Refresher

CHUNK = 1000


class HubError(ValueError):
    """A hub request that cannot be done as asked (an unknown supplier or product, a taken article)."""


class HubNotFoundError(HubError):
    """The supplier asked for is not the cabinet's (or does not exist)."""


@dataclass
class MergeCounts:
    """What a merge did: offers read, links made or moved, products created, and products (packs and bundles
    included) whose shown content changed or stayed the same."""

    offers: int = 0
    linked: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: MergeCounts) -> None:
        """Add another merge's counts to these."""
        for name in ("offers", "linked", "created", "updated", "unchanged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def price_rule(session: Session, account_id: int) -> str:
    """Return the cabinet's price rule: `cheapest` (the default) or `priority`."""
    rule = session.scalar(select(HubSettings.price_rule).where(HubSettings.account_id == account_id))
    return rule if rule in linking.PRICE_RULES else linking.CHEAPEST


def merge_supplier(session: Session, *, account_id: int, supplier_id: int) -> MergeCounts:
    """Link each offer of a supplier to its canonical product and recompute the products it touches (their packs
    and bundles too); an unchanged supplier writes nothing."""
    supplier = _supplier(session, account_id, supplier_id)
    counts = MergeCounts()
    lost = _link_offers(session, supplier, counts)
    refresher = Refresher(session, account_id, price_rule(session, account_id))
    for ids in _chunks(_supplier_products(session, supplier.id)):
        refresher.refresh(ids)
    # Products the supplier's offers moved away from (those still linked were just refreshed), and products whose
    # offers were deleted: their stock goes.
    for ids in _chunks(iter(sorted(lost))):
        still = set(session.scalars(select(SupplierOffer.product_id).where(
            SupplierOffer.supplier_id == supplier.id, SupplierOffer.product_id.in_(ids))))
        refresher.refresh([i for i in ids if i not in still])
    for ids in _chunks(iter(sorted(_orphans_in_stock(session, account_id)))):
        refresher.refresh(ids)
    _count(counts, refresher)
    return counts


def merge_account(session: Session, *, account_id: int) -> MergeCounts:
    """Link every supplier's offers and recompute every product of the cabinet (after the price rule changed)."""
    counts = MergeCounts()
    supplier_ids = session.scalars(select(Supplier.id).where(Supplier.account_id == account_id)
                                   .order_by(Supplier.id)).all()
    for supplier_id in supplier_ids:
        _link_offers(session, _supplier(session, account_id, supplier_id), counts)
    refresher = Refresher(session, account_id, price_rule(session, account_id))
    last = 0
    while ids := list(session.scalars(
            select(HubProduct.id).where(HubProduct.account_id == account_id, HubProduct.kind == "single",
                                        HubProduct.id > last).order_by(HubProduct.id).limit(CHUNK))):
        refresher.refresh(ids)
        last = ids[-1]
    _count(counts, refresher)
    return counts


def _count(counts: MergeCounts, refresher: Refresher) -> None:
    counts.created += refresher.created  # packs made for pack suppliers
    counts.updated, counts.unchanged = refresher.updated, refresher.unchanged


def _supplier(session: Session, account_id: int, supplier_id: int) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or supplier.account_id != account_id:  # another cabinet's supplier is no supplier here
        raise HubNotFoundError(f"no supplier {supplier_id}")
    return supplier


def _chunks(ids: Iterator[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for product_id in ids:
        chunk.append(product_id)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _supplier_products(session: Session, supplier_id: int) -> Iterator[int]:
    """Yield the products a supplier's offers link to, in id order, a chunk read at a time."""
    last = 0
    while ids := list(session.scalars(
            select(SupplierOffer.product_id).where(SupplierOffer.supplier_id == supplier_id,
                                                   SupplierOffer.product_id > last)
            .group_by(SupplierOffer.product_id).order_by(SupplierOffer.product_id).limit(CHUNK))):
        yield from (i for i in ids if i is not None)
        last = ids[-1] or last


def _orphans_in_stock(session: Session, account_id: int) -> set[int]:
    """Products still showing stock though no offer links to them any more (their rows were deleted)."""
    linked = exists().where(SupplierOffer.product_id == HubProduct.id)
    return set(session.scalars(select(HubProduct.id).where(
        HubProduct.account_id == account_id, HubProduct.kind == "single", HubProduct.stock > 0, ~linked)))


def _link_offers(session: Session, supplier: Supplier, counts: MergeCounts) -> set[int]:
    """Link the supplier's offers chunk by chunk; return the products that lost one of its offers."""
    lost: set[int] = set()
    last = 0
    while rows := session.execute(
            select(SupplierOffer.id, SupplierOffer.offer_id, SupplierOffer.product_id, SupplierOffer.barcodes,
                   SupplierOffer.vendor, SupplierOffer.vendor_code, SupplierOffer.name)
            .where(SupplierOffer.supplier_id == supplier.id, SupplierOffer.id > last)
            .order_by(SupplierOffer.id).limit(CHUNK)).all():
        last = rows[-1].id
        counts.offers += len(rows)
        _link_chunk(session, supplier, rows, counts, lost)
    return lost


def _link_chunk(session: Session, supplier: Supplier, rows: Sequence[Any], counts: MergeCounts,
                lost: set[int]) -> None:
    account_id = supplier.account_id
    barcodes = {row.id: linking.clean_barcodes(row.barcodes) for row in rows}
    keys = {row.id: linking.vendor_key(row.vendor, row.vendor_code) for row in rows}
    by_barcode = _barcode_links(session, account_id, {b for bs in barcodes.values() for b in bs})
    by_vendor = _vendor_links(session, account_id, {k for k in keys.values() if k})
    current = _singles(session, {row.product_id for row in rows if row.product_id})
    holders = _holders(session, supplier.id, set(by_barcode.values()) | set(by_vendor.values()) | current)
    new_products: dict[int, HubProduct] = {}  # a temporary (negative) id → the product made for an offer
    makers: dict[int, Any] = {}  # a temporary id → the offer it is made from
    decided: list[tuple[Any, int]] = []
    known_barcodes, known_keys = set(by_barcode), set(by_vendor)
    for row in rows:
        mine = row.product_id if row.product_id in current else None
        reachable = {by_barcode[b] for b in barcodes[row.id] if b in by_barcode}
        reachable |= {by_vendor[k] for k in [keys[row.id]] if k in by_vendor} | ({mine} if mine else set())
        taken = frozenset(p for p in reachable if holders.get(p, row.id) != row.id)
        link = linking.choose_link(linking.LinkInput(barcodes[row.id], keys[row.id], mine, by_barcode, by_vendor,
                                                     taken))
        product_id = link.product_id
        if product_id is None:
            product_id = -(len(new_products) + 1)
            new_products[product_id] = HubProduct(account_id=account_id, sku="", kind="single",
                                                  name=row.name[:500], content_hash="")
            makers[product_id] = row
        if row.product_id is not None and holders.get(row.product_id) == row.id and product_id != row.product_id:
            del holders[row.product_id]
        holders[product_id] = row.id
        for barcode in barcodes[row.id]:
            by_barcode.setdefault(barcode, product_id)
        key = keys[row.id]
        if key:
            by_vendor.setdefault(key, product_id)
        decided.append((row, product_id))
    real = _create(session, supplier, new_products, makers)
    counts.created += len(new_products)

    def final(product_id: int) -> int:
        return real.get(product_id, product_id)

    moved = [(row, final(pid)) for row, pid in decided if row.product_id != final(pid)]
    if moved:
        session.execute(update(SupplierOffer), [{"id": row.id, "product_id": pid} for row, pid in moved])
        counts.linked += len(moved)
        lost.update(row.product_id for row, _pid in moved if row.product_id is not None)
    insert_ignore(session, HubBarcode, [
        {"account_id": account_id, "barcode": b, "product_id": final(p)}
        for b, p in by_barcode.items() if b not in known_barcodes], keys=["account_id", "barcode"])
    insert_ignore(session, HubVendorCode, [
        {"account_id": account_id, "key": k, "product_id": final(p)}
        for k, p in by_vendor.items() if k not in known_keys], keys=["account_id", "key"])


def _create(session: Session, supplier: Supplier, new_products: dict[int, HubProduct],
            makers: dict[int, Any]) -> dict[int, int]:
    """Give the chunk's new products their articles, insert them, and return temporary id → real id."""
    if not new_products:
        return {}
    wanted = {text for row in makers.values() for text in (row.vendor_code, row.offer_id) if text}
    checked = {" ".join(w.split())[:linking.SKU_MAX] for w in wanted} | {w.strip()[:linking.SKU_MAX] for w in wanted}
    taken = set(_taken_skus(session, supplier.account_id, checked))
    for pid, product in new_products.items():
        row = makers[pid]
        sku = linking.choose_sku(row.vendor_code, row.offer_id, supplier.id, taken)
        # A fallback article (offer id + supplier) was not among those looked up: it may exist already.
        while sku not in checked and _taken_skus(session, supplier.account_id, {sku}):
            taken.add(sku)
            sku = linking.choose_sku(row.vendor_code, row.offer_id, supplier.id, taken)
        taken.add(sku)
        product.sku = sku
    session.add_all(new_products.values())
    session.flush()
    real = {pid: product.id for pid, product in new_products.items()}
    for product in new_products.values():
        session.expunge(product)  # the refresh reads it again; the session holds no chunk of products
    return real


def _taken_skus(session: Session, account_id: int, skus: set[str]) -> list[str]:
    if not skus:
        return []
    return list(session.scalars(select(HubProduct.sku).where(HubProduct.account_id == account_id,
                                                             HubProduct.sku.in_(skus))))


def _barcode_links(session: Session, account_id: int, barcodes: set[str]) -> dict[str, int]:
    """Return barcode → single product for these barcodes (packs keep their own barcodes out of linking)."""
    if not barcodes:
        return {}
    rows = session.execute(select(HubBarcode.barcode, HubBarcode.product_id)
                           .join(HubProduct, HubProduct.id == HubBarcode.product_id)
                           .where(HubBarcode.account_id == account_id, HubBarcode.barcode.in_(barcodes),
                                  HubProduct.kind == "single"))
    return {barcode: product_id for barcode, product_id in rows}


def _vendor_links(session: Session, account_id: int, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = session.execute(select(HubVendorCode.key, HubVendorCode.product_id)
                           .where(HubVendorCode.account_id == account_id, HubVendorCode.key.in_(keys)))
    return {key: product_id for key, product_id in rows}


def _singles(session: Session, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(HubProduct.id).where(HubProduct.id.in_(ids), HubProduct.kind == "single")))


def _holders(session: Session, supplier_id: int, product_ids: set[int]) -> dict[int, int]:
    """Return product → the supplier's offer that links to it now (the oldest, should there be two)."""
    if not product_ids:
        return {}
    rows = session.execute(select(SupplierOffer.product_id, SupplierOffer.id)
                           .where(SupplierOffer.supplier_id == supplier_id,
                                  SupplierOffer.product_id.in_(product_ids)).order_by(SupplierOffer.id.desc()))
    return {product_id: offer_pk for product_id, offer_pk in rows if product_id is not None}
