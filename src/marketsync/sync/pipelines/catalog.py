"""The catalog flow (Evotor → VK Market today): refresh_catalog → refresh_channel → mirror_catalog.

Each step is a plain function over a CatalogRun (session, run, checkpoint, the two connections as a
CatalogSource and a CatalogChannel); the Celery tasks call one step each and the CLI calls `sync_catalog`
(sync/chain.py), which runs all three in this process. The run holds the per-account lease from the first
step to the last, renewed at every commit point. Mirroring gathers the enabled catalog one chunk of product
keys at a time, asks `plan` (through `gather`) what to do, and hands the decisions to the exporter, the
only writer; a dry run prints the same decisions instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, ProductGroup, Stock, Store
from marketsync.catalog.pricing import channel_price
from marketsync.catalog.service import PRODUCT_KEY, product_key, to_record
from marketsync.catalog.stock_levels import whole_units
from marketsync.connections.models import Connection
from marketsync.connections.service import connection_for, open_channel, open_source, recorder_for
from marketsync.connectors import CATALOG_CHANNEL, CATALOG_SOURCE, ROLES
from marketsync.connectors.capabilities import CatalogChannel, CatalogSource
from marketsync.notices import notice, plain
from marketsync.sync import bindings, gather, journal, runs
from marketsync.sync.exporter import Exporter
from marketsync.sync.filters import Scope, load_scope
from marketsync.sync.importer import ImportCounts, import_catalog
from marketsync.sync.models import VK_STOCK_REAL, ProductRule, SyncConfig, SyncRun
from marketsync.sync.plan import Action, AlbumAction, Candidate, Op, OrphanAction, describe
from marketsync.sync.runs import SyncError
from marketsync.sync.selection import COPY, UNSELECTED, Choice, choose, copy_reason, outside_reason

PIPELINE = "catalog"
CHUNK = 500


@dataclass
class CatalogRun:
    """Everything one run of the flow carries between its steps."""

    session: Session
    checkpoint: runs.Checkpoint
    source_conn: Connection
    channel_conn: Connection | None
    plan_lines: list[str] | None = None
    _source: CatalogSource | None = None
    _channel: CatalogChannel | None = None

    @property
    def run(self) -> SyncRun:
        """The run being carried out."""
        return self.checkpoint.run

    @property
    def account_id(self) -> int:
        """The tenant of this run."""
        return self.run.account_id

    def source(self) -> CatalogSource:
        """The catalog source connector (opened on first use)."""
        if self._source is None:
            recorder = recorder_for(self.source_conn)
            self.checkpoint.buffers.append(recorder)
            self._source = open_source(self.source_conn, recorder)
        return self._source

    def channel(self) -> CatalogChannel:
        """The channel connector (opened on first use)."""
        if self._channel is None:
            if self.channel_conn is None:
                raise SyncError(notice("not_connected", system=ROLES[CATALOG_CHANNEL][0]))
            recorder = recorder_for(self.channel_conn)
            self.checkpoint.buffers.append(recorder)
            self._channel = open_channel(self.channel_conn, recorder)
        return self._channel

    def commit(self) -> None:
        """A commit point: persist, write the call log, renew the lease, report progress."""
        self.checkpoint.commit()

    def close(self) -> None:
        """Flush the call log and close the connectors."""
        self.checkpoint.flush()
        for connector in (self._source, self._channel):
            if connector is not None:
                connector.close()


def open_run(session: Session, engine: Engine, *, account_id: int, dry_run: bool = False,
             run_id: int | None = None, owner: str | None = None, label: str = PIPELINE,
             need_channel: bool = True) -> CatalogRun:
    """Start (or resume, with run_id) a run labelled `label`; takes the account's lease.

    The whole flow needs both connections; a catalog refresh alone (`need_channel=False`) only the source.
    """
    source_conn = connection_for(session, account_id, CATALOG_SOURCE)
    channel_conn = connection_for(session, account_id, CATALOG_CHANNEL)
    if run_id is not None:
        run = session.get(SyncRun, run_id)
        if run is None or run.account_id != account_id:
            raise SyncError(plain(f"run {run_id} not found"))
        if run.status not in runs.LIVE:
            raise SyncError(plain(f"run {run_id} is already {run.status}"))
    else:
        runs.fail_dead_runs(session, account_id=account_id)
        run = runs.start_run(session, account_id=account_id, pipeline=label, dry_run=dry_run)
        session.commit()
    owner = owner or f"run-{run.id}"
    if source_conn is None or (channel_conn is None and need_channel):
        missing = ROLES[CATALOG_SOURCE if source_conn is None else CATALOG_CHANNEL][0]
        runs.finish_run(run, error=notice("not_connected", system=missing))
        session.commit()
        raise SyncError(notice("not_connected", system=missing), run)
    starting = run_id is None or run.status == "queued"  # a queued run takes the lease when it starts
    if starting:  # the lease, or a skip saying why (another run, or the balance spent)
        runs.lease_or_skip(session, engine, run, lease=PIPELINE, owner=owner, busy="already_running")
    if run.status == "queued":
        run.status = "running"
        runs.heartbeat(run)
        session.commit()
    checkpoint = runs.Checkpoint(session=session, engine=engine, run=run, pipeline=PIPELINE, owner=owner)
    return CatalogRun(session=session, checkpoint=checkpoint, source_conn=source_conn, channel_conn=channel_conn)


def refresh_catalog(ctx: CatalogRun) -> ImportCounts:
    """Step 1: read stores, groups and products from the source into the catalog."""
    runs.heartbeat(ctx.run, stage="refresh_catalog", done=0, total=0)
    ctx.commit()
    counts = import_catalog(ctx.session, conn=ctx.source_conn, source=ctx.source(),
                            on_store=lambda done, total: _read_store(ctx, done, total))
    ctx.run.details = {**ctx.run.details, "source": {"stores": counts.stores, "unpaid_stores": counts.unpaid_stores,
                                                     "groups": counts.groups, "products": counts.products}}
    ctx.source_conn.status, ctx.source_conn.last_error = "active", None
    ctx.commit()
    return counts


def refresh_channel(ctx: CatalogRun) -> int:
    """Step 2: read the channel's albums and items into the cache; return the item count."""
    conn = ctx.channel_conn
    assert conn is not None  # the flow opened with both connections
    # The channel's item count is known only page by page: the last read's count is the estimate to show.
    runs.heartbeat(ctx.run, stage="refresh_channel", done=0, total=bindings.cached_item_count(ctx.session, conn))
    total = bindings.refresh_cache(ctx.session, conn, ctx.channel(), on_page=lambda n: _read_page(ctx, n))
    ctx.channel_conn.status, ctx.channel_conn.last_error = "active", None  # type: ignore[union-attr]
    ctx.commit()
    return total


