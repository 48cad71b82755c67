"""What the seller publishes: the store and group switches of the catalog pages and `marketsync filters`
(products without a group are the group UNGROUPED), answered as rows the pages show."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, ProductGroup, Store
from marketsync.catalog.service import (
    STOCK_CHUNK,
    groups_of,
    iter_stock_levels,
    product_counts,
    product_key,
    stores_of,
)
from marketsync.catalog.stock_levels import ProductStock
from marketsync.connections.service import get_connection, open_connector
from marketsync.connectors.capabilities import CatalogSource
from marketsync.connectors.errors import ConnectorError
from marketsync.db import utcnow
from marketsync.sync.filters import UNGROUPED, list_filters, load_scope, set_group, set_store
from marketsync.sync.models import ProductRule, SyncFilter


@dataclass(frozen=True)
class StoreRow:
    """One line of the store list: the store, its switch, and its product and group counts."""

    store: Store
    enabled: bool
    products: int
    groups: int
    groups_enabled: int


@dataclass(frozen=True)
class GroupRow:
    """One line of a store's group list: the group, its switch and its product count."""

    group: ProductGroup
    enabled: bool
    products: int


@dataclass(frozen=True)
class StoreGroups:
    """A store's groups page: its rows, whether the store is switched on, products outside any group."""

    rows: list[GroupRow]
    store_enabled: bool
    ungrouped: int
    ungrouped_enabled: bool


class SourceChoiceError(ValueError):
    """A user-facing reason a source store or group cannot be switched (unknown id, source unreachable)."""


def store_rows(session: Session, *, account_id: int) -> list[StoreRow]:
    """Return the account's stores by name with their switches and counts."""
    scope = load_scope(session, account_id)
    rows = []
    for store in stores_of(session, account_id):
        counts = product_counts(session, account_id, store.external_id)
        groups = groups_of(session, account_id, store.external_id)
        rows.append(StoreRow(store=store, enabled=scope.store_enabled(store.external_id),
                             products=sum(counts.values()), groups=len(groups),
                             groups_enabled=sum(1 for g in groups
                                                if scope.group_enabled(store.external_id, g.external_id))))
    return rows


def store_groups(session: Session, *, account_id: int, store: Store) -> StoreGroups:
    """Return a store's groups by name with their switches and product counts."""
    scope = load_scope(session, account_id)
    counts = product_counts(session, account_id, store.external_id)
    rows = [GroupRow(group=g, enabled=scope.group_enabled(store.external_id, g.external_id),
                     products=counts.get(g.external_id, 0)) for g in groups_of(session, account_id, store.external_id)]
    return StoreGroups(rows=rows, store_enabled=scope.store_enabled(store.external_id),
                       ungrouped=counts.get(None, 0), ungrouped_enabled=scope.group_enabled(store.external_id, None))


def group_of_store(session: Session, *, account_id: int, store: Store, group_id: int) -> ProductGroup | None:
    """Return a group of the account's store by its row id (None if it is not that store's)."""
    group = session.get(ProductGroup, group_id)
    if group is None or group.account_id != account_id or group.store_external_id != store.external_id:
        return None
    return group


def switch_store(session: Session, *, account_id: int, store: Store, enabled: bool, all_groups: bool) -> None:
    """Switch a store's publishing on or off (all_groups also switches every group of it)."""
    everything: bool | None = True if all_groups else None
    if enabled and everything is None:
        # A store switched on with no group chosen yet publishes all of them; earlier choices are kept.
        scope = load_scope(session, account_id)
        chosen = any(scope.group_enabled(store.external_id, g.external_id)
                     for g in groups_of(session, account_id, store.external_id))
        everything = None if chosen else True
    set_store(session, account_id, store.external_id, enabled=enabled, all_groups=everything)


def switch_group(session: Session, *, account_id: int, group: ProductGroup, enabled: bool) -> None:
    """Switch one group's publishing on or off (switching a group on also switches its store on)."""
    set_group(session, account_id, group.store_external_id, group.external_id, enabled=enabled)


def switch_ungrouped(session: Session, *, account_id: int, store: Store, enabled: bool) -> None:
    """Switch the publishing of a store's products without a group (on also switches the store on)."""
    set_group(session, account_id, store.external_id, UNGROUPED, enabled=enabled)


