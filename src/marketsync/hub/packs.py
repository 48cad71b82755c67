"""Packs and bundles made by the seller's rules: a pack of N of a product with its own article and barcode, and a
bundle of several products. The merge keeps both up to date whenever their product or parts change."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketsync.hub import linking
from marketsync.hub.merge import HubError, price_rule
from marketsync.hub.models import BundlePart, HubBarcode, HubProduct, Supplier, SupplierOffer
from marketsync.hub.refresh import Refresher


def _product(session: Session, account_id: int, sku: str) -> HubProduct | None:
    return session.scalar(select(HubProduct).where(HubProduct.account_id == account_id, HubProduct.sku == sku))


def make_pack(session: Session, *, account_id: int, product_sku: str, pack_of: int, sku: str,
              barcode: str | None = None) -> HubProduct:
    """Make (or re-make) a pack of `pack_of` units of a product under its own article and barcode: price = the
    product's price × N unless a pack supplier priced it, stock = the product's stock ÷ N."""
    sku = sku.strip()
    if not sku or len(sku) > linking.SKU_MAX:
        raise HubError("the pack needs an article of up to 128 characters")
    if pack_of < 2:
        raise HubError("a pack holds 2 units or more")
    base = _product(session, account_id, product_sku.strip())
    if base is None or base.kind != "single":
        raise HubError(f"no product {product_sku!r} to pack")
    pack = _product(session, account_id, sku)
    if pack is not None and (pack.kind != "pack" or pack.base_product_id != base.id):
        raise HubError(f"the article {sku!r} belongs to another product")
    barcode = (barcode or "").strip() or None
    if barcode is not None:
        holder = session.scalar(select(HubBarcode.product_id).where(HubBarcode.account_id == account_id,
                                                                    HubBarcode.barcode == barcode))
        if holder is not None and (pack is None or holder != pack.id):
            raise HubError(f"the barcode {barcode} belongs to another product")
    refresher = Refresher(session, account_id, price_rule(session, account_id))
    if pack is None:
        pack = refresher.new_pack(base, pack_of, sku=sku)
    pack.pack_of = pack_of
    if barcode is not None:
        session.execute(delete(HubBarcode).where(HubBarcode.product_id == pack.id, HubBarcode.barcode != barcode))
        if barcode not in (pack.barcodes or []):
            session.add(HubBarcode(account_id=account_id, barcode=barcode, product_id=pack.id))
        pack.barcodes = [barcode]
    offers = session.execute(
        select(SupplierOffer.id, SupplierOffer.supplier_id, SupplierOffer.price, SupplierOffer.stock,
               SupplierOffer.available, Supplier.priority, Supplier.pack_size)
        .join(Supplier, Supplier.id == SupplierOffer.supplier_id)
        .where(SupplierOffer.product_id == base.id)).all()
    refresher.apply_pack(pack, base, offers)
    session.flush()
    refresher.refresh_bundles([pack.id])
    session.flush()
    return pack


def make_bundle(session: Session, *, account_id: int, sku: str, name: str, parts: Mapping[str, int],
                price: Decimal) -> HubProduct:
    """Make (or re-make) a bundle of several products at a price: stock = the minimum over its parts of part
    stock ÷ quantity; the first part with photos and a category lends them."""
    sku, name = sku.strip(), " ".join(name.split())
    if not sku or len(sku) > linking.SKU_MAX or not name:
        raise HubError("the bundle needs an article of up to 128 characters and a name")
    if not parts or any(qty < 1 for qty in parts.values()):
        raise HubError("a bundle holds at least one product, each 1 or more times")
    if price <= 0:
        raise HubError("the bundle needs a price above zero")
    products = {part_sku: _product(session, account_id, part_sku) for part_sku in parts}
    missing = sorted(s for s, p in products.items() if p is None)
    if missing:
        raise HubError(f"no product {', '.join(missing)} for the bundle")
    bundle = _product(session, account_id, sku)
    if bundle is not None and bundle.kind != "bundle":
        raise HubError(f"the article {sku!r} belongs to another product")
    if any(p.kind == "bundle" or p is bundle for p in products.values() if p is not None):
        raise HubError("a bundle is made of products and packs, not of bundles")
    refresher = Refresher(session, account_id, price_rule(session, account_id))
    if bundle is None:
        bundle = HubProduct(account_id=account_id, sku=sku, kind="bundle", name=name[:500], barcodes=[],
                            content_hash="")
        session.add(bundle)
        session.flush()
        refresher.created += 1
    session.execute(delete(BundlePart).where(BundlePart.bundle_id == bundle.id))
    for part_sku, qty in parts.items():
        part = products[part_sku]
        assert part is not None
        session.add(BundlePart(account_id=account_id, bundle_id=bundle.id, part_id=part.id, quantity=qty))
    session.flush()
    lender = next((p for p in products.values() if p is not None and p.pictures), None)
    category = next((p.category_id for p in products.values() if p is not None and p.category_id), None)
    refresher.apply(bundle, {"name": name[:500], "price": price.quantize(linking.KOPECK, ROUND_HALF_UP),
                             "pictures": list(lender.pictures) if lender else [], "category_id": category})
    refresher.apply_bundle(bundle)
    session.flush()
    return bundle