def _read_page(ctx: CatalogRun, count: int) -> None:
    """Count a page of the channel read into the run's progress and commit it (the seller sees N of M)."""
    run = ctx.run
    run.progress_done += count
    run.progress_total = max(run.progress_total, run.progress_done)
    ctx.commit()


def _read_store(ctx: CatalogRun, done: int, total: int) -> None:
    """Commit a store read whole and show "store N of M"."""
    runs.heartbeat(ctx.run, done=done, total=total)
    ctx.commit()


def mirror_catalog(ctx: CatalogRun, *, dry_run: bool = False) -> SyncRun:
    """Step 3: decide every enabled product key against the channel and apply the plan in batches.

    The journal accounts for every product of the source: the decision about each key's item (on the chosen
    product), and why every other product sets none (a copy in another store, or outside the selection).
    """
    session, run, channel = ctx.session, ctx.run, ctx.channel()
    conn = ctx.channel_conn
    assert conn is not None  # channel() raised otherwise
    runs.heartbeat(run, stage="mirror_catalog")
    scope = load_scope(session, ctx.account_id)
    names = _Names.of(session, ctx.source_conn)
    groups = _enabled_groups(session, ctx.source_conn, scope)
    group_names = {(g.store_external_id, g.external_id): g.name for g in groups}
    album_plan = gather.album_actions(session, conn, [g.name[:channel.album_title_max] for g in groups])
    run.progress_total = session.scalar(select(func.count(func.distinct(PRODUCT_KEY))).where(
        Product.connection_id == ctx.source_conn.id)) or 0
    run.progress_done = 0
    book = ctx.checkpoint.journal
    exporter = None if dry_run else Exporter(session, conn, channel, ctx.checkpoint)
    if exporter is None:
        albums = {a.title: a.external_id for a in album_plan if a.external_id and a.op in (Op.SKIP, Op.BIND)}
        _print_plan(ctx, album_plan)
        for album in album_plan:
            if album.op in (Op.CREATE, Op.DELETE):
                book.note(kind=journal.ALBUM, internal_id=album.internal_id or album.title, name=album.title,
                          outcome=journal.OUTCOME_OF[album.op], reason=album.reason, external_id=album.external_id)
    else:
        albums = exporter.apply_albums(album_plan)
    multiplier, real_stock = _pricing(session, ctx.account_id)
    rules = _rules(session, ctx.account_id)
    for keys, products, quantities in _key_chunks(session, ctx.source_conn):
        # Every exact key fetched, not only those DISTINCT returned: a case-insensitive collation (MariaDB's
        # default) folds "AB1" and "ab1" into one DISTINCT row, yet they are two codes.
        choices = {key: choose(group, scope, rules.get(key)) for key, group in products.items()}
        candidates = [_candidate(channel, choice.chosen, rules.get(key), group_names, multiplier,
                                 _real_stock(products[key], quantities, scope) if real_stock else None)
                      for key, choice in choices.items() if choice.chosen is not None]
        _note_the_rest(book, choices, scope, names)  # before the exporter's commits expire these products
        actions = gather.item_actions(session, conn, candidates, albums)
        if exporter is None:
            _tally(run, actions)
            _print_plan(ctx, actions)
            for action in actions:
                book.note(kind=journal.PRODUCT, internal_id=action.candidate.internal_id,
                          name=action.candidate.payload.name, outcome=journal.OUTCOME_OF[action.op],
                          reason=action.reason, external_id=action.external_id or action.bind_to)
        else:
            for action in actions:
                exporter.submit(action)
        run.progress_done += len(keys)
        ctx.commit()  # a commit point per chunk: the journal's rows and the progress show, memory stays flat
    orphans = gather.orphan_actions(session, conn, bindings.orphan_bindings(session, conn, ctx.source_conn))
    if exporter is None:
        run.hidden += len(orphans)
        _print_plan(ctx, orphans)
        for orphan in orphans:
            book.note(kind=journal.ORPHAN, internal_id=orphan.internal_id, name=orphan.name, outcome="hidden",
                      reason=orphan.reason, external_id=orphan.external_id)
    else:
        exporter.hide_orphans(orphans)
        exporter.finish()
    return run


