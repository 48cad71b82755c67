"""VK market pages: the albums and items cached from the account's VK community (as of the last sync)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connections.service import get_connection
from marketsync.sync.models import ChannelItem
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.templating import Pager, page_number, render

router = APIRouter(tags=["vk-catalog"])
PER_PAGE = 50


def _cached(conn: Connection, kind: str) -> Select[ChannelItem]:
    return select(ChannelItem).where(ChannelItem.account_id == conn.account_id,
                                     ChannelItem.connection_id == conn.id, ChannelItem.kind == kind)


def _album_items(conn: Connection, album_id: str) -> Select[ChannelItem]:
    # album_ids is a JSON list of strings on every dialect; its text holds the id in quotes, so a LIKE on
    # '"<id>"' matches whole ids only ("12" never matches "123").
    return _cached(conn, "item").where(cast(ChannelItem.album_ids, String).like(f'%"{album_id}"%'))


def album_item_counts(session: Session, conn: Connection) -> dict[str, int]:
    """Return how many cached items each album holds, counted from the items themselves."""
    counts: dict[str, int] = {}
    for album_ids in session.scalars(select(ChannelItem.album_ids).where(
            ChannelItem.account_id == conn.account_id, ChannelItem.connection_id == conn.id,
            ChannelItem.kind == "item")):
        for album_id in album_ids or ():
            counts[str(album_id)] = counts.get(str(album_id), 0) + 1
    return counts


@router.get("/vk-catalog", include_in_schema=False)
def vk_catalog_root(_user: CurrentUser) -> RedirectResponse:
    """Open the album list."""
    return RedirectResponse("/vk-catalog/albums", status_code=303)


@router.get("/vk-catalog/albums", response_class=HTMLResponse)
def albums_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the VK market albums of the connected community with their item counts."""
    conn = get_connection(session, account_id, "vk")
    albums: list[ChannelItem] = []
    counts: dict[str, int] = {}
    total = 0
    if conn is not None:
        albums = list(session.scalars(_cached(conn, "album").order_by(ChannelItem.name, ChannelItem.id)))
        counts = album_item_counts(session, conn)
        total = session.scalar(select(func.count()).select_from(_cached(conn, "item").subquery())) or 0
    return render(request, "vk_catalog/albums.html",
                  {"connection": conn, "albums": albums, "counts": counts, "total_items": total})


@router.get("/vk-catalog/albums/{album_id}/products", response_class=HTMLResponse)
def album_products(request: Request, session: DbSession, account_id: AccountId, album_id: str,
                   page: str | None = None) -> HTMLResponse:
    """List the cached items of one VK album (by its VK id), 50 a page."""
    conn = get_connection(session, account_id, "vk")
    if conn is None or not album_id.lstrip("-").isdigit():
        raise HTTPException(status_code=404)
    album = session.scalar(_cached(conn, "album").where(ChannelItem.external_id == album_id))
    if album is None:
        raise HTTPException(status_code=404)
    number = page_number(page)
    query = _album_items(conn, album_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = list(session.scalars(query.order_by(ChannelItem.name, ChannelItem.id)
                                 .offset((number - 1) * PER_PAGE).limit(PER_PAGE)))
    pager = Pager(page=number, per_page=PER_PAGE, total=total, base_url=f"/vk-catalog/albums/{album_id}/products")
    return render(request, "vk_catalog/products.html",
                  {"connection": conn, "album": album, "items": items, "pager": pager})
