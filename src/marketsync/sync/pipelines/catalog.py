"""The Evotor → VK Market flow: refresh_catalog → refresh_channel → mirror_catalog, one run per account.

Each step is a plain function over a CatalogRun (session, run, connections, connectors); the Celery tasks
call one step each and the CLI calls `sync_catalog`, which runs all three in this process. The run holds
the per-account lease from the first step to the last, renewed at every commit point.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.catalog.models import Product, ProductGroup
from marketsync.catalog.service import to_record
from marketsync.connections.api_log import ApiLogRecorder
from marketsync.connections.models import Connection
from marketsync.connections.service import get_connection, open_connector, recorder_for
from marketsync.connectors.records import RemoteAlbum
from marketsync.db import utcnow
from marketsync.http import OutcomeUnknownError
from marketsync.settings import get_settings
from marketsync.sync import bindings, runs
from marketsync.sync.exporter import Exporter, ExportHooks
from marketsync.sync.filters import Scope, load_scope
from marketsync.sync.importer import ImportCounts, import_catalog
from marketsync.sync.models import SyncConfig, SyncRun
from marketsync.sync.plan import Action, Candidate, Op, decide, decide_orphan

log = logging.getLogger(__name__)
PIPELINE = "catalog"
CHUNK = 500


class SyncError(RuntimeError):
    """A run cannot go on; the message is shown to the seller (and recorded on `run` when there is one)."""

    def __init__(self, message: str, run: SyncRun | None = None) -> None:
        super().__init__(message)
        self.run = run


@dataclass
class CatalogRun:
    """Everything one run of the flow carries between its steps."""

    session: Session
    engine: Engine
    run: SyncRun
    owner: str
    source_conn: Connection
    channel_conn: Connection
    on_progress: Callable[[SyncRun], None] | None = None
    plan_lines: list[str] | None = None
    recorders: list[ApiLogRecorder] = field(default_factory=list)
    _source: Any = None
    _channel: Any = None

    @property
    def account_id(self) -> int:
        """The tenant of this run."""
        return self.run.account_id

    def source(self) -> Any:
        """The catalog source connector (opened on first use)."""
        if self._source is None:
            recorder = recorder_for(self.source_conn)
            self.recorders.append(recorder)
            self._source = open_connector(self.source_conn, recorder)
        return self._source

    def channel(self) -> Any:
        """The channel connector (opened on first use)."""
        if self._channel is None:
            recorder = recorder_for(self.channel_conn)
            self.recorders.append(recorder)
            self._channel = open_connector(self.channel_conn, recorder)
        return self._channel

    def commit(self) -> None:
        """A commit point: persist, write the call log, renew the lease, report progress."""
        runs.heartbeat(self.run)
        self.session.commit()
        for recorder in self.recorders:
            recorder.flush()
        if not runs.renew_lock(self.engine, pipeline=PIPELINE, account_id=self.account_id, owner=self.owner):
            raise SyncError("another run took over this account's lock")
        if self.on_progress:
            self.on_progress(self.run)

    def close(self) -> None:
        """Flush the call log and close the connectors."""
        for recorder in self.recorders:
            recorder.flush()
        for connector in (self._source, self._channel):
            if connector is not None:
                connector.close()


def open_run(session: Session, engine: Engine, *, account_id: int, dry_run: bool = False,
             run_id: int | None = None, owner: str | None = None, label: str = PIPELINE,
             need_channel: bool = True) -> CatalogRun:
    """Start (or resume, with run_id) a run labelled `label`; takes the account's lease.

    The whole flow needs both connections; a catalog refresh alone (`need_channel=False`) only the source.
    """
    source_conn = get_connection(session, account_id, "evotor")
    channel_conn = get_connection(session, account_id, "vk")
    if run_id is not None:
        run = session.get(SyncRun, run_id)
        if run is None or run.account_id != account_id:
            raise SyncError(f"run {run_id} not found")
    else:
        runs.fail_dead_runs(session, account_id=account_id)
        run = runs.start_run(session, account_id=account_id, pipeline=label, dry_run=dry_run)
        session.commit()
    owner = owner or f"run-{run.id}"
    if source_conn is None or (channel_conn is None and need_channel):
        missing = "Evotor" if source_conn is None else "VK"
        runs.finish_run(run, error=f"{missing} is not connected: connect it on the connections page first")
        session.commit()
        raise SyncError(run.error or "", run)
    if run_id is None and not runs.acquire_lock(engine, pipeline=PIPELINE, account_id=account_id, owner=owner):
        runs.finish_run(run, error="another sync of this account is still running")
        run.status = "skipped"
        session.commit()
        raise SyncError(run.error or "", run)
    return CatalogRun(session=session, engine=engine, run=run, owner=owner, source_conn=source_conn,
                      channel_conn=channel_conn)  # type: ignore[arg-type]  # None only when not needed


def refresh_catalog(ctx: CatalogRun) -> ImportCounts:
    """Step 1: read stores, groups and products from the source into the catalog."""
    runs.heartbeat(ctx.run, stage="refresh_catalog")
    ctx.commit()
    counts = import_catalog(ctx.session, conn=ctx.source_conn, source=ctx.source())
    ctx.run.details = {**ctx.run.details, "source": {"stores": counts.stores, "unpaid_stores": counts.unpaid_stores,
                                                     "groups": counts.groups, "products": counts.products}}
    ctx.source_conn.status, ctx.source_conn.last_error = "active", None
    ctx.commit()
    return counts


def refresh_channel(ctx: CatalogRun) -> int:
    """Step 2: read the channel's albums and items into the cache; return the item count."""
    runs.heartbeat(ctx.run, stage="refresh_channel")
    started = utcnow()
    channel = ctx.channel()
    bindings.store_albums(ctx.session, ctx.channel_conn, channel.list_albums(), started)
    bindings.drop_stale(ctx.session, ctx.channel_conn, bindings.ALBUM, started)
    total = 0
    for page in channel.iter_items():
        bindings.store_items(ctx.session, ctx.channel_conn, page, started)
        total += len(page)
    bindings.drop_stale(ctx.session, ctx.channel_conn, bindings.ITEM, started)
    ctx.channel_conn.status, ctx.channel_conn.last_error = "active", None
    ctx.commit()
    return total


