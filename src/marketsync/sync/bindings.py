"""Bindings (internal id ↔ channel id + pushed hash) and the cached channel state, read and written.

Internal ids: an item is bound by its product key (the source's code, else its id: one channel item per key,
however many stores sell it), an album by its title (one album per title), the default photo by its sha256.
Bindings whose internal id starts with RETIRED were duplicates or orphans of an earlier version: the planner
hides such items and deletes such albums.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product
from marketsync.catalog.service import PRODUCT_KEY
from marketsync.connections.models import Connection
from marketsync.connectors.capabilities import CatalogChannel
from marketsync.connectors.records import ItemPayload, RemoteAlbum, RemoteItem, UploadedPhoto
from marketsync.db import upsert, utcnow
from marketsync.sync.models import Binding, ChannelItem
from marketsync.sync.plan import BindingState, ChannelState

ITEM, ALBUM, PHOTO = "item", "album", "photo"


def bindings_for(session: Session, conn: Connection, kind: str, internal_ids: Sequence[str]) -> dict[str, BindingState]:
    """Return the bindings of some internal ids, by internal id."""
    if not internal_ids:
        return {}
    rows = session.execute(select(Binding.internal_id, Binding.external_id, Binding.payload_hash).where(
        Binding.connection_id == conn.id, Binding.kind == kind, Binding.internal_id.in_(internal_ids)))
    return {r.internal_id: BindingState(r.external_id, r.payload_hash) for r in rows}


def bound_external_ids(session: Session, conn: Connection, kind: str, external_ids: Iterable[str]) -> set[str]:
    """Return which of these channel ids are already bound to something."""
    ids = list(external_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Binding.external_id).where(
        Binding.connection_id == conn.id, Binding.kind == kind, Binding.external_id.in_(ids))))


def binding_of(session: Session, conn: Connection, kind: str, internal_id: str) -> Binding | None:
    """Return one binding row."""
    return session.scalar(select(Binding).where(Binding.connection_id == conn.id, Binding.kind == kind,
                                                Binding.internal_id == internal_id))


def bind(session: Session, conn: Connection, kind: str, internal_id: str, external_id: str,
         payload_hash: str | None) -> None:
    """Record (or move) a binding; a stale binding of the same channel id is dropped first."""
    session.execute(delete(Binding).where(Binding.connection_id == conn.id, Binding.kind == kind,
                                          Binding.external_id == external_id,
                                          Binding.internal_id != internal_id))
    row = binding_of(session, conn, kind, internal_id)
    if row is None:
        row = Binding(account_id=conn.account_id, connection_id=conn.id, kind=kind, internal_id=internal_id,
                      external_id=external_id)
        session.add(row)
    row.external_id = external_id
    row.payload_hash = payload_hash
    row.pushed_at = utcnow()
    row.error = None
    session.flush()


def _state(row: ChannelItem) -> ChannelState:
    return ChannelState(row.external_id, row.name, row.description or "", row.price, row.stock_amount,
                        row.hidden, row.sku, tuple(row.album_ids or ()))


def channel_by_ids(session: Session, conn: Connection, external_ids: Iterable[str]) -> dict[str, ChannelState]:
    """Return cached channel items by id."""
    ids = list(external_ids)
    if not ids:
        return {}
    rows = session.scalars(select(ChannelItem).where(ChannelItem.connection_id == conn.id,
                                                     ChannelItem.kind == ITEM, ChannelItem.external_id.in_(ids)))
    return {r.external_id: _state(r) for r in rows}


def channel_by_skus(session: Session, conn: Connection, skus: Iterable[str]) -> dict[str, ChannelState]:
    """Return cached channel items by SKU (the first one when a SKU repeats)."""
    wanted = list({s for s in skus if s})
    if not wanted:
        return {}
    rows = session.scalars(select(ChannelItem).where(ChannelItem.connection_id == conn.id,
                                                     ChannelItem.kind == ITEM, ChannelItem.sku.in_(wanted))
                           .order_by(ChannelItem.external_id))
    out: dict[str, ChannelState] = {}
    for row in rows:
        out.setdefault(row.sku or "", _state(row))
    return out


def cached_albums(session: Session, conn: Connection) -> dict[str, str]:
    """Return cached channel albums as id → title."""
    rows = session.execute(select(ChannelItem.external_id, ChannelItem.name).where(
        ChannelItem.connection_id == conn.id, ChannelItem.kind == ALBUM))
    return {r.external_id: r.name for r in rows}


def cached_item_count(session: Session, conn: Connection) -> int:
    """Return how many items the cache holds for a channel connection."""
    return session.scalar(select(func.count()).select_from(ChannelItem).where(
        ChannelItem.connection_id == conn.id, ChannelItem.kind == ITEM)) or 0


def bound_albums(session: Session, conn: Connection) -> dict[str, str]:
    """Return every album binding as internal id (title, or a RETIRED key) → album id."""
    rows = session.execute(select(Binding.internal_id, Binding.external_id).where(
        Binding.connection_id == conn.id, Binding.kind == ALBUM))
    return {r.internal_id: r.external_id for r in rows}


def unbind(session: Session, conn: Connection, kind: str, external_id: str) -> None:
    """Forget a binding and the cached object (it was deleted from the channel)."""
    session.execute(delete(Binding).where(Binding.connection_id == conn.id, Binding.kind == kind,
                                          Binding.external_id == external_id))
    session.execute(delete(ChannelItem).where(ChannelItem.connection_id == conn.id, ChannelItem.kind == kind,
                                              ChannelItem.external_id == external_id))


def refresh_cache(session: Session, conn: Connection, channel: CatalogChannel,
                  on_page: Callable[[int], None] | None = None) -> int:
    """Read the channel's albums and items into the cache, forgetting what it no longer holds; return items."""
    started = utcnow()
    store_albums(session, conn, channel.list_albums(), started)
    drop_stale(session, conn, ALBUM, started)
    total = 0
    for page in channel.iter_items():
        store_items(session, conn, page, started, url=channel.item_url)
        total += len(page)
        if on_page is not None:
            on_page(len(page))
    drop_stale(session, conn, ITEM, started)
    return total


