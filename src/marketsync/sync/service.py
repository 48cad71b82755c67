"""Sync use cases for every entry point (web, CLI, tasks, bot): the cabinet's sync settings, requesting a
run (enqueued only after the request's commit), the accounts due for a run, runs and their progress, and
the cached channel catalog the pages show. Nothing above this module queries sync models."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, cast, event, false, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync import listing
from marketsync.accounts.models import AccountMember, User
from marketsync.billing import service as billing
from marketsync.catalog.models import Product, Store
from marketsync.catalog.pricing import parse_multiplier
from marketsync.catalog.service import PRODUCT_KEY, product_order, products_query
from marketsync.connections.models import Connection
from marketsync.connections.service import connection_for, role_title
from marketsync.connectors import CATALOG_CHANNEL, CATALOG_SOURCE, ROLES
from marketsync.notices import notice
from marketsync.sync import journal, runs
from marketsync.sync.filters import load_scope
from marketsync.sync.models import VK_STOCK_FIXED as VK_STOCK_FIXED  # re-exported: pages and CLI name modes
from marketsync.sync.models import VK_STOCK_MODES, Binding, ChannelItem, SyncConfig, SyncRun, SyncRunItem
from marketsync.sync.models import VK_STOCK_REAL as VK_STOCK_REAL

if TYPE_CHECKING:
    from marketsync.listing import AnySelect
    from marketsync.web.tables import TableQuery

log = logging.getLogger(__name__)
FLOW_ROLES = (CATALOG_SOURCE, CATALOG_CHANNEL)


# -- settings -------------------------------------------------------------------------------------------
def get_config(session: Session, account_id: int) -> SyncConfig:
    """Return the cabinet's sync settings, creating the defaults when missing."""
    config = session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))
    if config is None:
        config = SyncConfig(account_id=account_id, catalog_enabled=True, price_multiplier=Decimal("1"))
        session.add(config)
        session.flush()
    return config


class StockModeError(ValueError):
    """A VK stock mode that is not one of VK_STOCK_MODES."""


def save_config(session: Session, *, account_id: int, catalog_enabled: bool | None = None,
                price_multiplier: str | None = None, vk_stock_mode: str | None = None) -> SyncConfig:
    """Change the sync settings; a multiplier that cannot be read raises MultiplierError, a VK stock mode other
    than VK_STOCK_MODES StockModeError, and nothing is saved."""
    multiplier = parse_multiplier(price_multiplier) if price_multiplier is not None else None
    if vk_stock_mode is not None and vk_stock_mode not in VK_STOCK_MODES:
        raise StockModeError(f"the VK stock mode is one of: {', '.join(VK_STOCK_MODES)}")
    config = get_config(session, account_id)
    if catalog_enabled is not None:
        config.catalog_enabled = catalog_enabled
    if multiplier is not None:
        config.price_multiplier = multiplier
    if vk_stock_mode is not None:
        config.vk_stock_mode = vk_stock_mode  # the next run updates the items whose stock then differs
    session.flush()
    return config


def missing_connections(session: Session, account_id: int) -> list[str]:
    """Name the systems the catalog flow still needs connected (as sellers know them)."""
    return [role_title(role) for role in FLOW_ROLES if connection_for(session, account_id, role) is None]


def price_store(session: Session, account_id: int) -> str | None:
    """Name the store whose price a product sold in several stores gets (the first one the seller enabled)."""
    scope = load_scope(session, account_id)
    first = next(iter(scope.stores), None)
    if first is None:
        return None
    return session.scalar(select(Store.name).where(Store.account_id == account_id, Store.external_id == first))


# -- requesting runs ------------------------------------------------------------------------------------
@dataclass
class SyncRequest:
    """The answer to "sync now": refused with a reason, or queued once the caller commits."""

    accepted: bool
    missing: list[str] = field(default_factory=list)
    running: bool = False
    enqueue_error: str | None = None
    run_id: int | None = None  # the queued run the page can follow at once

    @property
    def queued(self) -> bool:
        """Whether the task reached the queue (known after the caller's commit)."""
        return self.accepted and self.enqueue_error is None


