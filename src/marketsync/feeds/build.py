"""Building one feed: select its products (options), price them with its markup, stream them through the YML
writer into a temporary file beside the feed's file, then rename it over the old one. A build that fails leaves
the last good file in place (and served) and records why on the feed.

What a feed is built from is summed up in a stamp (the products' count, newest updated_at and highest id, the
categories, the options and the markup): the beat rebuilds a feed whose stamp moved, so nothing changed, nothing
is written. It relies on the merge moving a product's updated_at whenever its content_hash changes."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from marketsync.accounts.models import Account
from marketsync.db import utcnow
from marketsync.feeds import yml_writer
from marketsync.feeds.models import Feed
from marketsync.feeds.yml_writer import Shop, YmlCategory, YmlOffer
from marketsync.hub.models import HubCategory, HubProduct
from marketsync.pricing.rules import FEED_PREFIX, Markup, channel_price
from marketsync.pricing.service import markup_of
from marketsync.settings import get_settings

log = logging.getLogger(__name__)
BATCH = 1000  # products read at a time (keyset pages): memory stays flat for 200,000 products
# Products with no category still need a categoryId (§9.4): they go under this one (hub category ids start at 1).
UNCATEGORIZED = YmlCategory(id=0, name="Без категории")
_COLUMNS = (HubProduct.id, HubProduct.sku, HubProduct.name, HubProduct.description, HubProduct.vendor,
            HubProduct.vendor_code, HubProduct.barcodes, HubProduct.category_id, HubProduct.price, HubProduct.stock,
            HubProduct.pictures, HubProduct.params, HubProduct.weight_kg, HubProduct.length_cm, HubProduct.width_cm,
            HubProduct.height_cm)


class FeedBuildError(Exception):
    """A build failed; the last good file is kept. The message is the one-line reason."""


@dataclass(frozen=True)
class Built:
    """A finished build: the file, how many offers it holds, its sha256."""

    path: Path
    offers: int
    sha256: str


@dataclass(frozen=True)
class _Selection:
    """What a feed holds: its categories (None: all) and the written category list, and its markup."""

    category_ids: frozenset[int] | None
    categories: list[YmlCategory]
    markup: Markup | None
    in_stock_only: bool


def feed_path(feed: Feed) -> Path:
    """Return where the feed's file lives: FEEDS_DIR/<cabinet>/<feed id>.yml."""
    return Path(get_settings().FEEDS_DIR) / str(feed.account_id) / f"{feed.id}.yml"


def rule_channel(feed: Feed) -> str:
    """Return the price rule's channel the feed applies: its option, or its own feed:<name> rule."""
    return feed.price_channel or f"{FEED_PREFIX}{feed.name}"


def _categories(session: Session, account_id: int) -> dict[int, tuple[str, int | None]]:
    rows = session.execute(select(HubCategory.id, HubCategory.name, HubCategory.parent_id)
                           .where(HubCategory.account_id == account_id).order_by(HubCategory.id))
    return {row.id: (row.name, row.parent_id) for row in rows}


