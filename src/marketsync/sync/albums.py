"""The VK albums page as a data table: the albums cached from a cabinet's channel, searched by title, each with
its item count, sorted by title, count or refresh time, paged and exported.

The counts come from the cached items' album lists (a JSON list per item, which no SQL join reads alike on
every dialect), so albums are sorted and paged here rather than in SQL: a VK community holds at most about a
hundred albums (market.addAlbum answers 1407 "too many albums"), so the whole set is small."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.sync.models import ChannelItem

if TYPE_CHECKING:
    from marketsync.connections.models import Connection
    from marketsync.web.tables import TableQuery

ALBUM_SORTS = ("name", "items", "updated")


@dataclass(frozen=True)
class AlbumRow:
    """One album as listed: the cached album and how many cached items it holds."""

    album: ChannelItem
    items: int


@dataclass(frozen=True)
class AlbumsPage:
    """The albums of the page shown, how many match in all, which page, and the channel's item total."""

    rows: list[AlbumRow]
    total: int
    page: int
    items_total: int


def _counts(session: Session, conn: Connection) -> tuple[dict[str, int], int]:
    counts: dict[str, int] = {}
    total = 0
    for album_ids in session.scalars(select(ChannelItem.album_ids).where(
            ChannelItem.account_id == conn.account_id, ChannelItem.connection_id == conn.id,
            ChannelItem.kind == "item")):
        total += 1
        for album_id in album_ids or ():
            counts[str(album_id)] = counts.get(str(album_id), 0) + 1
    return counts, total


def _rows(session: Session, conn: Connection, table: TableQuery) -> tuple[list[AlbumRow], int]:
    query = select(ChannelItem).where(ChannelItem.account_id == conn.account_id,
                                      ChannelItem.connection_id == conn.id, ChannelItem.kind == "album")
    if table.q:
        query = query.where(listing.contains(session, [ChannelItem.name], table.q))
    counts, items_total = _counts(session, conn)
    # An album none of whose items is cached yet shows the count VK gave for it.
    rows = [AlbumRow(album, counts.get(album.external_id, album.item_count or 0)) for album in session.scalars(query)]
    keys = {"name": lambda r: r.album.name.casefold(), "items": lambda r: r.items,
            "updated": lambda r: r.album.refreshed_at}
    rows.sort(key=lambda r: r.album.id, reverse=table.descending)  # ties in id order, as listing.ordered does
    rows.sort(key=keys.get(table.sort, keys["name"]), reverse=table.descending)  # type: ignore[arg-type]
    return rows, items_total


def albums_page(session: Session, conn: Connection, table: TableQuery) -> AlbumsPage:
    """Return one page of the channel's cached albums as the table asks; a page past the end is the last."""
    rows, items_total = _rows(session, conn, table)
    page = min(table.page, max(1, -(-len(rows) // table.per_page)))
    start = (page - 1) * table.per_page
    return AlbumsPage(rows=rows[start:start + table.per_page], total=len(rows), page=page, items_total=items_total)


def export_albums(session: Session, conn: Connection, table: TableQuery) -> list[AlbumRow]:
    """Return every album the table's search matches (all pages), in its order."""
    return _rows(session, conn, table)[0]
