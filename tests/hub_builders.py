"""Hub test data: a cabinet, its suppliers and their offers written straight into supplier_offers (as an import
leaves them), and readers of the canonical catalog the merge makes."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope
from marketsync.hub.models import HubProduct, Supplier, SupplierOffer

_emails = itertools.count(1)


def cabinet(engine: Engine, email: str | None = None, password: str = "correct-horse-42") -> int:
    """Create a seller and return their cabinet's account id."""
    with session_scope(engine) as session:
        user = create_user(session, email=email or f"hub{next(_emails)}@example.ru", password=password,
                           name="Продавец")
        return primary_account_id(session, user.id)


def supplier(engine: Engine, account_id: int, name: str, *, priority: int = 100, pack_size: int | None = None) -> int:
    """Create a supplier of a cabinet and return its id."""
    with session_scope(engine) as session:
        row = Supplier(account_id=account_id, name=name, priority=priority, pack_size=pack_size, column_mapping={})
        session.add(row)
        session.flush()
        return row.id


def offer(engine: Engine, supplier_id: int, offer_id: str, *, name: str | None = None, price: str = "100.00",
          stock: int = 5, barcodes: list[str] | None = None, vendor: str | None = None,
          vendor_code: str | None = None, category: str | None = None, available: bool = True,
          **fields: Any) -> int:
    """Write (or rewrite) one offer of a supplier as an import would; return its row id."""
    with session_scope(engine) as session:
        supplier_row = session.get(Supplier, supplier_id)
        assert supplier_row is not None
        values: dict[str, Any] = {
            "name": name or f"Товар {offer_id}", "price": Decimal(price), "stock": stock,
            "barcodes": barcodes or [], "vendor": vendor, "vendor_code": vendor_code, "category": category,
            "available": available, "pictures": fields.pop("pictures", []), "params": fields.pop("params", {}),
            **fields,
        }
        values["content_hash"] = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()
        row = session.scalar(select(SupplierOffer).where(SupplierOffer.supplier_id == supplier_id,
                                                         SupplierOffer.offer_id == offer_id))
        if row is None:
            row = SupplierOffer(account_id=supplier_row.account_id, supplier_id=supplier_id, offer_id=offer_id)
            session.add(row)
        for key, value in values.items():
            setattr(row, key, value)
        session.flush()
        return row.id


@dataclass(frozen=True)
class Shown:
    """A canonical product as a test reads it."""

    id: int
    sku: str
    kind: str
    name: str
    price: Decimal
    stock: int
    barcodes: list[str]
    content_hash: str
    updated_at: Any
    offers: tuple[str, ...]  # "<supplier id>:<offer id>" of the offers linked to it


def products(engine: Engine, account_id: int) -> dict[str, Shown]:
    """Return the cabinet's canonical products by article."""
    with session_scope(engine) as session:
        links: dict[int, list[str]] = {}
        for product_id, supplier_id, offer_id in session.execute(
                select(SupplierOffer.product_id, SupplierOffer.supplier_id, SupplierOffer.offer_id)
                .where(SupplierOffer.account_id == account_id).order_by(SupplierOffer.id)):
            links.setdefault(product_id, []).append(f"{supplier_id}:{offer_id}")
        return {p.sku: Shown(p.id, p.sku, p.kind, p.name, p.price, p.stock, list(p.barcodes), p.content_hash,
                             p.updated_at, tuple(links.get(p.id, [])))
                for p in session.scalars(select(HubProduct).where(HubProduct.account_id == account_id))}
