"""The cabinet's YML feeds: create, change and delete them, build one now or every one whose products changed,
and find the file a feed URL serves. Entry points (the page, `marketsync feeds`, the beat task) call these."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from marketsync.db import utcnow
from marketsync.feeds.build import FeedBuildError, feed_path, rule_channel, source_stamp, write_feed_file
from marketsync.feeds.models import Feed
from marketsync.hub.models import HubCategory
from marketsync.pricing.rules import FEED_PREFIX, Markup, MarkupError, check_channel
from marketsync.pricing.service import delete_rule, markup_of
from marketsync.security import constant_time_equals, decrypt_json, encrypt_json, new_token, sha256_hex
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")  # it is part of the URL: plain ASCII, no dots


class FeedError(Exception):
    """A feed cannot be created or found as asked; the message is the one-line reason."""


def feed_url(feed: Feed) -> str:
    """Return the feed's public URL: {BASE_URL}/feeds/{token}/{name}.yml (stable while the feed exists)."""
    token = decrypt_json(feed.token_encrypted)["token"]
    return f"{get_settings().BASE_URL.rstrip('/')}/feeds/{token}/{feed.name}.yml"


def feeds_of(session: Session, *, account_id: int) -> list[Feed]:
    """Return the cabinet's feeds by name."""
    return list(session.scalars(select(Feed).where(Feed.account_id == account_id).order_by(Feed.name)))


def feed_by_name(session: Session, *, account_id: int, name: str) -> Feed:
    """Return the cabinet's feed of this name, or raise FeedError."""
    feed = session.scalar(select(Feed).where(Feed.account_id == account_id, Feed.name == name))
    if feed is None:
        raise FeedError(f"no feed named {name}")
    return feed


def _category_ids(session: Session, account_id: int, names: list[str]) -> list[int]:
    found = dict(session.execute(select(HubCategory.name, HubCategory.id).where(
        HubCategory.account_id == account_id, HubCategory.name.in_(names))).all())
    missing = [name for name in names if name not in found]
    if missing:
        raise FeedError(f"no category named {', '.join(missing)}")
    return sorted({found[name] for name in names})


def create_feed(session: Session, *, account_id: int, name: str, price_channel: str | None = None,
                categories: list[str] | None = None, in_stock_only: bool = False) -> tuple[Feed, bool]:
    """Create the feed (no options: every product at its own rule's price) or, when it exists, change the options
    given; return it and whether it is new. Raises FeedError for a bad name, channel or category."""
    if not NAME.match(name):
        raise FeedError("a feed name is 1-64 Latin letters, digits, - and _, starting with a letter or digit")
    if price_channel is not None:
        try:
            price_channel = check_channel(price_channel)
        except MarkupError as exc:
            raise FeedError(str(exc)) from exc
    category_ids = None if not categories else _category_ids(session, account_id, categories)
    feed = session.scalar(select(Feed).where(Feed.account_id == account_id, Feed.name == name))
    created = feed is None
    if feed is None:
        token = new_token(32)
        feed = Feed(account_id=account_id, name=name, token_hash=sha256_hex(token),
                    token_encrypted=encrypt_json({"token": token}), price_channel=price_channel,
                    category_ids=category_ids, in_stock_only=in_stock_only)
        session.add(feed)
    else:
        feed.price_channel = price_channel if price_channel is not None else feed.price_channel
        feed.category_ids = category_ids if category_ids is not None else feed.category_ids
        feed.in_stock_only = in_stock_only or feed.in_stock_only
    session.flush()
    return feed, created


def delete_feed(session: Session, *, account_id: int, feed_id: int) -> bool:
    """Delete the feed, its file and its own price rule (its URL answers 404 from now); return whether it existed."""
    feed = session.scalar(select(Feed).where(Feed.account_id == account_id, Feed.id == feed_id))
    if feed is None:
        return False
    path = feed_path(feed)
    delete_rule(session, account_id=account_id, channel=f"{FEED_PREFIX}{feed.name}")
    session.delete(feed)
    session.flush()
    path.unlink(missing_ok=True)
    return True


def rebuild(session: Session, feed: Feed, *, now: datetime | None = None) -> Path:
    """Build the feed now and record the outcome on it; raise FeedBuildError (recorded, the last good file kept)."""
    stamp = source_stamp(session, feed)  # before the build: a change made during it triggers the next one
    try:
        built = write_feed_file(session, feed, now=now)
    except FeedBuildError as exc:
        feed.last_error, feed.last_error_at = str(exc)[:1000], utcnow()
        session.flush()
        raise
    feed.last_built_at, feed.offers_count, feed.last_hash = now or utcnow(), built.offers, built.sha256
    feed.source_stamp, feed.file_path, feed.last_error, feed.last_error_at = stamp, str(built.path), None, None
    session.flush()
    return built.path