@dataclass(frozen=True)
class _Names:
    """The source's store and group names, for the reasons of products that set no item."""

    stores: dict[str, str]
    groups: dict[tuple[str, str], str]

    @classmethod
    def of(cls, session: Session, conn: Connection) -> _Names:
        stores = {store: name for store, name in session.execute(
            select(Store.external_id, Store.name).where(Store.connection_id == conn.id))}
        groups = {(store, group): name for store, group, name in session.execute(
            select(ProductGroup.store_external_id, ProductGroup.external_id, ProductGroup.name)
            .where(ProductGroup.connection_id == conn.id))}
        return cls(stores, groups)


def _note_the_rest(book: journal.Journal, choices: dict[str, Choice], scope: Scope, names: _Names) -> None:
    """Journal every product that sets no item: copies of a key in other stores, and those outside the selection."""
    for key, choice in choices.items():
        for product in choice.copies:
            assert choice.chosen is not None  # copies exist only beside a chosen product
            book.note(kind=journal.PRODUCT, internal_id=key, name=product.name, outcome=COPY,
                      reason=copy_reason(product, choice.chosen, names.stores))
        for product in choice.outside:
            book.note(kind=journal.PRODUCT, internal_id=key, name=product.name, outcome=UNSELECTED,
                      reason=outside_reason(product, scope, names.stores, names.groups))