def _after_commit(session: Session, request: SyncRequest, send: Callable[[], None],
                  refused: Callable[[], None] | None = None) -> None:
    """Send the task once the caller commits, so the worker never reads older data than the request wrote;
    when the broker refuses it, note why and run `refused`."""

    def hook(_session: Session) -> None:
        try:
            send()
        except Exception as exc:  # the broker is down: the caller tells the seller
            log.warning("could not queue a sync: %s", exc)
            request.enqueue_error = str(exc) or type(exc).__name__
            if refused is not None:
                refused()

    def forget(_session: Session) -> None:  # rolled back: what was asked for never happened
        if event.contains(session, "after_commit", hook):
            event.remove(session, "after_commit", hook)

    event.listen(session, "after_commit", hook, once=True)
    event.listen(session, "after_rollback", forget, once=True)


def enqueue_catalog_sync(account_id: int, run_id: int | None = None) -> None:
    """Send one account's chain to the worker: refresh_catalog → refresh_vk_catalog → mirror_to_vk.

    With `run_id` the chain carries out that queued run. Tasks are named, not imported, so this service
    stays below the task layer.
    """
    from celery import chain

    from marketsync.worker import celery_app

    chain(celery_app.signature("marketsync.sync.refresh_catalog", args=(account_id, run_id), immutable=True),
          celery_app.signature("marketsync.sync.refresh_vk_catalog", args=(account_id,)),
          celery_app.signature("marketsync.sync.mirror_to_vk", args=(account_id,))).apply_async()


def enqueue_source_refresh(account_id: int) -> None:
    """Send a read of the account's source catalog (no mirroring) to the worker."""
    from marketsync.worker import celery_app

    celery_app.signature("marketsync.sync.refresh_source_catalog", args=(account_id,)).apply_async()


def request_sync(session: Session, *, account_id: int) -> SyncRequest:
    """Ask for a catalog sync of the cabinet; queued after the caller's commit unless refused."""
    missing = missing_connections(session, account_id)
    runs.fail_dead_runs(session, account_id=account_id)
    running = session.scalar(select(SyncRun.id).where(SyncRun.account_id == account_id,
                                                      SyncRun.status.in_(runs.LIVE)).limit(1)) is not None
    request = SyncRequest(accepted=not missing and not running, missing=missing, running=running)
    if request.accepted:
        # The run exists before its task does, so the page shows its progress from the first second.
        run = runs.start_run(session, account_id=account_id, pipeline="catalog", status="queued")
        request.run_id = run.id
        _after_commit(session, request, lambda: enqueue_catalog_sync(account_id, run.id),
                      refused=lambda: _close_unqueued(session, request, run.id))
    return request


def request_source_refresh(session: Session, *, account_id: int) -> SyncRequest:
    """Ask for a read of the source catalog only (after connecting it), queued after the caller's commit."""
    request = SyncRequest(accepted=connection_for(session, account_id, CATALOG_SOURCE) is not None)
    if request.accepted:
        _after_commit(session, request, lambda: enqueue_source_refresh(account_id))
    else:
        request.missing = [role_title(CATALOG_SOURCE)]
    return request


def _close_unqueued(session: Session, request: SyncRequest, run_id: int) -> None:
    """Close a queued run whose task the broker refused, so the page does not wait for it forever."""
    from marketsync.db import session_scope

    with session_scope(session.get_bind()) as own:  # type: ignore[arg-type]  # the caller's transaction is over
        run = own.get(SyncRun, run_id)
        if run is not None and run.status == "queued":
            runs.finish_run(run, error=notice("queue_unavailable", detail=request.enqueue_error))


def accounts_due(session: Session) -> list[int]:
    """Return cabinets with a source and a channel, the catalog sync on, an active member and not paused for a
    spent balance."""
    runs.fail_dead_runs(session)
    connected = select(Connection.account_id).where(
        Connection.system.in_([s for role in FLOW_ROLES for s in ROLES[role]])) \
        .group_by(Connection.account_id).having(func.count(func.distinct(Connection.system)) == len(FLOW_ROLES))
    switched_off = select(SyncConfig.account_id).where(SyncConfig.catalog_enabled.is_(False))
    active = select(AccountMember.account_id).join(User, User.id == AccountMember.user_id) \
        .where(User.status == "active")
    due = sorted(session.scalars(select(func.distinct(AccountMember.account_id)).where(
        AccountMember.account_id.in_(connected), AccountMember.account_id.not_in(switched_off),
        AccountMember.account_id.in_(active))))
    paused = billing.paused_among(session, due)  # balance spent: not due until topped up
    return [account_id for account_id in due if account_id not in paused]


