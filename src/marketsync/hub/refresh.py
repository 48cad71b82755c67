"""Recomputing canonical products from their offers, a chunk of products at a time: content from the winning
offer with gaps filled from the others, price and stock by the cabinet's rule, then the packs made of them and the
bundles holding them. A product is written only when its content hash changes (updated_at with it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.hub import linking
from marketsync.hub.models import BundlePart, HubBarcode, HubCategory, HubProduct, Supplier, SupplierOffer

# Every field a channel or a feed shows: the content hash covers exactly these.
SHOWN = ("sku", "kind", "base_product_id", "pack_of", "name", "description", "vendor", "vendor_code", "barcodes",
         "category_id", "price", "stock", "pictures", "params", "weight_kg", "length_cm", "width_cm", "height_cm")


def shown_hash(product: HubProduct, changes: Mapping[str, Any] | None = None) -> str:
    """Return the content hash of a product as it would be with some fields changed."""
    fields = {name: getattr(product, name) for name in SHOWN}
    fields.update(changes or {})
    return linking.content_hash(fields)


def pack_name(base_name: str, pack_of: int) -> str:
    """Return a pack's title: the product's with the count of units (the catalog's language is Russian)."""
    return f"{base_name}, {pack_of} шт."[:500]


class Refresher:
    """Recomputes products chunk by chunk for one cabinet and rule, counting what changed."""

    def __init__(self, session: Session, account_id: int, rule: str) -> None:
        self.session, self.account_id, self.rule = session, account_id, rule
        self.categories: dict[str, int] = {}  # distinct category names are few: kept for the whole merge
        self.created = self.updated = self.unchanged = 0

    def apply(self, product: HubProduct, changes: Mapping[str, Any]) -> bool:
        """Write the changes when they change the product's shown content; return whether they did."""
        new_hash = shown_hash(product, changes)
        if new_hash == product.content_hash:
            self.unchanged += 1
            return False
        if product.content_hash:  # a product made by this merge is counted as created, not updated
            self.updated += 1
        for name, value in changes.items():
            if getattr(product, name) != value:
                setattr(product, name, value)
        product.content_hash = new_hash
        product.updated_at = utcnow()
        return True

    def refresh(self, ids: Sequence[int]) -> None:
        """Recompute these single products from all their offers, then their packs and the bundles they are in."""
        session = self.session
        products = list(session.scalars(select(HubProduct).where(
            HubProduct.id.in_(ids), HubProduct.account_id == self.account_id, HubProduct.kind == "single")))
        offers: dict[int, list[Any]] = defaultdict(list)
        for row in session.execute(
                select(SupplierOffer.id, SupplierOffer.product_id, SupplierOffer.supplier_id, SupplierOffer.name,
                       SupplierOffer.description, SupplierOffer.vendor, SupplierOffer.vendor_code,
                       SupplierOffer.barcodes, SupplierOffer.category, SupplierOffer.price, SupplierOffer.stock,
                       SupplierOffer.available, SupplierOffer.pictures, SupplierOffer.params,
                       SupplierOffer.weight_kg, SupplierOffer.length_cm, SupplierOffer.width_cm,
                       SupplierOffer.height_cm, Supplier.priority, Supplier.pack_size)
                .join(Supplier, Supplier.id == SupplierOffer.supplier_id)
                .where(SupplierOffer.product_id.in_(ids), SupplierOffer.account_id == self.account_id)
                .order_by(SupplierOffer.id)):
            offers[row.product_id].append(row)
        barcodes: dict[int, list[str]] = defaultdict(list)
        for product_id, barcode in session.execute(
                select(HubBarcode.product_id, HubBarcode.barcode).where(HubBarcode.product_id.in_(ids))
                .order_by(HubBarcode.id)):
            barcodes[product_id].append(barcode)
        changed = [p.id for p in products if self._refresh_single(p, offers[p.id], barcodes[p.id])]
        session.flush()
        packs = self.refresh_packs(products, offers)
        changed += [p.id for p, was_changed in packs if was_changed]
        session.flush()
        bundles = self.refresh_bundles(changed)
        session.flush()
        for product in [*products, *(p for p, _ in packs), *bundles]:
            session.expunge(product)  # memory stays flat: the next chunk starts from an empty identity map

    def _refresh_single(self, product: HubProduct, offers: Sequence[Any], mapped: Sequence[str]) -> bool:
        if not offers:  # every offer gone: nothing to sell, the content stays as it was
            return self.apply(product, {"stock": 0})
        candidates = [linking.as_candidate(o.id, o.supplier_id, o.priority, o.price, o.stock, o.available,
                                           o.pack_size) for o in offers]
        order = linking.ranked(candidates, self.rule)
        by_pk = {o.id: o for o in offers}
        # Content from offers of single units first: a pack supplier's title and photos describe its pack.
        content_rows = [by_pk[c.offer_pk] for c in order if not c.pack_size] + \
            [by_pk[c.offer_pk] for c in order if c.pack_size]
        content = linking.merge_content([row._mapping for row in content_rows])
        winner = order[0]
        return self.apply(product, {
            "name": (content.name or product.name)[:500], "description": content.description,
            "vendor": content.vendor, "vendor_code": content.vendor_code,
            "barcodes": _ordered_barcodes(content_rows, mapped), "category_id": self.category(content.category),
            "price": winner.price, "stock": max(winner.stock, 0), "pictures": content.pictures,
            "params": content.params, "weight_kg": content.weight_kg, "length_cm": content.length_cm,
            "width_cm": content.width_cm, "height_cm": content.height_cm,
        })

    def category(self, name: str | None) -> int | None:
        """Return the canonical category of a supplier's category name, made on first sight."""
        name = " ".join((name or "").split())[:255]
        if not name:
            return None
        if name not in self.categories:
            found = self.session.scalar(select(HubCategory.id).where(HubCategory.account_id == self.account_id,
                                                                     HubCategory.name == name))
            if found is None:
                category = HubCategory(account_id=self.account_id, name=name)
                self.session.add(category)
                self.session.flush()
                found = category.id
            self.categories[name] = found
        return self.categories[name]

    def refresh_packs(self, bases: Sequence[HubProduct], offers: Mapping[int, Sequence[Any]],
                      ) -> list[tuple[HubProduct, bool]]:
        """Make the packs pack suppliers sell and recompute every pack of these products; return each pack with
        whether it changed."""
        by_id = {b.id: b for b in bases}
        packs = list(self.session.scalars(select(HubProduct).where(
            HubProduct.kind == "pack", HubProduct.base_product_id.in_(list(by_id)))
            .order_by(HubProduct.id)))
        have = {(p.base_product_id, p.pack_of) for p in packs}
        for base in bases:
            for size in sorted({o.pack_size for o in offers.get(base.id, ()) if o.pack_size and o.pack_size > 1}):
                if (base.id, size) not in have:
                    packs.append(self.new_pack(base, size, sku=None))
                    have.add((base.id, size))
        result = []
        for pack in packs:
            base_id = pack.base_product_id or 0
            result.append((pack, self.apply_pack(pack, by_id[base_id], offers.get(base_id, ()))))
        return result

    def new_pack(self, base: HubProduct, pack_of: int, *, sku: str | None) -> HubProduct:
        """Insert a pack of a product (article `<base article>-x<N>` unless given) and return it."""
        if sku is None:
            sku = f"{base.sku[:linking.SKU_MAX - 12]}-x{pack_of}"
            n = 1
            while self.session.scalar(select(HubProduct.id).where(HubProduct.account_id == self.account_id,
                                                                  HubProduct.sku == sku)):
                n += 1
                sku = f"{base.sku[:linking.SKU_MAX - 16]}-x{pack_of}-{n}"
        pack = HubProduct(account_id=self.account_id, sku=sku, kind="pack", base_product_id=base.id,
                          pack_of=pack_of, name=pack_name(base.name, pack_of), barcodes=[], content_hash="")
        self.session.add(pack)
        self.session.flush()
        self.created += 1
        return pack

    def apply_pack(self, pack: HubProduct, base: HubProduct, base_offers: Iterable[Any]) -> bool:
        """Recompute a pack from its product: the pack supplier's in-stock price (else base price × N), stock in
        whole packs out of the product's stock, the product's content."""
        n = pack.pack_of or 1
        priced = [linking.as_candidate(o.id, o.supplier_id, o.priority, o.price, o.stock, o.available, None)
                  for o in base_offers if o.pack_size == n]
        winner = linking.pick_winner([c for c in priced if c.stock > 0], self.rule)
        price, stock = linking.pack_figures(base.price, base.stock, n, winner.price if winner else None)
        weight = base.weight_kg * n if base.weight_kg is not None else None
        return self.apply(pack, {
            "name": pack_name(base.name, n), "description": base.description, "vendor": base.vendor,
            "category_id": base.category_id, "pictures": list(base.pictures or []), "params": dict(base.params or {}),
            "price": price, "stock": stock, "weight_kg": weight,
        })

    def refresh_bundles(self, part_ids: Sequence[int]) -> list[HubProduct]:
        """Recompute the stock of every bundle holding one of these products; return the bundles."""
        if not part_ids:
            return []
        bundle_ids = select(BundlePart.bundle_id).where(BundlePart.part_id.in_(part_ids))
        bundles = list(self.session.scalars(select(HubProduct).where(HubProduct.id.in_(bundle_ids))
                                            .order_by(HubProduct.id)))
        for bundle in bundles:
            self.apply_bundle(bundle)
        return bundles

    def apply_bundle(self, bundle: HubProduct) -> bool:
        """Recompute a bundle's stock: the minimum over its parts of part stock ÷ quantity."""
        parts = self.session.execute(select(HubProduct.stock, BundlePart.quantity)
                                     .join(BundlePart, BundlePart.part_id == HubProduct.id)
                                     .where(BundlePart.bundle_id == bundle.id)).all()
        return self.apply(bundle, {"stock": linking.bundle_stock((stock, qty) for stock, qty in parts)})


def _ordered_barcodes(offers: Sequence[Any], mapped: Sequence[str]) -> list[str]:
    """Return the product's barcodes (those the cabinet's table gives it) in its offers' order, winner first."""
    owned = set(mapped)
    ordered: dict[str, None] = {}
    for offer in offers:
        for barcode in linking.clean_barcodes(offer.barcodes):
            if barcode in owned:
                ordered.setdefault(barcode, None)
    for barcode in mapped:
        ordered.setdefault(barcode, None)
    return list(ordered)
