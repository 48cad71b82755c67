"""Seeding the emulated Ozon for tests and the demo (`seed_ozon`), and the readable dump of one seller."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from marketsync.sandbox.ozon.state import OzonState

DEFAULT_WAREHOUSES: tuple[tuple[int, str], ...] = ((22142605386000, "Склад на Ленина"),)


@dataclass(frozen=True)
class OfferSeed:
    """One product card to create: `fbs` maps a seller warehouse to present units (or (present, reserved)),
    `fbo` one of Ozon's warehouses (state.FBO_WAREHOUSES) to available units."""

    offer_id: str
    name: str = ""
    barcodes: tuple[str, ...] = ()
    archived: bool = False
    price_sent: bool = True
    price: Decimal = Decimal("0")
    fbs: Mapping[int, int | tuple[int, int]] = field(default_factory=dict)
    fbo: Mapping[int, int] = field(default_factory=dict)
    photos: int = 1

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OfferSeed:
        """Build a seed from the control API's JSON (warehouse ids as object keys are strings there)."""
        fbs = {int(k): (tuple(v) if isinstance(v, list) else int(v)) for k, v in (data.get("fbs") or {}).items()}
        return cls(offer_id=str(data["offer_id"]), name=str(data.get("name", "")),
                   barcodes=tuple(str(b) for b in data.get("barcodes") or ()), archived=bool(data.get("archived")),
                   price_sent=bool(data.get("price_sent", True)), price=Decimal(str(data.get("price", "0"))),
                   fbs=fbs,  # type: ignore[arg-type]
                   fbo={int(k): int(v) for k, v in (data.get("fbo") or {}).items()},
                   photos=int(data.get("photos", 1)))


def seed_ozon(state: OzonState, *, client_id: int, api_key: str,
              warehouses: Sequence[tuple[int, str] | tuple[int, str, str]] = DEFAULT_WAREHOUSES,
              offers: Iterable[OfferSeed] = ()) -> dict[str, Any]:
    """Create a seller with a key, FBS warehouses ((id, name[, status])) and offers; return the credentials
    a connection needs (the first warehouse is the one we keep stock at)."""
    with state.lock:
        state.add_seller(client_id, api_key)
        for warehouse in warehouses:
            status = warehouse[2] if len(warehouse) > 2 else "created"  # type: ignore[misc]
            state.add_warehouse(client_id, warehouse[0], warehouse[1], status=status)
        count = 0
        for offer in offers:
            state.add_product(client_id, offer.offer_id, offer.name or offer.offer_id, barcodes=list(offer.barcodes),
                              archived=offer.archived, price_sent=offer.price_sent, price=offer.price,
                              photos=offer.photos)
            for warehouse_id, stock in offer.fbs.items():
                present, reserved = stock if isinstance(stock, tuple) else (stock, 0)
                state.set_fbs(client_id, offer.offer_id, warehouse_id, present, reserved)
            for warehouse_id, available in offer.fbo.items():
                state.set_fbo(client_id, offer.offer_id, warehouse_id, available)
            count += 1
    return {"client_id": str(client_id), "api_key": api_key,
            "warehouse_id": str(warehouses[0][0]) if warehouses else "", "offers": count}


def dump_ozon(state: OzonState, api_key: str | None = None) -> dict[str, Any]:
    """Return every seller's counts, or one seller's warehouses and offers with their stocks (by its key)."""
    with state.lock:
        if api_key is None:
            return {"sellers": state.summary()}
        seller = next((s for s in state.sellers() if api_key in state.keys_of(s.client_id)), None)
        if seller is None:
            raise KeyError("unknown Ozon Api-Key")
        return {
            "client_id": str(seller.client_id),
            "warehouses": [{"warehouse_id": w.warehouse_id, "name": w.name, "status": w.status}
                           for w in seller.warehouses.values()],
            "offers": [{"offer_id": p.offer_id, "product_id": p.product_id, "sku": p.sku, "name": p.name,
                        "barcodes": list(p.barcodes), "archived": p.archived, "price_sent": p.price_sent,
                        "fbs": {str(w): {"present": r[0], "reserved": r[1]}
                                for w, r in seller.fbs.get(p.product_id, {}).items()},
                        "fbo": {str(w): n for w, n in seller.fbo.get(p.product_id, {}).items()}}
                       for p in seller.products.values()],
        }
