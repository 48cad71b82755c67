"""VK market pages: the albums and items cached from the account's VK community (as of the last sync)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.sync import service
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.templating import Pager, page_number, render

if TYPE_CHECKING:
    from marketsync.sync.models import ChannelItem


router = APIRouter(tags=["vk-catalog"])
PER_PAGE = 50


@router.get("/vk-catalog", include_in_schema=False)
def vk_catalog_root(_user: CurrentUser) -> RedirectResponse:
    """Open the album list."""
    return RedirectResponse("/vk-catalog/albums", status_code=303)


@router.get("/vk-catalog/albums", response_class=HTMLResponse)
def albums_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """List the VK market albums of the connected community with their item counts."""
    conn = service.channel_connection(session, account_id)
    albums: list[ChannelItem] = []
    counts: dict[str, int] = {}
    total = 0
    if conn is not None:
        albums, counts, total = service.channel_albums(session, conn)
    return render(request, "vk_catalog/albums.html",
                  {"connection": conn, "albums": albums, "counts": counts, "total_items": total})


@router.get("/vk-catalog/albums/{album_id}/products", response_class=HTMLResponse)
def album_products(request: Request, session: DbSession, account_id: AccountId, album_id: str,
                   page: str | None = None) -> HTMLResponse:
    """List the cached items of one VK album (by its VK id), 50 a page."""
    conn = service.channel_connection(session, account_id)
    if conn is None or not album_id.lstrip("-").isdigit():
        raise HTTPException(status_code=404)
    album = service.channel_album(session, conn, album_id)
    if album is None:
        raise HTTPException(status_code=404)
    number = page_number(page)
    items, total = service.channel_album_items(session, conn, album_id, page=number, per_page=PER_PAGE)
    pager = Pager(page=number, per_page=PER_PAGE, total=total, base_url=f"/vk-catalog/albums/{album_id}/products")
    return render(request, "vk_catalog/products.html",
                  {"connection": conn, "album": album, "items": items, "pager": pager})