def _multiplier(session: Session, account_id: int) -> Decimal:
    config = session.scalar(select(SyncConfig).where(SyncConfig.account_id == account_id))
    return Decimal(config.price_multiplier) if config else Decimal("1")


def _enabled_groups(session: Session, conn: Connection, scope: Scope) -> list[ProductGroup]:
    groups = session.scalars(select(ProductGroup).where(ProductGroup.connection_id == conn.id)
                             .order_by(ProductGroup.store_external_id, ProductGroup.name, ProductGroup.id))
    return [g for g in groups if scope.group_enabled(g.store_external_id, g.external_id)]


def _eligible_chunks(session: Session, conn: Connection, groups: list[ProductGroup]) -> Iterator[list[Product]]:
    keys = {(g.store_external_id, g.external_id) for g in groups}
    group_ids = sorted({g.external_id for g in groups})
    last_id = 0
    while group_ids:
        rows = list(session.scalars(select(Product).where(
            Product.connection_id == conn.id, Product.group_external_id.in_(group_ids), Product.id > last_id)
            .order_by(Product.id).limit(CHUNK)))
        if not rows:
            return
        last_id = rows[-1].id
        yield [p for p in rows if (p.store_external_id, p.group_external_id) in keys]


def _ensure_albums(ctx: CatalogRun, groups: list[ProductGroup], dry_run: bool) -> dict[str, str]:
    """Bind or create one album per enabled group; return group row id → album id."""
    conn, session = ctx.channel_conn, ctx.session
    albums: dict[str, str] = {}
    for attempt in range(get_settings().HTTP_MAX_ATTEMPTS):
        cached = bindings.cached_albums(session, conn)
        by_title: dict[str, str] = {}
        for album_id, title in sorted(cached.items()):
            by_title.setdefault(title, album_id)
        taken = bindings.bound_external_ids(session, conn, bindings.ALBUM, cached)
        bound_albums = bindings.bindings_for(session, conn, bindings.ALBUM, [str(g.id) for g in groups])
        missing: list[ProductGroup] = []
        for group in groups:
            key = str(group.id)
            bound = bound_albums.get(key)
            if bound and bound.external_id in cached:
                albums[key] = bound.external_id
            elif (found := by_title.get(group.name[:128])) and found not in taken:
                bindings.bind(session, conn, bindings.ALBUM, key, found, None)
                taken.add(found)
                albums[key] = found
            else:
                missing.append(group)
        if dry_run or not missing:
            for group in missing:
                _plan_line(ctx, f"create album «{group.name}»")
            return albums
        try:
            for start in range(0, len(missing), ctx.channel().batch_size):
                batch = missing[start:start + ctx.channel().batch_size]
                for group, result in zip(batch, ctx.channel().add_albums([g.name for g in batch]), strict=True):
                    if result.ok and result.external_id:
                        bindings.bind(session, conn, bindings.ALBUM, str(group.id), result.external_id, None)
                        bindings.store_albums(session, conn, [RemoteAlbum(result.external_id, group.name)],
                                              utcnow())
                        albums[str(group.id)] = result.external_id
                    else:
                        ctx.run.failed += 1
                        runs.note_error(ctx.run, f"album «{group.name}»: {result.error}")
                ctx.commit()
            return albums
        except OutcomeUnknownError:
            log.info("album creation outcome unknown (attempt %d); reading albums again", attempt + 1)
            bindings.store_albums(session, conn, ctx.channel().list_albums(), utcnow())
    raise SyncError("VK kept losing answers while creating albums")


def _plan_line(ctx: CatalogRun, line: str) -> None:
    if ctx.plan_lines is not None:
        ctx.plan_lines.append(line)


