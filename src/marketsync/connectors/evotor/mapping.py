"""Evotor wire models → source records (pure)."""

from __future__ import annotations

from decimal import Decimal

from marketsync.connectors.evotor.schemas import GroupWire, ProductWire, StoreWire
from marketsync.connectors.records import SourceGroup, SourceProduct, SourceStore


def store_from_wire(wire: StoreWire) -> SourceStore:
    """Map an Evotor store."""
    return SourceStore(external_id=wire.id, name=wire.name.strip() or wire.id, address=wire.address)


def group_from_wire(wire: GroupWire, store_id: str) -> SourceGroup:
    """Map an Evotor product group of a store."""
    return SourceGroup(
        external_id=wire.id, store_external_id=store_id, name=wire.name.strip() or wire.id,
        parent_external_id=wire.parent_id or None,
    )


def product_from_wire(wire: ProductWire, store_id: str) -> SourceProduct:
    """Map an Evotor product; empty strings become None so rules can test presence."""
    return SourceProduct(
        external_id=wire.id,
        store_external_id=store_id,
        name=wire.name.strip(),
        price=wire.price.quantize(Decimal("0.01")),
        allow_to_sell=wire.allow_to_sell,
        group_external_id=wire.parent_id or None,
        code=(wire.code or "").strip() or None,
        description=(wire.description or "").strip() or None,
        measure=(wire.measure_name or "").strip() or None,
        quantity=wire.quantity,
        barcodes=tuple(b for b in (code.strip() for code in wire.barcodes) if b),
        article_number=(wire.article_number or "").strip() or None,
    )
