"""The emulated Evotor cloud's data per cloud token: users, stores, product groups and products."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marketsync.sandbox.evotor.errors import EvotorError, invalid, not_found, payment_required, unauthorized
from marketsync.sandbox.evotor.fields import parse_product_fields


@dataclass
class EvotorStore:
    """A store (shop) of an Evotor user."""

    id: str
    user_id: str
    name: str
    address: str
    created_at: datetime
    updated_at: datetime
    unpaid: bool = False


@dataclass
class EvotorGroup:
    """A product group (folder) of a store."""

    id: str
    store_id: str
    user_id: str
    name: str
    parent_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass
class EvotorProduct:
    """A product card of a store; `seq` orders pages and keeps cursors valid across deletions."""

    id: str
    store_id: str
    user_id: str
    seq: int
    created_at: datetime
    updated_at: datetime
    name: str
    price: Decimal
    cost_price: Decimal
    quantity: Decimal
    measure_name: str
    tax: str
    type: str
    allow_to_sell: bool
    description: str
    barcodes: list[str] = field(default_factory=list)
    code: str | None = None
    article_number: str | None = None
    parent_id: str | None = None


class EvotorState:
    """Everything the emulated cloud knows; every method is thread-safe and scoped by cloud token."""

    def __init__(
        self, lock: threading.RLock | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.lock = lock or threading.RLock()
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self.page_size = 1000
        self.rate_limit: int | None = 20
        self.reset()

    def reset(self) -> None:
        """Forget all tokens and data and restore the default limits."""
        with self.lock:
            self.page_size = 1000
            self.rate_limit = 20
            self._tokens: dict[str, str] = {}
            self._revoked: set[str] = set()
            self._stores: dict[str, EvotorStore] = {}
            self._groups: dict[str, EvotorGroup] = {}
            self._products: dict[str, EvotorProduct] = {}
            self._seq = 0
            self._rng = random.Random(0)

    def new_id(self) -> str:
        """Return a fresh UUID4 string from the state's seeded generator."""
        with self.lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- tokens ---------------------------------------------------------------------------------------------

    def add_token(self, token: str, user_id: str) -> None:
        """Register a cloud token for the Evotor user `user_id` (several tokens may share a user)."""
        with self.lock:
            self._tokens[token] = user_id
            self._revoked.discard(token)

    def revoke_token(self, token: str) -> None:
        """Make `token` answer 401 from now on."""
        with self.lock:
            self._revoked.add(token)

    def user_id_for(self, token: str | None) -> str | None:
        """Return the user of a valid token, None for a missing, unknown or revoked one."""
        with self.lock:
            if not token or token in self._revoked:
                return None
            return self._tokens.get(token)

    def tokens(self) -> dict[str, str]:
        """Return every known token and its user (revoked ones included)."""
        with self.lock:
            return dict(self._tokens)

    def _user(self, token: str) -> str:
        user_id = self.user_id_for(token)
        if user_id is None:
            raise unauthorized()
        return user_id

    # -- stores ---------------------------------------------------------------------------------------------

    def add_store(
        self,
        token: str,
        name: str,
        address: str = "",
        store_id: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Create a store for the token's user and return its id."""
        with self.lock:
            user_id = self._user(token)
            now = created_at or self.clock()
            store = EvotorStore(store_id or self.new_id(), user_id, name, address, now, now)
            self._stores[store.id] = store
            return store.id

    def stores(self, token: str) -> list[EvotorStore]:
        """Return the token user's stores, oldest first."""
        with self.lock:
            user_id = self._user(token)
            return [store for store in self._stores.values() if store.user_id == user_id]

    def store(self, token: str, store_id: str, *, require_paid: bool = False) -> EvotorStore:
        """Return one of the user's stores; 404 if not theirs, 402 if unpaid and `require_paid`."""
        with self.lock:
            user_id = self._user(token)
            store = self._stores.get(store_id)
            if store is None or store.user_id != user_id:
                raise not_found("store_id", store_id)
            if require_paid and store.unpaid:
                raise payment_required(user_id)
            return store

    def set_store_unpaid(self, token: str, store_id: str, unpaid: bool = True) -> None:
        """Mark a store's subscription lapsed (its groups and products answer 402) or paid again."""
        with self.lock:
            self.store(token, store_id).unpaid = unpaid

    # -- groups ---------------------------------------------------------------------------------------------

    def add_group(
        self,
        token: str,
        store_id: str,
        name: str,
        parent_id: str | None = None,
        group_id: str | None = None,
        created_at: datetime | None = None,
    ) -> str:
        """Create a product group in a store and return its id."""
        with self.lock:
            store = self.store(token, store_id)
            if parent_id is not None:
                self._group_in(store, parent_id, "parent_id")
            now = created_at or self.clock()
            group = EvotorGroup(group_id or self.new_id(), store.id, store.user_id, name, parent_id, now, now)
            self._groups[group.id] = group
            return group.id

    def groups(self, token: str, store_id: str, *, require_paid: bool = True) -> list[EvotorGroup]:
        """Return a store's groups, oldest first (402 for an unpaid store unless `require_paid=False`)."""
        with self.lock:
            store = self.store(token, store_id, require_paid=require_paid)
            return [group for group in self._groups.values() if group.store_id == store.id]

    def _group_in(self, store: EvotorStore, group_id: str, subject: str) -> EvotorGroup:
        group = self._groups.get(group_id)
        if group is None or group.store_id != store.id:
            raise invalid(subject, group_id)
        return group

    # -- products -------------------------------------------------------------------------------------------

    def add_product(self, token: str, store_id: str, product_id: str | None = None, **fields: Any) -> str:
        """Create a product (fields as in the v2 JSON, plus created_at/updated_at) and return its id."""
        with self.lock:
            store = self.store(token, store_id, require_paid=True)
            clean = parse_product_fields(fields, partial=False, server_fields=True)
            if clean.get("parent_id") is not None:
                self._group_in(store, clean["parent_id"], "parent_id")
            now = self.clock()
            created_at = clean.pop("created_at", now)
            updated_at = clean.pop("updated_at", created_at)
            self._seq += 1
            product = EvotorProduct(
                id=product_id or self.new_id(),
                store_id=store.id,
                user_id=store.user_id,
                seq=self._seq,
                created_at=created_at,
                updated_at=updated_at,
                **clean,
            )
            if product.id in self._products:
                raise EvotorError(409, 2005, "already exists", "id", product.id)
            self._products[product.id] = product
            return product.id

    def update_product(self, token: str, store_id: str, product_id: str, **fields: Any) -> EvotorProduct:
        """Change some fields of a product (PATCH semantics) and bump its updated_at."""
        with self.lock:
            product = self.product(token, store_id, product_id)
            clean = parse_product_fields(fields, partial=True, server_fields=True)
            if clean.get("parent_id") is not None:
                self._group_in(self._stores[product.store_id], clean["parent_id"], "parent_id")
            updated_at = clean.pop("updated_at", None) or self.clock()
            clean.pop("created_at", None)
            for key, value in clean.items():
                setattr(product, key, value)
            product.updated_at = updated_at
            return product

    def replace_product(self, token: str, store_id: str, product_id: str, **fields: Any) -> EvotorProduct:
        """Replace every writable field of a product (PUT semantics); absent optional fields are cleared."""
        with self.lock:
            product = self.product(token, store_id, product_id)
            clean = parse_product_fields(fields, partial=False)
            clean = {"code": None, "article_number": None, "parent_id": None, **clean}
            return self.update_product(token, store_id, product.id, **clean)

    def delete_product(self, token: str, store_id: str, product_id: str) -> None:
        """Remove a product."""
        with self.lock:
            product = self.product(token, store_id, product_id)
            del self._products[product.id]

    def products(self, token: str, store_id: str, *, require_paid: bool = True) -> list[EvotorProduct]:
        """Return a store's products in paging order (402 if unpaid unless `require_paid=False`)."""
        with self.lock:
            store = self.store(token, store_id, require_paid=require_paid)
            return [product for product in self._products.values() if product.store_id == store.id]

    def product(self, token: str, store_id: str, product_id: str) -> EvotorProduct:
        """Return one product of a paid store or raise 404."""
        with self.lock:
            store = self.store(token, store_id, require_paid=True)
            product = self._products.get(product_id)
            if product is None or product.store_id != store.id:
                raise not_found("product_id", product_id)
            return product