def _decide(ctx: CatalogRun, candidates: Sequence[Candidate], albums: dict[str, str]) -> list[Action]:
    session, conn = ctx.session, ctx.channel_conn
    bound = bindings.bindings_for(session, conn, bindings.ITEM, [c.internal_id for c in candidates])
    channel = bindings.channel_by_ids(session, conn, [b.external_id for b in bound.values()])
    unbound_skus = [c.payload.sku for c in candidates if c.internal_id not in bound]
    by_sku = bindings.channel_by_skus(session, conn, unbound_skus)
    taken = bindings.bound_external_ids(session, conn, bindings.ITEM, [s.external_id for s in by_sku.values()])
    return decide(candidates, bindings=bound, channel=channel, by_sku=by_sku, taken=taken, albums=albums).actions


def _photo_provider(ctx: CatalogRun) -> Callable[[], str | None]:
    cache: dict[str, str | None] = {}

    def photo_id() -> str | None:
        if "id" in cache:
            return cache["id"]
        path = Path(get_settings().VK_DEFAULT_PHOTO_PATH)
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        bound = bindings.bindings_for(ctx.session, ctx.channel_conn, bindings.PHOTO, [digest]).get(digest)
        if bound is None:
            photo = ctx.channel().upload_photo(content, path.name)
            bindings.bind(ctx.session, ctx.channel_conn, bindings.PHOTO, digest, photo, digest)
            ctx.commit()
            cache["id"] = photo
        else:
            cache["id"] = bound.external_id
        return cache["id"]

    return photo_id


def mirror_catalog(ctx: CatalogRun, *, dry_run: bool = False) -> SyncRun:
    """Step 3: decide every enabled product against the channel and apply the plan in batches."""
    session, run = ctx.session, ctx.run
    runs.heartbeat(run, stage="mirror_catalog")
    scope = load_scope(session, ctx.account_id)
    groups = _enabled_groups(session, ctx.source_conn, scope)
    by_key = {(g.store_external_id, g.external_id): g for g in groups}
    run.progress_total = session.scalar(select(func.count()).select_from(Product).where(
        Product.connection_id == ctx.source_conn.id,
        Product.group_external_id.in_([g.external_id for g in groups]))) or 0
    run.progress_done = 0
    albums = _ensure_albums(ctx, groups, dry_run)
    multiplier = _multiplier(session, ctx.account_id)
    channel = ctx.channel()

    def reread() -> None:
        refresh_channel(ctx)
        runs.heartbeat(run, stage="mirror_catalog")

    def redecide(cands: Sequence[Candidate]) -> list[Action]:
        return _decide(ctx, cands, albums)

    exporter = Exporter(session, ctx.channel_conn, channel, run, ExportHooks(
        commit=ctx.commit, photo_id=_photo_provider(ctx), reread=reread, redecide=redecide))
    for chunk in _eligible_chunks(session, ctx.source_conn, groups):
        candidates = []
        for product in chunk:
            group = by_key[(product.store_external_id, product.group_external_id or "")]
            payload = channel.payload_for(to_record(product), group_name=group.name, multiplier=multiplier)
            candidates.append(Candidate(str(product.id), payload, str(group.id)))
        for action in _decide(ctx, candidates, albums):
            if dry_run:
                _count_dry(ctx, action)
            else:
                exporter.submit(action)
        run.progress_done += len(chunk)
        if dry_run:
            runs.heartbeat(run)
    _hide_orphans(ctx, exporter, dry_run)
    if not dry_run:
        exporter.finish()
    return run


def _count_dry(ctx: CatalogRun, action: Action) -> None:
    run = ctx.run
    name = action.candidate.payload.name
    if action.op is Op.CREATE:
        run.created += 1
    elif action.op is Op.UPDATE:
        run.updated += 1
    elif action.op is Op.HIDE:
        run.hidden += 1
    else:
        run.skipped += 1
        return
    _plan_line(ctx, f"{action.op.value} «{name}» ({action.reason})")


def _hide_orphans(ctx: CatalogRun, exporter: Exporter, dry_run: bool) -> None:
    orphans = bindings.orphan_bindings(ctx.session, ctx.channel_conn, ctx.account_id)
    channel = bindings.channel_by_ids(ctx.session, ctx.channel_conn, [o.external_id for o in orphans])
    to_hide = [o.external_id for o in orphans if decide_orphan(o, channel)]
    if dry_run:
        ctx.run.hidden += len(to_hide)
        for item in to_hide:
            _plan_line(ctx, f"hide VK item {item} (its product left Evotor)")
        return
    batch = exporter.channel.batch_size
    for start in range(0, len(to_hide), batch):
        ids = to_hide[start:start + batch]
        try:
            results = exporter.channel.hide_items(ids)
        except OutcomeUnknownError as exc:  # hiding twice is harmless: the next run re-reads and decides again
            runs.note_error(ctx.run, f"hiding {len(ids)} item(s): {exc}")
            continue
        for item_id, result in zip(ids, results, strict=True):
            if result.ok:
                bindings.mark_hidden(ctx.session, ctx.channel_conn, item_id)
                ctx.run.hidden += 1
            else:
                ctx.run.failed += 1
                runs.note_error(ctx.run, f"hide item {item_id}: {result.error}")
        ctx.commit()
