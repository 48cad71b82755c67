"""Gather what the planner needs (bindings and the cached channel state) from the database and ask it.

The pipeline gathers before its first write; the exporter gathers again after re-reading the channel when
an answer was lost. Both ask `plan` the same questions through these functions, so they decide alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.sync import bindings
from marketsync.sync.plan import (
    Action,
    AlbumAction,
    BindingState,
    Candidate,
    OrphanAction,
    decide,
    decide_albums,
    decide_orphans,
)


def album_actions(session: Session, conn: Connection, titles: Iterable[str]) -> list[AlbumAction]:
    """Decide the channel's albums for these titles against the bindings and the cache."""
    return decide_albums(titles, bound=bindings.bound_albums(session, conn),
                         cached=bindings.cached_albums(session, conn))


def item_actions(session: Session, conn: Connection, candidates: Sequence[Candidate],
                 albums: Mapping[str, str]) -> list[Action]:
    """Decide a chunk of candidates against their bindings and the cached items (`albums`: title → id)."""
    bound = bindings.bindings_for(session, conn, bindings.ITEM, [c.internal_id for c in candidates])
    channel = bindings.channel_by_ids(session, conn, [b.external_id for b in bound.values()])
    unbound_skus = [c.payload.sku for c in candidates if c.internal_id not in bound]
    by_sku = bindings.channel_by_skus(session, conn, unbound_skus)
    taken = bindings.bound_external_ids(session, conn, bindings.ITEM, [s.external_id for s in by_sku.values()])
    return decide(candidates, bindings=bound, channel=channel, by_sku=by_sku, taken=taken, albums=albums).actions


def orphan_actions(session: Session, conn: Connection,
                   orphans: Iterable[tuple[str, BindingState]]) -> list[OrphanAction]:
    """Decide which of these orphan bindings are still visible in the cached channel and must be hidden."""
    orphans = list(orphans)
    channel = bindings.channel_by_ids(session, conn, [b.external_id for _, b in orphans])
    return decide_orphans(orphans, channel)
