"""Our YML feed read back by our own importer: another cabinet importing the feed as a supplier's file gets the
same catalog, field for field (article, name, price, vendor and code, barcodes, category, pictures, params,
weight and dimensions, stock)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine

from feed_builders import cabinet, hub_catalog
from marketsync.db import session_scope
from marketsync.feeds import service
from marketsync.feeds.yml_check import check_yml
from marketsync.hub.import_service import import_catalog
from marketsync.hub.models import HubCategory, HubProduct, SupplierOffer


def _shown(name: str, description: str | None, vendor: str | None, vendor_code: str | None, barcodes: list[str],
           category: str | None, price: Decimal, stock: int, pictures: list[str], params: dict[str, str],
           dims: tuple[Decimal | None, ...]) -> tuple[object, ...]:
    return (name, description, vendor, vendor_code, sorted(barcodes), category, Decimal(price), stock,
            list(pictures), dict(params), tuple(None if d is None else Decimal(d).normalize() for d in dims))


def test_the_feed_reads_back_through_our_importer_as_the_same_catalog(engine: Engine) -> None:
    seller = cabinet(engine)
    hub_catalog(engine, seller, products=12)
    with session_scope(engine) as session:
        service.create_feed(session, account_id=seller, name="market")
        path = service.build_feed(session, account_id=seller, name="market")
    assert check_yml(path) == []
    with session_scope(engine) as session:
        names = dict(session.execute(select(HubCategory.id, HubCategory.name)).all())
        ours = {p.sku: _shown(p.name, p.description, p.vendor, p.vendor_code, p.barcodes, names.get(p.category_id),
                              p.price, p.stock, p.pictures, p.params,
                              (p.weight_kg, p.length_cm, p.width_cm, p.height_cm))
                for p in session.scalars(select(HubProduct).where(HubProduct.account_id == seller))}

    reader = cabinet(engine, "reader@example.ru")
    with session_scope(engine) as session:
        report = import_catalog(session, account_id=reader, supplier_name="Наш фид", source=str(path))
        assert (report.status, report.read, report.created, report.rejected) == ("done", 12, 12, 0), report.rejects
    with session_scope(engine) as session:
        read = {o.offer_id: _shown(o.name, o.description, o.vendor, o.vendor_code, o.barcodes, o.category, o.price,
                                   o.stock, o.pictures, o.params, (o.weight_kg, o.length_cm, o.width_cm, o.height_cm))
                for o in session.scalars(select(SupplierOffer).where(SupplierOffer.account_id == reader))}
        merged = session.scalar(select(HubProduct.id).where(HubProduct.account_id == reader).limit(1))
    assert read == ours
    assert merged is not None, "the import merged the feed's offers into the reader's catalog"
