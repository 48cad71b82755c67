"""The /hub/feeds page (the cabinet's YML feeds with their URLs, last build and error; create, rebuild now, delete;
and the per-channel markups) and the public feed URL, served with no login to whoever holds its token."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from marketsync.feeds import service
from marketsync.pricing import service as pricing
from marketsync.pricing.rules import CHANNELS, ROUNDINGS, MarkupError
from marketsync.web.deps import AccountId, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter(tags=["feeds"])
PAGE = "/hub/feeds"
XML = "application/xml; charset=utf-8"
ON = {"1", "on", "true"}
CHUNK = 256 * 1024


def _markup_errors() -> dict[str, str]:
    return {"channel": _("Choose a marketplace or a feed for the markup."),
            "percent": _("The markup percent must be a number from -99 to 1000, for example 12,5."),
            "add": _("The fixed add must be a number of rubles, for example 50."),
            "rounding": _("Choose how the price is rounded."),
            "min_price": _("The minimum price must be a number of rubles, 0 or more.")}


def _page(request: Request, session: DbSession, account_id: int, *, status_code: int = 200,
          error: str | None = None) -> HTMLResponse:
    feeds = service.feed_rows(session, account_id=account_id)
    return render(request, "feeds/index.html", {
        "feeds": feeds, "rules": pricing.rules_of(session, account_id=account_id),
        "categories": service.category_names(session, account_id=account_id),
        "channels": list(CHANNELS) + [f"feed:{feed.name}" for feed in feeds], "roundings": ROUNDINGS,
        "error": error,
    }, status_code=status_code)


@router.get("/hub/feeds", response_class=HTMLResponse)
def feeds_page(request: Request, session: DbSession, account_id: AccountId) -> HTMLResponse:
    """Show the cabinet's feeds with their URLs and state, and the markups of every channel."""
    return _page(request, session, account_id)


@router.post("/hub/feeds")
def create_feed(request: Request, session: DbSession, account_id: AccountId, name: Annotated[str, Form()] = "",
                price_channel: Annotated[str, Form()] = "", in_stock_only: Annotated[str, Form()] = "",
                categories: Annotated[list[str] | None, Form()] = None) -> Response:
    """Create a feed and queue its first build."""
    name = name.strip()
    try:
        if service.feed_exists(session, account_id=account_id, name=name):
            raise service.FeedError("exists")
        feed, _created = service.create_feed(session, account_id=account_id, name=name,
                                             price_channel=price_channel or None,
                                             categories=[c for c in categories or [] if c] or None,
                                             in_stock_only=in_stock_only in ON)
    except service.FeedError as exc:
        message = (_("A feed named %(name)s already exists.", name=name) if str(exc) == "exists"
                   else _("The feed was not created: %(reason)s", reason=str(exc)))
        return _page(request, session, account_id, status_code=400, error=message)
    build = service.request_build(session, account_id=account_id, feed_id=feed.id)
    session.commit()  # the build is queued once this commit is done
    flash(request, _("The feed %(name)s is created; its file is being built.", name=feed.name))
    if build.error:
        flash(request, _("The build could not be queued now; the schedule builds the feed within minutes."),
              "warning")
    return RedirectResponse(PAGE, status_code=303)


@router.post("/hub/feeds/{feed_id}/build")
def rebuild_feed(request: Request, session: DbSession, account_id: AccountId, feed_id: int) -> Response:
    """Queue a rebuild of the feed now."""
    try:
        build = service.request_build(session, account_id=account_id, feed_id=feed_id)
    except service.FeedError as exc:
        raise HTTPException(status_code=404) from exc
    session.commit()
    if build.error:
        flash(request, _("The build could not be queued now; the schedule builds the feed within minutes."),
              "warning")
    else:
        flash(request, _("The feed is being rebuilt; reload the page in a minute."))
    return RedirectResponse(PAGE, status_code=303)