def _with_descendants(chosen: list[int], tree: dict[int, tuple[str, int | None]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for category_id, (_name, parent) in tree.items():
        if parent is not None:
            children.setdefault(parent, []).append(category_id)
    found: set[int] = set()
    todo = [c for c in chosen if c in tree]
    while todo:  # a cycle in parent ids cannot loop: each id is visited once
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def _selection(session: Session, feed: Feed) -> _Selection:
    tree = _categories(session, feed.account_id)
    held = None if feed.category_ids is None else _with_descendants(list(feed.category_ids), tree)
    shown = set(tree) if held is None else set(held)
    for category_id in list(shown):  # every parent of a shown category is shown: no dangling parentId
        parent = tree[category_id][1]
        while parent is not None and parent in tree and parent not in shown:
            shown.add(parent)
            parent = tree[parent][1]
    categories = [YmlCategory(id=c, name=tree[c][0], parent_id=tree[c][1] if tree[c][1] in shown else None)
                  for c in sorted(shown)]
    return _Selection(category_ids=None if held is None else frozenset(held), categories=categories,
                      markup=markup_of(session, account_id=feed.account_id, channel=rule_channel(feed)),
                      in_stock_only=feed.in_stock_only)


def _where(feed: Feed, selection: _Selection) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [HubProduct.account_id == feed.account_id]
    if selection.category_ids is not None:
        clauses.append(HubProduct.category_id.in_(sorted(selection.category_ids) or [-1]))
    if selection.in_stock_only:
        clauses.append(HubProduct.stock > 0)
    return clauses


def source_stamp(session: Session, feed: Feed) -> str:
    """Return the stamp of what the feed would be built from now (see the module docstring)."""
    selection = _selection(session, feed)
    count, newest, highest = session.execute(
        select(func.count(), func.max(HubProduct.updated_at), func.max(HubProduct.id))
        .where(*_where(feed, selection))).one()
    account_name = session.scalar(select(Account.name).where(Account.id == feed.account_id))
    markup = selection.markup
    summary: list[Any] = [
        count, newest.isoformat() if isinstance(newest, datetime) else newest, highest,
        [(c.id, c.name, c.parent_id) for c in selection.categories],
        None if markup is None else [str(markup.percent), str(markup.add), markup.rounding, str(markup.min_price)],
        feed.in_stock_only, account_name, get_settings().BASE_URL,
    ]
    return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()


def _params(raw: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for name, value in (raw or {}).items():
        for one in value if isinstance(value, list) else [value]:
            if one is not None and str(one) != "":
                found.append((str(name), str(one)))
    return tuple(found)


def _offer(row: Any, markup: Markup | None) -> YmlOffer:
    sides = (row.length_cm, row.width_cm, row.height_cm)
    return YmlOffer(
        id=row.sku, name=row.name, price=channel_price(Decimal(row.price), markup),
        category_id=row.category_id if row.category_id is not None else UNCATEGORIZED.id,
        available=row.stock > 0, vendor=row.vendor, vendor_code=row.vendor_code,
        pictures=tuple(row.pictures or ()), description=row.description, barcodes=tuple(row.barcodes or ()),
        params=_params(row.params), weight_kg=row.weight_kg,
        dimensions_cm=None if any(side is None for side in sides) else (sides[0], sides[1], sides[2]),
        count=row.stock)


def _offers(session: Session, feed: Feed, selection: _Selection) -> Iterator[YmlOffer]:
    last = 0
    where = _where(feed, selection)
    while True:
        rows = session.execute(select(*_COLUMNS).where(*where, HubProduct.id > last)
                               .order_by(HubProduct.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            yield _offer(row, selection.markup)
        last = rows[-1].id


def _has_uncategorized(session: Session, feed: Feed, selection: _Selection) -> bool:
    return selection.category_ids is None and session.scalar(
        select(HubProduct.id).where(*_where(feed, selection), HubProduct.category_id.is_(None)).limit(1)) is not None


def write_feed_file(session: Session, feed: Feed, *, now: datetime | None = None) -> Built:
    """Write the feed's file (temporary file, then an atomic rename); raise FeedBuildError, keeping the previous
    file, when anything fails on the way."""
    target = feed_path(feed)
    selection = _selection(session, feed)
    categories = list(selection.categories)
    if _has_uncategorized(session, feed, selection):
        categories.insert(0, UNCATEGORIZED)
    account_name = session.scalar(select(Account.name).where(Account.id == feed.account_id)) or feed.name
    shop = Shop(name=account_name, company=account_name, url=get_settings().BASE_URL)
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{feed.id}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            result = yml_writer.write_yml(out, shop=shop, categories=categories,
                                          offers=_offers(session, feed, selection), generated_at=now or utcnow())
            out.flush()
            os.fsync(out.fileno())  # on disk before it replaces the good file
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)  # atomic: a reader gets the old file or the new one, never half of one
        temporary = None
    except Exception as exc:
        log.warning("feed %s (cabinet %s) not rebuilt, the last good file is kept: %s", feed.name,
                    feed.account_id, exc)
        raise FeedBuildError(f"feed {feed.name} was not rebuilt: {exc or type(exc).__name__}") from exc
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return Built(path=target, offers=result.offers, sha256=result.sha256)
