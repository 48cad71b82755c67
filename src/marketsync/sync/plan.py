"""Decide what a mirror run does, without any I/O: records + bindings + channel state → actions.

This is the only place the mirror's rules live; the exporter applies what it decides and a dry run prints
it (`describe`). Albums: one per title (EvoSync matched albums by title): a bound album is kept, an unbound
channel album with the title is adopted, else one is created; an album retired as a duplicate is deleted.
Items: for every eligible product key the planner answers one of: create (never pushed, for sale), bind
(not bound, but an unbound channel item carries its SKU: a crash between "the channel accepted" and "we
stored the id" must never duplicate), update (a bound item whose name, price, description, stock or
visibility differ from the cached channel state, or whose pushed payload hash changed), hide (no longer
for sale), or skip, each with a reason; plus album memberships that are missing. A bound item that vanished
from the channel is created again. Bindings whose product left the source are hidden (orphans).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from marketsync.connectors.records import ItemPayload

RETIRED = "retired:"  # internal-id prefix of a binding whose object must leave the channel


class Op(StrEnum):
    """What happens to one product (or album)."""

    CREATE = "create"
    UPDATE = "update"
    HIDE = "hide"
    SKIP = "skip"
    BIND = "bind"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible product with the item we want for it."""

    internal_id: str
    payload: ItemPayload
    album_title: str | None = None
    excluded: bool = False  # the seller withholds it (its payload is hidden)


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
    """Decide one product; `taken` holds channel ids already bound (adoption must not steal them).

    `albums` maps an album title to its channel id.
    """
    payload = candidate.payload
    album = albums.get(candidate.album_title or "")
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
            why = "excluded by the seller" if candidate.excluded else "not for sale"
            return Action(Op.SKIP, candidate, f"{why} and not in the channel")
        reason = "missing in the channel" if binding is not None else "new"
        return Action(Op.CREATE, candidate, reason, album_external_id=album, join_album=album is not None)
    join = album is not None and not payload.hidden and album not in state.album_ids
    diff = differences(payload, state)
    hash_changed = binding is not None and binding.payload_hash not in (None, payload.fingerprint())
    common = {"external_id": state.external_id, "bind_to": bind_to, "album_external_id": album,
              "join_album": join}
    if payload.hidden and "visibility" in diff:
        why = "excluded by the seller" if candidate.excluded else "no longer for sale"
        return Action(Op.HIDE, candidate, why, **common)  # type: ignore[arg-type]
    if diff or (hash_changed and not payload.hidden):
        reason = "changed: " + ", ".join(diff or ["pushed payload"])
        return Action(Op.UPDATE, candidate, reason, **common)  # type: ignore[arg-type]
    reason = "adopted by SKU, unchanged" if bind_to else "unchanged"
    if payload.hidden:
        reason = "excluded by the seller, already hidden" if candidate.excluded else "not for sale, already hidden"
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


@dataclass(frozen=True, slots=True)
class AlbumAction:
    """One album decision: keep or adopt (bind) an album, create one, or delete a retired duplicate."""

    op: Op
    title: str
    reason: str
    external_id: str | None = None
    internal_id: str | None = None


def decide_albums(titles: Iterable[str], *, bound: Mapping[str, str], cached: Mapping[str, str]) -> list[AlbumAction]:
    """Decide the albums for these titles; `bound` is internal id → album id, `cached` album id → title."""
    actions: list[AlbumAction] = []
    taken = set(bound.values())
    unbound_by_title: dict[str, str] = {}
    for album_id, title in sorted(cached.items(), key=lambda kv: (len(kv[0]), kv[0])):  # oldest id first
        if album_id not in taken:
            unbound_by_title.setdefault(title, album_id)
    for title in dict.fromkeys(titles):
        bound_id = bound.get(title)
        if bound_id is not None and bound_id in cached:
            actions.append(AlbumAction(Op.SKIP, title, "exists", bound_id, title))
        elif (found := unbound_by_title.pop(title, None)) is not None:
            actions.append(AlbumAction(Op.BIND, title, "adopted by title", found, title))
        else:
            reason = "missing in the channel" if bound_id is not None else "new"
            actions.append(AlbumAction(Op.CREATE, title, reason, None, title))
    for internal_id, album_id in sorted(bound.items()):
        if internal_id.startswith(RETIRED) and album_id in cached:
            actions.append(AlbumAction(Op.DELETE, cached[album_id], "a duplicate of an album with this title",
                                       album_id, internal_id))
    return actions


@dataclass(frozen=True, slots=True)
class OrphanAction:
    """Hide a channel item whose product left the source (or that duplicated another item)."""

    internal_id: str
    external_id: str
    reason: str
    name: str = ""


def decide_orphans(orphans: Iterable[tuple[str, BindingState]],
                   channel: Mapping[str, ChannelState]) -> list[OrphanAction]:
    """Hide every orphan that is still visible in the channel."""
    out = []
    for internal_id, binding in orphans:
        state = channel.get(binding.external_id)
        if state is None or state.hidden:
            continue
        reason = "a duplicate of another item" if internal_id.startswith(RETIRED) else "its product left the source"
        out.append(OrphanAction(internal_id, binding.external_id, reason, state.name))
    return out


def describe(action: Action | AlbumAction | OrphanAction) -> str | None:
    """Return the dry-run line of a decision (None for an unchanged product)."""
    if isinstance(action, AlbumAction):
        if action.op is Op.SKIP:
            return None
        return f"{action.op.value} album «{action.title}» ({action.reason})"
    if isinstance(action, OrphanAction):
        return f"hide «{action.name}» (item {action.external_id}: {action.reason})"
    if action.op is Op.SKIP:
        return None
    return f"{action.op.value} «{action.candidate.payload.name}» ({action.reason})"