def run_catalog_sync(engine: Engine, *, account_id: int, dry_run: bool = False,
                     on_progress: Callable[[SyncRun], None] | None = None,
                     plan_lines: list[str] | None = None) -> SyncRun:
    """Run the whole catalog flow in this process (the CLI); raise StepFailedError when it cannot start."""
    from marketsync.sync.chain import sync_catalog

    return sync_catalog(engine, account_id=account_id, dry_run=dry_run, on_progress=on_progress,
                        plan_lines=plan_lines)


# -- runs -----------------------------------------------------------------------------------------------
def run_of(session: Session, *, account_id: int, run_id: int) -> SyncRun | None:
    """Return one of the cabinet's runs (None when it is not theirs), closing it if its worker died."""
    run = session.get(SyncRun, run_id)
    if run is None or run.account_id != account_id:
        return None
    if run.status in runs.LIVE:
        runs.fail_dead_runs(session, account_id=account_id)
    return run


def run_journal_page(session: Session, run: SyncRun, table: TableQuery
                     ) -> tuple[list[SyncRunItem], listing.Page, dict[str, int], dict[str, int]]:
    """Return one page of what a run did to each product as the table asks, the counts per outcome of every
    row, and those of the source's products alone (they add up to the products the source had)."""
    items, page = journal.items_page(session, run, table)
    return items, page, journal.outcome_counts(session, run), journal.outcome_counts(session, run,
                                                                                     kind=journal.PRODUCT)


def run_journal_rows(session: Session, *, account_id: int, run_id: int,
                     table: TableQuery) -> Iterator[SyncRunItem]:
    """Yield one of the cabinet's runs' (filtered) journal, a chunk at a time; nothing for another's run."""
    run = session.get(SyncRun, run_id)
    if run is not None and run.account_id == account_id:
        yield from journal.iter_items(session, run, table)


# -- the cached channel catalog -------------------------------------------------------------------------
def channel_connection(session: Session, account_id: int) -> Connection | None:
    """Return the cabinet's catalog channel connection, if any."""
    return connection_for(session, account_id, CATALOG_CHANNEL)


def _cached(conn: Connection, kind: str):  # type: ignore[no-untyped-def]
    return select(ChannelItem).where(ChannelItem.account_id == conn.account_id,
                                     ChannelItem.connection_id == conn.id, ChannelItem.kind == kind)


def channel_album(session: Session, conn: Connection, album_id: str) -> ChannelItem | None:
    """Return one cached album by its channel id."""
    return session.scalar(_cached(conn, "album").where(ChannelItem.external_id == album_id))


CHANNEL_STATES = ("visible", "hidden", "absent")  # the "in VK" filter of the products table
ITEM_SORTS = ("name", "sku", "price", "stock")


def _album_items(session: Session, conn: Connection, album_id: str, table: TableQuery) -> tuple[AnySelect, AnySelect]:
    # album_ids is a JSON list of strings on every dialect; its text holds the id in quotes, so a LIKE on
    # '"<id>"' matches whole ids only ("12" never matches "123").
    query = _cached(conn, "item").where(cast(ChannelItem.album_ids, String).like(f'%"{album_id}"%'))
    if table.q:
        query = query.where(listing.contains(session, [ChannelItem.name, ChannelItem.sku], table.q))
    if table.filter("vk") in ("visible", "hidden"):
        query = query.where(ChannelItem.hidden.is_(table.filter("vk") == "hidden"))
    sorts = {"name": ChannelItem.name, "sku": ChannelItem.sku, "price": ChannelItem.price,
             "stock": ChannelItem.stock_amount}
    return listing.ordered(query, table, sorts, "name", ChannelItem.id), query


def channel_album_items(session: Session, conn: Connection, album_id: str,
                        table: TableQuery) -> tuple[list[ChannelItem], listing.Page, set[str]]:
    """Return one page of an album's cached items as the table asks (search by name or code, visibility
    filter, sort), and which of their codes are the seller's articles (the others are source ids)."""
    query, count_query = _album_items(session, conn, album_id, table)
    page = listing.page_of(session, query, table, count_query=count_query)
    items = [row[0] for row in page.rows]
    # An item's code is the product's article, or its Evotor id when it has none: only articles are shown.
    codes = {i.sku for i in items if i.sku}
    articles = {sku for sku in session.scalars(select(Product.sku).where(
        Product.account_id == conn.account_id, Product.sku.in_(codes))) if sku} if codes else set()
    return items, page, articles