@router.post("/hub/feeds/{feed_id}/delete")
def delete_feed(request: Request, session: DbSession, account_id: AccountId, feed_id: int) -> Response:
    """Delete the feed: its URL stops working."""
    if not service.delete_feed(session, account_id=account_id, feed_id=feed_id):
        raise HTTPException(status_code=404)
    flash(request, _("The feed is deleted; its address no longer answers."))
    return RedirectResponse(PAGE, status_code=303)


@router.get("/hub/pricing")
def pricing_page() -> Response:
    """The markups are edited on the feeds page."""
    return RedirectResponse(f"{PAGE}#pricing", status_code=303)


@router.post("/hub/pricing")
def save_markup(request: Request, session: DbSession, account_id: AccountId, channel: Annotated[str, Form()] = "",
                percent: Annotated[str, Form()] = "", add: Annotated[str, Form()] = "",
                rounding: Annotated[str, Form()] = "none", min_price: Annotated[str, Form()] = "") -> Response:
    """Create or change one channel's markup."""
    try:
        pricing.save_rule(session, account_id=account_id, channel=channel, percent=percent, add=add,
                          rounding=rounding, min_price=min_price)
    except MarkupError as exc:
        return _page(request, session, account_id, status_code=400, error=_markup_errors().get(exc.field, str(exc)))
    flash(request, _("The markup is saved; feeds with it are rebuilt within a minute."))
    return RedirectResponse(f"{PAGE}#pricing", status_code=303)


@router.post("/hub/pricing/delete")
def delete_markup(request: Request, session: DbSession, account_id: AccountId,
                  channel: Annotated[str, Form()] = "") -> Response:
    """Remove a channel's markup: it gets the catalog price."""
    pricing.delete_rule(session, account_id=account_id, channel=channel)
    flash(request, _("The markup is removed: this channel gets the catalog price."))
    return RedirectResponse(f"{PAGE}#pricing", status_code=303)


def _etag(stat: os.stat_result) -> str:
    # From the file actually served (its change time and size), so it can never describe another version of it.
    return '"' + hashlib.sha256(f"{stat.st_mtime_ns}-{stat.st_size}-{stat.st_ino}".encode()).hexdigest()[:32] + '"'


def _not_modified(request: Request, etag: str, stat: os.stat_result) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2)
        return match.strip() == "*" or etag in [tag.strip().removeprefix("W/") for tag in match.split(",")]
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(stat.st_mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


@router.api_route("/feeds/{token}/{filename}", methods=["GET", "HEAD"])
def serve_feed(request: Request, session: DbSession, token: str, filename: str) -> Response:
    """Answer a feed URL with the last good file: 404 for a wrong token or name, 304 when the client has it."""
    name = filename.removesuffix(".yml")
    found = service.served_file(session, token=token, name=name) if filename.endswith(".yml") else None
    if found is None:
        raise HTTPException(status_code=404)
    if found.path is None:
        raise HTTPException(status_code=503, detail="The feed is being built", headers={"Retry-After": "60"})
    try:
        # Opened first and measured by its handle: a rebuild may rename a new file over the path meanwhile, and
        # this answer keeps reading the version it measured.
        handle = found.path.open("rb")
    except FileNotFoundError as exc:  # deleted in between
        raise HTTPException(status_code=404) from exc
    stat = os.fstat(handle.fileno())
    etag = _etag(stat)
    headers = {"ETag": etag, "Last-Modified": formatdate(stat.st_mtime, usegmt=True), "Cache-Control": "no-cache"}
    if _not_modified(request, etag, stat) or request.method == "HEAD":
        handle.close()
        if request.method == "HEAD" and not _not_modified(request, etag, stat):
            return Response(status_code=200, media_type=XML, headers={**headers, "Content-Length": str(stat.st_size)})
        return Response(status_code=304, headers=headers)
    return StreamingResponse(_chunks(handle), media_type=XML,
                             headers={**headers, "Content-Length": str(stat.st_size)})


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk
