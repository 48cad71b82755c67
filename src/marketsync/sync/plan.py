"""Decide what a mirror run does, without any I/O: records + bindings + channel state → actions.

For every eligible product the planner answers one of: create (never pushed, for sale), bind (not bound,
but an unbound channel item carries its SKU: a crash between "the channel accepted" and "we stored the
id" must never duplicate), update (a bound item whose name, price, description, stock or visibility
differ from the cached channel state, or whose pushed payload hash changed), hide (no longer for sale),
or skip, each with a reason; plus album memberships that are missing. A bound item that vanished from
the channel is created again. Bindings whose product left the source are hidden (orphans).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from marketsync.connectors.records import ItemPayload


class Op(StrEnum):
    """What happens to one product."""

    CREATE = "create"
    UPDATE = "update"
    HIDE = "hide"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible product with the item we want for it."""

    internal_id: str
    payload: ItemPayload
    album_internal_id: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelState:
    """What the channel holds for one item (from the cache refreshed before the run)."""

    external_id: str
    name: str
    description: str
    price: Decimal | None
    stock_amount: int | None
    hidden: bool
    sku: str | None = None
    album_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BindingState:
    """Our record of a pushed item."""

    external_id: str
    payload_hash: str | None


@dataclass(frozen=True, slots=True)
class Action:
    """One decision with its reason; `bind_to` is set when an unbound channel item is adopted."""

    op: Op
    candidate: Candidate
    reason: str
    external_id: str | None = None
    bind_to: str | None = None
    album_external_id: str | None = None
    join_album: bool = False


@dataclass
class Plan:
    """The decisions of one chunk of products."""

    actions: list[Action] = field(default_factory=list)

    def count(self, op: Op) -> int:
        """Return how many actions have this op."""
        return sum(1 for a in self.actions if a.op is op)


def differences(payload: ItemPayload, state: ChannelState) -> list[str]:
    """Name the fields where the channel differs from what we want."""
    diff = []
    if payload.hidden != state.hidden:
        diff.append("visibility")
    if payload.hidden:
        return diff  # a hidden item's other fields do not matter to buyers
    if payload.name != state.name:
        diff.append("name")
    if payload.description != state.description:
        diff.append("description")
    if state.price is None or payload.price != state.price:
        diff.append("price")
    if state.stock_amount is not None and payload.stock_amount != state.stock_amount:
        diff.append("stock_amount")
    return diff


def decide_item(candidate: Candidate, binding: BindingState | None, channel: Mapping[str, ChannelState],
                by_sku: Mapping[str, ChannelState], taken: set[str],
                albums: Mapping[str, str]) -> Action:
    """Decide one product; `taken` holds channel ids already bound (adoption must not steal them)."""
    payload = candidate.payload
    album = albums.get(candidate.album_internal_id or "")
    bind_to: str | None = None
    state: ChannelState | None = None
    if binding is not None:
        state = channel.get(binding.external_id)
    else:
        adoptable = by_sku.get(payload.sku)
        if adoptable is not None and adoptable.external_id not in taken:
            state, bind_to = adoptable, adoptable.external_id
    if state is None:
        if payload.hidden:
            return Action(Op.SKIP, candidate, "not for sale and not in the channel")
        reason = "missing in the channel" if binding is not None else "new"
        return Action(Op.CREATE, candidate, reason, album_external_id=album, join_album=album is not None)
    join = album is not None and not payload.hidden and album not in state.album_ids
    diff = differences(payload, state)
    hash_changed = binding is not None and binding.payload_hash not in (None, payload.fingerprint())
    common = {"external_id": state.external_id, "bind_to": bind_to, "album_external_id": album,
              "join_album": join}
    if payload.hidden and "visibility" in diff:
        return Action(Op.HIDE, candidate, "no longer for sale", **common)  # type: ignore[arg-type]
    if diff or (hash_changed and not payload.hidden):
        reason = "changed: " + ", ".join(diff or ["pushed payload"])
        return Action(Op.UPDATE, candidate, reason, **common)  # type: ignore[arg-type]
    reason = "adopted by SKU, unchanged" if bind_to else "unchanged"
    return Action(Op.SKIP, candidate, reason, **common)  # type: ignore[arg-type]


def decide(candidates: Iterable[Candidate], *, bindings: Mapping[str, BindingState],
           channel: Mapping[str, ChannelState], by_sku: Mapping[str, ChannelState], taken: set[str],
           albums: Mapping[str, str]) -> Plan:
    """Decide a chunk of products; adopted channel ids are added to `taken` as they are claimed."""
    plan = Plan()
    for candidate in candidates:
        action = decide_item(candidate, bindings.get(candidate.internal_id), channel, by_sku, taken, albums)
        if action.bind_to:
            taken.add(action.bind_to)
        plan.actions.append(action)
    return plan


def decide_orphan(binding: BindingState, channel: Mapping[str, ChannelState]) -> bool:
    """Whether an item whose product left the source must be hidden (it is still visible)."""
    state = channel.get(binding.external_id)
    return state is not None and not state.hidden
