"""Test data builders: a small Evotor catalog and a VK community in the sandbox, and a connected seller."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.sync.filters import set_store

GROUP_NAMES = ["Сыры", "Молочные продукты", "Хлеб и выпечка", "Напитки", "Бакалея"]
PRODUCT_NAMES = ["Сыр Российский", "Молоко 3,2%", "Батон нарезной", "Квас хлебный", "Гречка ядрица",
                 "Кефир 1%", "Творог 5%", "Чай", "Сок яблочный", "Рис круглый"]


@dataclass
class Catalog:
    """What a builder put into the sandbox."""

    evotor_token: str
    vk_token: str
    vk_group_id: int
    stores: list[str] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)  # store → groups
    products: dict[str, list[str]] = field(default_factory=dict)  # group → products

    def all_products(self) -> list[str]:
        """Every product id."""
        return [p for ps in self.products.values() for p in ps]


def seed_catalog(state: Any, *, prefix: str = "a", stores: int = 1, groups: int = 3, per_group: int = 4,
                 not_for_sale: int = 1) -> Catalog:
    """Put a small, deterministic catalog into the sandbox: the last `not_for_sale` of each group are off."""
    evotor_token, vk_token = f"evotor-token-{prefix}-0001", f"vk-token-{prefix}-0001"
    state.evotor.add_token(evotor_token, f"01-00000000000{prefix}")
    state.vk.add_token(vk_token, 1000 + ord(prefix[0]))
    group_id = state.vk.add_group(vk_token, f"Магазин {prefix}")
    catalog = Catalog(evotor_token, vk_token, group_id)
    for s in range(stores):
        store_id = state.evotor.add_store(evotor_token, f"Магазин {prefix}{s}", address="Москва, ул. Ленина, 1")
        catalog.stores.append(store_id)
        catalog.groups[store_id] = []
        for g in range(groups):
            group = state.evotor.add_group(evotor_token, store_id, f"{GROUP_NAMES[g % len(GROUP_NAMES)]} {s}")
            catalog.groups[store_id].append(group)
            catalog.products[group] = []
            for i in range(per_group):
                name = PRODUCT_NAMES[(g * per_group + i) % len(PRODUCT_NAMES)]
                product = state.evotor.add_product(
                    evotor_token, store_id, name=f"{name} {s}-{g}-{i}" if name != "Чай" else "Чай",
                    price=Decimal("100.50") + i, measure_name="кг" if i % 2 else "шт", parent_id=group,
                    allow_to_sell=i < per_group - not_for_sale, code=f"{prefix}{s}{g}{i:03d}", type="NORMAL",
                    tax="NO_VAT", quantity=5,
                )
                catalog.products[group].append(product)
    return catalog


def seller(engine: Engine, catalog: Catalog, *, email: str = "seller@example.ru", enable_all: bool = True) -> int:
    """Create a seller, connect both systems through the live sandbox, enable every store; return the account."""
    from marketsync.accounts.service import primary_account_id

    with session_scope(engine) as session:
        user = create_user(session, email=email, password="password123")
        account_id = primary_account_id(session, user.id)
        save_connection(session, account_id=account_id, system="evotor", credentials={"token": catalog.evotor_token})
        save_connection(session, account_id=account_id, system="vk",
                        credentials={"token": catalog.vk_token, "group_id": catalog.vk_group_id})
        if enable_all:
            for store in catalog.stores:
                set_store(session, account_id, store, enabled=True, all_groups=True)
    return account_id


def vk_items(state: Any, catalog: Catalog, *, visible_only: bool = False) -> list[Any]:
    """The community's market items in the sandbox."""
    items = state.vk.items(catalog.vk_group_id, with_disabled=not visible_only)
    return list(items)


def mail_links(message: EmailMessage) -> list[str]:
    """Return the links of a mail's plain-text part, in order."""
    body = message.get_body(("plain",))
    assert body is not None, "the mail has no plain-text part"
    return re.findall(r"https?://\S+", body.get_content())


def last_link(mailbox: list[EmailMessage], to: str) -> str:
    """Return the first link of the newest mail to `to` (fails when there is none)."""
    mails = [m for m in mailbox if m["To"] == to]
    assert mails, f"no mail to {to}; caught: {[(m['To'], m['Subject']) for m in mailbox]}"
    return mail_links(mails[-1])[0]