def build_feed(session: Session, *, account_id: int, name: str) -> Path:
    """Regenerate the cabinet's feed named `name` now; return its file. Raises FeedError (no such feed) or
    FeedBuildError (recorded on the feed: the caller commits before reporting it)."""
    return rebuild(session, feed_by_name(session, account_id=account_id, name=name))


def due_feed_ids(session: Session, *, now: datetime | None = None) -> list[int]:
    """Return every feed to rebuild: never built, built from another stamp than now's, or older than
    FEED_MAX_AGE_MINUTES. A feed whose products, categories, options and markup are unchanged is not due."""
    now = now or utcnow()
    oldest = now - timedelta(minutes=get_settings().FEED_MAX_AGE_MINUTES)
    due = []
    for feed in session.scalars(select(Feed).order_by(Feed.id)):
        if (feed.last_built_at is None or feed.last_built_at < oldest
                or feed.source_stamp != source_stamp(session, feed)):
            due.append(feed.id)
    return due


def rebuild_by_id(session: Session, feed_id: int) -> int | None:
    """Rebuild one feed (the worker's task); return its offers, or None when it failed (recorded) or is gone."""
    feed = session.get(Feed, feed_id)
    if feed is None:
        return None
    try:
        rebuild(session, feed)
    except FeedBuildError:
        return None
    return feed.offers_count


@dataclass
class BuildRequest:
    """A rebuild asked from the page: queued after the caller commits; `error` when the broker refused it."""

    feed_id: int
    error: str | None = None


def request_build(session: Session, *, account_id: int, feed_id: int) -> BuildRequest:
    """Ask the worker to rebuild the cabinet's feed, sent once the caller commits; raises FeedError if unknown."""
    feed = session.scalar(select(Feed).where(Feed.account_id == account_id, Feed.id == feed_id))
    if feed is None:
        raise FeedError("no such feed")
    request = BuildRequest(feed.id)

    def send(_session: Session) -> None:
        try:
            from marketsync.worker import celery_app

            celery_app.signature("marketsync.feeds.build_feed", args=(request.feed_id,)).apply_async()
        except Exception as exc:  # the broker is down: the page says so, the beat rebuilds it later
            log.warning("could not queue a feed build: %s", exc)
            request.error = str(exc) or type(exc).__name__

    def forget(_session: Session) -> None:
        if event.contains(session, "after_commit", send):
            event.remove(session, "after_commit", send)

    event.listen(session, "after_commit", send, once=True)
    event.listen(session, "after_rollback", forget, once=True)
    return request


@dataclass(frozen=True)
class ServedFile:
    """The file a feed URL answers with (None: the feed exists but was never built yet)."""

    path: Path | None


def served_file(session: Session, *, token: str, name: str) -> ServedFile | None:
    """Return the file behind a feed URL, or None (answered 404) for an unknown token or a wrong name.

    The feed is found by the token's sha256, so the lookup's timing tells nothing about the token itself."""
    given = sha256_hex(token)
    feed = session.scalar(select(Feed).where(Feed.token_hash == given))
    if feed is None or not constant_time_equals(given, feed.token_hash) or feed.name != name:
        return None
    path = feed_path(feed)
    return ServedFile(path if feed.last_built_at is not None and path.is_file() else None)


def feed_exists(session: Session, *, account_id: int, name: str) -> bool:
    """Whether the cabinet has a feed of this name."""
    return session.scalar(select(Feed.id).where(Feed.account_id == account_id, Feed.name == name)) is not None


def category_names(session: Session, *, account_id: int) -> list[str]:
    """Return the cabinet's category names, for the page's category filter."""
    return list(session.scalars(select(HubCategory.name).where(HubCategory.account_id == account_id)
                                .order_by(HubCategory.name)))


@dataclass(frozen=True)
class FeedRow:
    """A feed as the page lists it: its URL, options, markup and last build."""

    id: int
    name: str
    url: str
    channel: str
    markup: Markup | None
    categories: list[str]
    in_stock_only: bool
    last_built_at: datetime | None
    offers: int | None
    error: str | None
    error_at: datetime | None


def feed_rows(session: Session, *, account_id: int) -> list[FeedRow]:
    """Return the cabinet's feeds for the page, each with its URL and the markup its prices follow."""
    names = dict(session.execute(select(HubCategory.id, HubCategory.name)
                                 .where(HubCategory.account_id == account_id)).all())
    rows = []
    for feed in feeds_of(session, account_id=account_id):
        channel = rule_channel(feed)
        rows.append(FeedRow(
            id=feed.id, name=feed.name, url=feed_url(feed), channel=channel,
            markup=markup_of(session, account_id=account_id, channel=channel),
            categories=[names[c] for c in feed.category_ids or [] if c in names], in_stock_only=feed.in_stock_only,
            last_built_at=feed.last_built_at, offers=feed.offers_count, error=feed.last_error,
            error_at=feed.last_error_at))
    return rows