def offered_stocks(session: Session, *, account_id: int, reserve: int = 0,
                   chunk: int = STOCK_CHUNK) -> Iterator[list[ProductStock]]:
    """Yield the cabinet's product keys with the stock offered over its enabled stores (store switches only:
    group switches choose what VK shows, not what is in stock), chunk by chunk; see catalog.stock_levels."""
    stores = list(load_scope(session, account_id).stores)
    yield from iter_stock_levels(session, account_id=account_id, enabled_stores=stores, reserve=reserve, chunk=chunk)


def filters_list(session: Session, *, account_id: int) -> list[SyncFilter]:
    """Return the account's store and group switches as stored."""
    return list_filters(session, account_id)


class _LiveSource:
    """Lazy reads of the source's store and group lists, to check the ids a command names."""

    def __init__(self, connector: CatalogSource) -> None:
        self.connector = connector
        self._stores: list[str] | None = None
        self._groups: dict[str, set[str]] = {}

    def stores(self) -> list[str]:
        """Return the source's store ids (read once)."""
        if self._stores is None:
            try:
                self._stores = [store.external_id for store in self.connector.list_stores()]
            except ConnectorError as exc:
                raise SourceChoiceError(f"cannot read Evotor stores: {exc.message}") from exc
        return self._stores

    def groups(self, store_id: str) -> set[str]:
        """Return the group ids of one source store (read once per store)."""
        if store_id not in self._groups:
            try:
                self._groups[store_id] = {g.external_id for g in self.connector.list_groups(store_id)}
            except ConnectorError as exc:
                raise SourceChoiceError(f"cannot read the groups of Evotor store {store_id}: {exc.message}") from exc
        return self._groups[store_id]

    def store_of_group(self, group_id: str) -> str:
        """Return the store a source group belongs to."""
        for store_id in self.stores():
            if group_id in self.groups(store_id):
                return store_id
        raise SourceChoiceError(f"Evotor has no product group {group_id}")


def switch_source_scope(session: Session, *, account_id: int, store: str | None, group: str | None,
                        enabled: bool) -> str:
    """Switch a group, a store with all its groups, or every store, by the source's live ids; say what changed."""
    conn = get_connection(session, account_id, "evotor")
    if conn is None:
        raise SourceChoiceError("Evotor is not connected for this user: run `marketsync connect evotor` first")
    connector = open_connector(conn)
    source = _LiveSource(connector)
    try:
        if group == UNGROUPED:
            if not store or store not in source.stores():
                raise SourceChoiceError(f"--group {UNGROUPED} (products without a group) needs an existing --store")
            set_group(session, account_id, store, UNGROUPED, enabled=enabled)
            return f"products without a group of store {store}"
        if group:
            store_id = store or source.store_of_group(group)
            if store and store not in source.stores():
                raise SourceChoiceError(f"Evotor has no store {store}")
            if group not in source.groups(store_id):
                raise SourceChoiceError(f"Evotor store {store_id} has no product group {group}")
            set_group(session, account_id, store_id, group, enabled=enabled)
            return f"group {group} of store {store_id}"
        if store:
            if store not in source.stores():
                raise SourceChoiceError(f"Evotor has no store {store}")
            set_store(session, account_id, store, enabled=enabled, all_groups=True)
            return f"store {store} and all its groups"
        stores = source.stores()
        for store_id in stores:
            set_store(session, account_id, store_id, enabled=enabled, all_groups=True)
        return f"all {len(stores)} store(s) and their groups"
    finally:
        connector.close()


def set_product_rule(session: Session, *, account_id: int, product_ids: list[int], publish: bool | None) -> int:
    """Publish (True) or withhold (False) these products over their switches, or follow the switches again
    (None); the rule holds for the product's key, so every store's copy of it; return how many keys changed."""
    keys = sorted({product_key(p) for p in session.scalars(select(Product).where(
        Product.account_id == account_id, Product.id.in_(product_ids[:1000])))})
    if not keys:
        return 0
    session.execute(delete(ProductRule).where(ProductRule.account_id == account_id,
                                              ProductRule.product_key.in_(keys)))
    if publish is not None:
        session.add_all(ProductRule(account_id=account_id, product_key=key, publish=publish, updated_at=utcnow())
                        for key in keys)
    session.flush()
    return len(keys)


def product_rules(session: Session, *, account_id: int, keys: list[str]) -> dict[str, bool]:
    """Return the seller's rule for each of these product keys that has one."""
    if not keys:
        return {}
    rows = session.execute(select(ProductRule.product_key, ProductRule.publish).where(
        ProductRule.account_id == account_id, ProductRule.product_key.in_(keys)))
    return {key: publish for key, publish in rows}
