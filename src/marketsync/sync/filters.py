"""Which stores and groups an account mirrors: store rows (optionally all their groups, present and
future) and group rows that override them. Products without a group count as the group UNGROUPED: on with
the store's all-groups, switchable like any group. Stores keep the order the seller enabled them in: the
first one sets the price of a product several stores sell."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync.sync.models import SyncFilter

UNGROUPED = "-"  # the group id of products without a group, in filter rows, URLs and the CLI


@dataclass
class Scope:
    """The enabled part of a catalog, answered without further queries."""

    stores: dict[str, bool] = field(default_factory=dict)  # store id → all_groups
    groups: dict[tuple[str, str], bool] = field(default_factory=dict)  # (store, group) → enabled

    def store_enabled(self, store_id: str) -> bool:
        """Whether a store is mirrored at all."""
        return store_id in self.stores

    def group_enabled(self, store_id: str, group_id: str | None) -> bool:
        """Whether a group of a store is mirrored (explicit row first, then the store's all-groups)."""
        if store_id not in self.stores:
            return False
        explicit = self.groups.get((store_id, group_id or UNGROUPED))
        return explicit if explicit is not None else self.stores[store_id]

    def store_rank(self, store_id: str) -> int:
        """The position of a store in the order the seller enabled stores (disabled ones last)."""
        order = list(self.stores)
        return order.index(store_id) if store_id in self.stores else len(order)


def load_scope(session: Session, account_id: int) -> Scope:
    """Read the account's filters into a Scope."""
    scope = Scope()
    rows = list(session.scalars(select(SyncFilter).where(SyncFilter.account_id == account_id)
                                .order_by(SyncFilter.id)))
    for row in rows:
        if row.entity_type == "store" and row.enabled:
            scope.stores[row.store_external_id] = row.all_groups
    for row in rows:
        if row.entity_type == "group":
            scope.groups[(row.store_external_id, row.group_external_id)] = row.enabled
    return scope


def _row(session: Session, account_id: int, kind: str, store_id: str, group_id: str = "") -> SyncFilter:
    row = session.scalar(select(SyncFilter).where(
        SyncFilter.account_id == account_id, SyncFilter.entity_type == kind,
        SyncFilter.store_external_id == store_id, SyncFilter.group_external_id == group_id))
    if row is None:
        row = SyncFilter(account_id=account_id, entity_type=kind, store_external_id=store_id,
                         group_external_id=group_id, enabled=False, all_groups=False)
        session.add(row)
    return row


def set_store(session: Session, account_id: int, store_id: str, *, enabled: bool,
              all_groups: bool | None = None) -> None:
    """Enable or disable a store; `all_groups` also switches every group of it, present and future."""
    row = _row(session, account_id, "store", store_id)
    row.enabled = enabled
    if all_groups is not None:
        row.all_groups = all_groups and enabled
        # An explicit "all" wins over earlier per-group choices in that store.
        for group in session.scalars(select(SyncFilter).where(
                SyncFilter.account_id == account_id, SyncFilter.entity_type == "group",
                SyncFilter.store_external_id == store_id)):
            group.enabled = enabled
    session.flush()


def set_group(session: Session, account_id: int, store_id: str, group_id: str, *, enabled: bool) -> None:
    """Enable or disable one group; enabling a group also enables its store."""
    _row(session, account_id, "group", store_id, group_id).enabled = enabled
    if enabled:
        store = _row(session, account_id, "store", store_id)
        store.enabled = True
    session.flush()


def list_filters(session: Session, account_id: int) -> list[SyncFilter]:
    """Return the account's filter rows, stores first."""
    return list(session.scalars(select(SyncFilter).where(SyncFilter.account_id == account_id)
                                .order_by(SyncFilter.entity_type.desc(), SyncFilter.store_external_id,
                                          SyncFilter.group_external_id)))
