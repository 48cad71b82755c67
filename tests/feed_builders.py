"""Builders of the canonical catalog for the feed tests: a seller's cabinet and hub categories and products written
straight into hub_products (the import and the merge are other features), and a product changed as the merge
changes one (new content, a new content_hash, updated_at moved)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.db import session_scope, utcnow
from marketsync.hub.models import HubCategory, HubProduct

PASSWORD = "correct-horse-42"


def cabinet(engine: Engine, email: str = "seller@example.ru") -> int:
    """Create an active seller; return their cabinet's id."""
    with session_scope(engine) as session:
        user = create_user(session, email=email, password=PASSWORD, name="Продавец")
        return primary_account_id(session, user.id)


def ean13(first12: str) -> str:
    """A valid EAN-13 from its first twelve digits (the importer refuses a wrong check digit)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def _hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()


def product_fields(i: int, category_id: int | None) -> dict[str, Any]:
    """Return a deterministic product's fields (every field a feed shows)."""
    return {"sku": f"SKU-{i:05d}", "name": f"Смартфон Ромашка {i}", "description": f"Телефон {i} с <экраном> & ручкой",
            "vendor": "Ромашка", "vendor_code": f"RM-{i}", "barcodes": [ean13(f"460000{i:06d}")],
            "category_id": category_id,
            "price": Decimal("1000.00") + i, "stock": i % 4, "pictures": [f"https://img.example.ru/{i}.jpg"],
            "params": {"Цвет": "чёрный", "Память": f"{64 * (1 + i % 2)} ГБ"}, "weight_kg": Decimal("0.2"),
            "length_cm": Decimal("15"), "width_cm": Decimal("7"), "height_cm": Decimal("1")}


def hub_catalog(engine: Engine, account_id: int, *, products: int = 10, start: int = 0,
                uncategorized: int = 0) -> dict[str, int]:
    """Give the cabinet categories (Электроника ⊃ Смартфоны, Книги) and products, the first half under Смартфоны
    and the rest under Книги, then `uncategorized` without a category; return the category ids by name."""
    with session_scope(engine) as session:
        ids = dict(session.execute(select(HubCategory.name, HubCategory.id)
                                   .where(HubCategory.account_id == account_id)).all())
        for name, parent in (("Электроника", None), ("Смартфоны", "Электроника"), ("Книги", None)):
            if name not in ids:
                category = HubCategory(account_id=account_id, name=name, parent_id=ids.get(parent or ""))
                session.add(category)
                session.flush()
                ids[name] = category.id
        rows = []
        for i in range(start, start + products + uncategorized):
            category = None if i >= start + products else ids["Смартфоны" if i < start + products // 2 else "Книги"]
            fields = product_fields(i, category)
            rows.append(HubProduct(account_id=account_id, content_hash=_hash(fields), **fields))
        session.add_all(rows)
        return ids


def change_product(engine: Engine, account_id: int, sku: str, **changes: Any) -> None:
    """Change a product as the merge does: its fields, its content_hash, and updated_at moved forward."""
    with session_scope(engine) as session:
        product = session.scalars(select(HubProduct).where(HubProduct.account_id == account_id,
                                                           HubProduct.sku == sku)).one()
        for key, value in changes.items():
            setattr(product, key, value)
        product.content_hash = _hash({**changes, "sku": sku, "at": str(utcnow())})
        product.updated_at = utcnow() + timedelta(seconds=1)  # after any build made in the same second