def channel_album_items_export(session: Session, conn: Connection, album_id: str,
                               table: TableQuery) -> Iterator[tuple[ChannelItem, str | None]]:
    """Yield every item of the table's filtered set with its article (None for a source id), in its order."""
    query, _count = _album_items(session, conn, album_id, table)
    # One scan of the seller's articles joined in, so the stream needs no query per chunk.
    articles = select(Product.sku.label("article")).where(
        Product.account_id == conn.account_id, Product.sku.is_not(None), Product.sku != "").distinct().subquery()
    query = query.outerjoin(articles, articles.c.article == ChannelItem.sku).add_columns(articles.c.article)
    for row in listing.every_row(session, query):
        yield row[0], row[1]


@dataclass(frozen=True)
class InChannel:
    """A product's item in the channel as last seen: its price, visibility, photo and address."""

    item_id: str
    price: Decimal | None
    hidden: bool
    photo_url: str | None
    url: str | None


@dataclass(frozen=True)
class ProductRow:
    """A line of the products table: the product, its stock at its store, and its item in the channel."""

    product: Product
    quantity: Decimal | None
    channel: InChannel | None
    error: str | None  # why the last write of its item failed, if it did


@dataclass(frozen=True)
class _ProductQueries:
    conn: Connection | None
    rows: AnySelect  # products with stock and VK item, filtered and ordered
    keys: AnySelect  # the same order over product ids only, joining VK only when its filter needs it
    count: AnySelect
    backwards: AnySelect  # keys in the exact reverse order: far pages are read from the end


def _product_queries(session: Session, account_id: int, store_external_id: str,
                     table: TableQuery) -> _ProductQueries:
    query, count_query = products_query(session, account_id, store_external_id, table)
    keys = query.with_only_columns(Product.id)
    conn = channel_connection(session, account_id)
    wanted = table.filter("vk")
    if conn is None:
        nothing = wanted in ("visible", "hidden")
        keys = keys.where(false()) if nothing else keys
        return _ProductQueries(conn, query.where(false()) if nothing else query, keys, count_query,
                               _backwards(keys, table))
    # The item bound to the product's key (one item per key however many stores sell it), and its cache.
    query = query.outerjoin(Binding, and_(Binding.connection_id == conn.id, Binding.kind == "item",
                                          Binding.internal_id == PRODUCT_KEY)) \
        .outerjoin(ChannelItem, and_(ChannelItem.connection_id == conn.id, ChannelItem.kind == "item",
                                     ChannelItem.external_id == Binding.external_id)) \
        .add_columns(Binding.error, ChannelItem.external_id, ChannelItem.price, ChannelItem.hidden,
                     ChannelItem.photo_url, ChannelItem.url)
    if not wanted:  # the joins add no rows and the order needs none of them: page and count without them
        return _ProductQueries(conn, query, keys, count_query, _backwards(keys, table))
    if wanted == "absent":
        query = query.where(ChannelItem.id.is_(None))
    else:
        query = query.where(ChannelItem.hidden.is_(wanted == "hidden"))
    keys = query.with_only_columns(Product.id)
    return _ProductQueries(conn, query, keys, query, _backwards(keys, table))


def _backwards(keys: AnySelect, table: TableQuery) -> AnySelect:
    return keys.order_by(None).order_by(*product_order(table, backwards=True))


def _row(conn: Connection | None, row: Any) -> ProductRow:
    product = row[0]
    if conn is None:
        return ProductRow(product=product, quantity=product.quantity, channel=None, error=None)
    _product, error, item_id, price, hidden, photo_url, url = row
    channel = InChannel(item_id=item_id, price=price, hidden=bool(hidden), photo_url=photo_url,
                        url=url) if item_id else None
    return ProductRow(product=product, quantity=product.quantity, channel=channel, error=error)


def channel_products_page(session: Session, account_id: int, store_external_id: str,
                          table: TableQuery) -> tuple[list[ProductRow], listing.Page]:
    """Return one page of a store's products with their stock and VK item, as the table asks."""
    queries = _product_queries(session, account_id, store_external_id, table)
    page = listing.page_by_key(session, queries.keys, queries.rows, Product.id, table, count_query=queries.count,
                               row_key=lambda row: row[0].id, keys_backwards=queries.backwards)
    return [_row(queries.conn, r) for r in page.rows], page


def channel_products_export(session: Session, account_id: int, store_external_id: str,
                            table: TableQuery) -> Iterator[ProductRow]:
    """Yield every product of the table's filtered set (all pages), in its order, a chunk at a time."""
    queries = _product_queries(session, account_id, store_external_id, table)
    for row in listing.every_row(session, queries.rows):
        yield _row(queries.conn, row)