def _enabled_groups(session: Session, conn: Connection, scope: Scope) -> list[ProductGroup]:
    """Return the enabled groups, in the order the seller enabled their stores, then by name."""
    groups = session.scalars(select(ProductGroup).where(ProductGroup.connection_id == conn.id)
                             .order_by(ProductGroup.name, ProductGroup.id))
    enabled = [g for g in groups if scope.group_enabled(g.store_external_id, g.external_id)]
    return sorted(enabled, key=lambda g: scope.store_rank(g.store_external_id))


def _key_chunks(session: Session, conn: Connection
                ) -> Iterator[tuple[list[str], dict[str, list[Product]], dict[int, Decimal]]]:
    """Yield the source's product keys, CHUNK at a time, with every product of each key (in any store: the
    seller may publish one product of a store that is off) and each product's quantity at its store."""
    key = PRODUCT_KEY.label("product_key")
    last: str | None = None
    while True:
        query = select(key).where(Product.connection_id == conn.id)
        if last is not None:
            query = query.where(last < PRODUCT_KEY)
        keys = list(session.scalars(query.distinct().order_by(key).limit(CHUNK)))
        if not keys:
            return
        last = keys[-1]
        products: dict[str, list[Product]] = {}
        quantities: dict[int, Decimal] = {}
        for product, quantity in session.execute(
                select(Product, Stock.quantity).outerjoin(Stock, Stock.product_id == Product.id)
                .where(Product.connection_id == conn.id, PRODUCT_KEY.in_(keys)).order_by(Product.id)):
            products.setdefault(product_key(product), []).append(product)
            if quantity is not None:
                quantities[product.id] = quantity
        yield keys, products, quantities


def _real_stock(products: Sequence[Product], quantities: dict[int, Decimal], scope: Scope) -> int:
    """The key's real stock for VK: whole units over the enabled stores, no reserve (stock_levels' rule)."""
    return whole_units(quantities.get(p.id) for p in products if scope.store_enabled(p.store_external_id))


def _candidate(channel: CatalogChannel, chosen: Product, rule: bool | None,
               group_names: dict[tuple[str, str], str], multiplier: Decimal, stock: int | None) -> Candidate:
    """One item per product key, made from the chosen product: its store's price and its group's album;
    `stock` is the key's real stock, or None for the channel's fixed amount.

    A seller's rule wins over the switches: publish it wherever it is, or withhold it (a hidden item).
    """
    group_name = group_names.get((chosen.store_external_id, chosen.group_external_id or ""))
    payload = channel.payload_for(to_record(chosen), group_name=group_name,
                                  price=channel_price(chosen.price, multiplier), stock_amount=stock)
    album = group_name[:channel.album_title_max] if group_name else None
    if rule is False:
        return Candidate(product_key(chosen), replace(payload, hidden=True), album, excluded=True)
    return Candidate(product_key(chosen), payload, album)


def _rules(session: Session, account_id: int) -> dict[str, bool]:
    """Return the seller's per-product rules: product key → publish (True) or withhold (False)."""
    rows = session.execute(select(ProductRule.product_key, ProductRule.publish)
                           .where(ProductRule.account_id == account_id))
    return {key: publish for key, publish in rows}


def _pricing(session: Session, account_id: int) -> tuple[Decimal, bool]:
    """Return the cabinet's price multiplier and whether VK's stock follows the real stock."""
    config = session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))
    if config is None:
        return Decimal("1"), False
    return Decimal(config.price_multiplier), config.vk_stock_mode == VK_STOCK_REAL


def _tally(run: SyncRun, actions: Sequence[Action]) -> None:
    """Count a dry run's decisions as the real run would."""
    for action in actions:
        if action.op is Op.CREATE:
            run.created += 1
        elif action.op is Op.UPDATE:
            run.updated += 1
        elif action.op is Op.HIDE:
            run.hidden += 1
        else:
            run.skipped += 1


def _print_plan(ctx: CatalogRun, actions: Sequence[Action | AlbumAction | OrphanAction]) -> None:
    if ctx.plan_lines is None:
        return
    ctx.plan_lines.extend(line for action in actions if (line := describe(action)) is not None)