def remember_photo(session: Session, conn: Connection, digest: str, photo: UploadedPhoto) -> None:
    """Bind the uploaded default photo to its content hash and cache its URL for the pages."""
    bind(session, conn, PHOTO, digest, photo.external_id, digest)
    upsert(session, ChannelItem, [
        {"account_id": conn.account_id, "connection_id": conn.id, "kind": PHOTO, "external_id": photo.external_id,
         "name": digest, "photo_url": (photo.url or "")[:1000] or None, "album_ids": [], "hidden": False,
         "refreshed_at": utcnow()}], keys=["connection_id", "kind", "external_id"], update=["photo_url"])


def bound_photo(session: Session, conn: Connection, digest: str) -> UploadedPhoto | None:
    """Return the photo uploaded earlier for this content, with its URL when known."""
    binding = binding_of(session, conn, PHOTO, digest)
    if binding is None:
        return None
    url = session.scalar(select(ChannelItem.photo_url).where(
        ChannelItem.connection_id == conn.id, ChannelItem.kind == PHOTO,
        ChannelItem.external_id == binding.external_id))
    return UploadedPhoto(binding.external_id, url)


def store_items(session: Session, conn: Connection, items: Sequence[RemoteItem], refreshed_at: datetime, *,
                url: Callable[[str], str | None]) -> None:
    """Upsert one page of channel items into the cache, with the address the channel gives each (`url`)."""
    upsert(session, ChannelItem, [
        {"account_id": conn.account_id, "connection_id": conn.id, "kind": ITEM, "external_id": i.external_id,
         "sku": (i.sku or None), "name": i.name[:500], "description": i.description, "price": i.price,
         "stock_amount": i.stock_amount, "hidden": i.hidden, "album_ids": list(i.album_ids),
         "photo_url": (i.photo_url or "")[:1000] or None, "url": (url(i.external_id) or "")[:1000] or None,
         "refreshed_at": refreshed_at}
        for i in items
    ], keys=["connection_id", "kind", "external_id"],
        update=["sku", "name", "description", "price", "stock_amount", "hidden", "album_ids", "photo_url",
                "url", "refreshed_at"])


def store_albums(session: Session, conn: Connection, albums: Sequence[RemoteAlbum], refreshed_at: datetime) -> None:
    """Upsert the channel's albums into the cache."""
    upsert(session, ChannelItem, [
        {"account_id": conn.account_id, "connection_id": conn.id, "kind": ALBUM, "external_id": a.external_id,
         "name": a.title[:500], "item_count": a.item_count, "album_ids": [], "hidden": False,
         "refreshed_at": refreshed_at}
        for a in albums
    ], keys=["connection_id", "kind", "external_id"], update=["name", "item_count", "refreshed_at"])


def drop_stale(session: Session, conn: Connection, kind: str, before: datetime) -> None:
    """Forget cached channel objects that a complete read no longer returned."""
    session.execute(delete(ChannelItem).where(ChannelItem.connection_id == conn.id, ChannelItem.kind == kind,
                                              ChannelItem.refreshed_at < before))


def remember_pushed(session: Session, conn: Connection, external_id: str, payload: ItemPayload,
                    album_ids: Sequence[str] | None = None, photo_url: str | None = None,
                    url: str | None = None) -> None:
    """Update the cache with what the channel now holds after a successful write."""
    row = session.scalar(select(ChannelItem).where(ChannelItem.connection_id == conn.id,
                                                   ChannelItem.kind == ITEM, ChannelItem.external_id == external_id))
    if row is None:
        row = ChannelItem(account_id=conn.account_id, connection_id=conn.id, kind=ITEM, external_id=external_id,
                          album_ids=[])
        session.add(row)
    row.sku, row.hidden = payload.sku, payload.hidden
    if not payload.hidden:
        row.name, row.description = payload.name, payload.description
        row.price, row.stock_amount = payload.price, payload.stock_amount
    if album_ids is not None:
        row.album_ids = sorted(set(row.album_ids or []) | set(album_ids))
    if photo_url and not row.photo_url:
        row.photo_url = photo_url[:1000]
    if url:
        row.url = url[:1000]
    row.refreshed_at = utcnow()


def mark_hidden(session: Session, conn: Connection, external_id: str) -> None:
    """Record in the cache that an item is now hidden."""
    row = session.scalar(select(ChannelItem).where(ChannelItem.connection_id == conn.id,
                                                   ChannelItem.kind == ITEM, ChannelItem.external_id == external_id))
    if row is not None:
        row.hidden = True


def forget_album(session: Session, conn: Connection, album_id: str) -> None:
    """Drop a deleted album from its items' cached memberships."""
    rows = session.scalars(select(ChannelItem).where(ChannelItem.connection_id == conn.id, ChannelItem.kind == ITEM))
    for row in rows:
        if album_id in (row.album_ids or []):
            row.album_ids = [a for a in row.album_ids if a != album_id]


def add_album_membership(session: Session, conn: Connection, album_id: str, item_ids: Sequence[str]) -> None:
    """Record in the cache that items joined an album."""
    rows = session.scalars(select(ChannelItem).where(ChannelItem.connection_id == conn.id,
                                                     ChannelItem.kind == ITEM, ChannelItem.external_id.in_(item_ids)))
    for row in rows:
        row.album_ids = sorted(set(row.album_ids or []) | {album_id})


def orphan_bindings(session: Session, conn: Connection, source: Connection) -> list[tuple[str, BindingState]]:
    """Return (internal id, binding) of items whose product key no longer exists in the source's catalog."""
    product_exists = exists().where(Product.connection_id == source.id, Binding.internal_id == PRODUCT_KEY)
    rows = session.execute(select(Binding.internal_id, Binding.external_id, Binding.payload_hash).where(
        Binding.connection_id == conn.id, Binding.kind == ITEM, ~product_exists))
    return [(r.internal_id, BindingState(r.external_id, r.payload_hash)) for r in rows]
