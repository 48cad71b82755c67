"""The stock flows, per cabinet and marketplace: push_stocks (our stock → the marketplace's FBS warehouse) and
pull_stocks (the marketplace's FBS and FBO stock → market_stocks).

A push lists the marketplace's offers, matches them to our product keys (sync.matching), reads what the
marketplace holds at our warehouse only for items never pushed (what we pushed before is known), asks
stock_plan what to write and hands it to stock_exporter, the only writer, which commits after every batch.
A test-mode run reads everything, prints the plan and writes nothing to any marketplace. Each run is a
`sync_runs` row (pipeline, source = the marketplace); one push and one pull of a cabinet's marketplace at a time
(a lease per pipeline and marketplace), so the marketplaces of one cabinet are pushed side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connections.service import open_stock_channel, recorder_for
from marketsync.connectors.capabilities import StockChannel
from marketsync.connectors.records import FBS
from marketsync.db import utcnow
from marketsync.notices import notice, of_error
from marketsync.settings import get_settings
from marketsync.stocks.models import StockConfig
from marketsync.sync import runs, stock_matcher, stock_state
from marketsync.sync.models import SyncRun
from marketsync.sync.publishing import offered_stocks
from marketsync.sync.stock_exporter import Accepted, Refused
from marketsync.sync.stock_exporter import push_stocks as export_stocks
from marketsync.sync.stock_plan import StockAction, StockItem, decide_stock, describe

PUSH, PULL = "push_stocks", "pull_stocks"


def lease_name(pipeline: str, system: str) -> str:
    """Return the lease one push (or pull) of a cabinet's marketplace holds: `push_stocks:ozon`."""
    return f"{pipeline}:{system}"
DEFAULT_INTERVAL_SECONDS = 6 * 3600  # the stock-sync tool's "every 6 hours"
READ_CHUNK = 1000


@dataclass
class StockReport:
    """What one push did for one marketplace, as the CLI prints it."""

    system: str
    run: SyncRun
    matched: int = 0
    changed: int = 0
    pushed: int = 0
    rejected: int = 0
    unmatched: int = 0
    plan: list[str] = field(default_factory=list)


def stock_config(session: Session, account_id: int, system: str, *, create: bool = False) -> StockConfig:
    """Return a cabinet's stock settings for one marketplace; the defaults, unsaved, when it has none (`create`
    saves them: only a person changing them does, so concurrent tasks never race to insert the same row)."""
    config = session.scalar(select(StockConfig).where(StockConfig.account_id == account_id,
                                                      StockConfig.system == system))
    if config is None:
        config = StockConfig(account_id=account_id, system=system, reserve=0, enabled=True,
                             interval_seconds=DEFAULT_INTERVAL_SECONDS)
        if create:
            session.add(config)
            session.flush()
    return config


@contextmanager
def stock_run(session: Session, engine: Engine, conn: Connection, pipeline: str, *, dry_run: bool = False,
              owner: str | None = None) -> Iterator[tuple[runs.Checkpoint, StockChannel]]:
    """Open a run with the cabinet's stock lease and the marketplace's connector; close both whatever happens."""
    run = runs.start_run(session, account_id=conn.account_id, pipeline=pipeline, dry_run=dry_run, source=conn.system)
    session.commit()
    owner, lease = owner or f"run-{run.id}", lease_name(pipeline, conn.system)
    # One push (or pull) of a cabinet's marketplace at a time: a pull never blocks a push, nor Ozon Wildberries.
    runs.lease_or_skip(session, engine, run, lease=lease, owner=owner, busy="stock_already_running")
    recorder = recorder_for(conn)
    checkpoint = runs.Checkpoint(session=session, engine=engine, run=run, pipeline=lease, owner=owner,
                                 buffers=[recorder])
    channel = open_stock_channel(conn, recorder)
    try:
        yield checkpoint, channel
        runs.finish_run(run)
    except Exception as exc:
        session.rollback()
        runs.finish_run(run, error=of_error(exc))
        raise
    finally:
        session.commit()
        checkpoint.flush()
        channel.close()
        runs.release_lock(engine, pipeline=lease, account_id=conn.account_id, owner=owner)


def refresh_offers(session: Session, conn: Connection, channel: StockChannel, checkpoint: runs.Checkpoint) -> int:
    """List every offer of the marketplace into market_offers, forgetting vanished ones; return how many."""
    seen_at, count = utcnow(), 0
    runs.heartbeat(checkpoint.run, stage="offers", done=0, total=0)
    for page in channel.iter_offers():
        stock_state.save_offers(session, conn, page, seen_at)
        count += len(page)
        runs.heartbeat(checkpoint.run, done=count)
        checkpoint.commit()
    stock_state.forget_unseen_offers(session, conn, seen_at)
    return count


def push_marketplace(session: Session, engine: Engine, conn: Connection, *, full_resync: bool = False,
                     test_mode: bool = False, on_progress: Callable[[SyncRun], None] | None = None) -> StockReport:
    """Push a cabinet's stock to one marketplace (or, in test mode, say what would be pushed). Every stage walks
    the database a chunk at a time, so memory does not grow with the catalog."""
    with stock_run(session, engine, conn, PUSH, dry_run=test_mode) as (checkpoint, channel):
        checkpoint.on_progress = on_progress
        run = checkpoint.run
        report = StockReport(system=conn.system, run=run)
        offers = refresh_offers(session, conn, channel, checkpoint)
        _stage_levels(session, conn, checkpoint)
        report.matched, report.unmatched = stock_matcher.match_connection(session, conn, checkpoint.commit)
        _save_offered(session, conn, checkpoint)
        if not full_resync:
            _read_reported(session, conn, channel, checkpoint)
        stock_total = _plan(session, conn, report, full_resync=full_resync, test_mode=test_mode)
        checkpoint.commit()
        # What the monitor compares between runs: how many offers the marketplace listed, our total offered.
        run.details = {**run.details, "offers": offers, "matched": report.matched, "unmatched": report.unmatched,
                       "stock_total": stock_total}
        run.skipped = report.matched - report.changed
        if test_mode:
            return report
        runs.heartbeat(run, stage="push", done=0, total=report.changed)
        warehouse = str(conn.settings["warehouse_id"]) if conn.settings.get("warehouse_id") else None

        def on_batch(accepted: Accepted, refused: Refused, lost: bool) -> None:
            stock_state.record_accepted(session, conn, accepted, warehouse)
            stock_state.record_refused(session, conn, refused, outcome_lost=lost)
            for key, (code, message) in refused.items():
                runs.note_error(run, notice("stock_refused", system=conn.system, offer=key, code=code,
                                            detail=message))
            checkpoint.commit()

        pending = stock_state.PendingWalk(session, conn)

        def next_batch(size: int) -> list[StockAction]:
            return [_decide(row, full_resync=full_resync) for row in pending.next(size)]

        counts = export_stocks(channel, next_batch, on_batch, batch_cap=get_settings().BATCH_SIZE,
                               on_progress=lambda done: runs.heartbeat(run, done=done))
        run.updated, run.failed = counts.pushed, counts.rejected + counts.unknown
        run.details = {**run.details, "requests": counts.requests}
        report.pushed, report.rejected = counts.pushed, counts.rejected + counts.unknown
        return report


def _stage_levels(session: Session, conn: Connection, checkpoint: runs.Checkpoint) -> None:
    """Copy our stock per product key over the enabled stores (minus the reserve) for matching and planning."""
    reserve = stock_config(session, conn.account_id, conn.system).reserve
    stock_matcher.clear_levels(session, conn)
    for chunk in offered_stocks(session, account_id=conn.account_id, reserve=reserve, chunk=READ_CHUNK):
        stock_matcher.stage_levels(session, conn, chunk)
        checkpoint.commit()


def _save_offered(session: Session, conn: Connection, checkpoint: runs.Checkpoint) -> None:
    """Store what we offer for every matched offer; forget the push state of offers no longer matched."""
    for chunk in stock_state.matched_offers(session, conn, READ_CHUNK):
        offered = stock_state.offered_for(session, conn, (product for _, product in chunk))
        stock_state.save_offered(session, conn, {key: (product, offered.get(product, 0)) for key, product in chunk})
        checkpoint.commit()
    stock_state.forget_unmatched_pushes(session, conn)


def _read_reported(session: Session, conn: Connection, channel: StockChannel, checkpoint: runs.Checkpoint) -> None:
    """Read what the marketplace holds at our warehouse for the items never pushed, keeping it in market_stocks
    and on their push rows (None: no stock record there)."""
    runs.heartbeat(checkpoint.run, stage="read", done=0, total=stock_state.never_pushed_count(session, conn))
    synced_at, done = utcnow(), 0
    for chunk in stock_state.walk_pushes(session, conn, READ_CHUNK, never_pushed=True):
        levels = channel.read_stocks([row[1] for row in chunk])
        stock_state.save_reported(session, conn, levels, synced_at)
        reported = {level.stock_key: level.quantity for level in levels if level.fulfillment == FBS}
        stock_state.set_reported(session, conn, {row[0]: reported.get(row[1]) for row in chunk})
        done += len(chunk)
        runs.heartbeat(checkpoint.run, done=done)
        checkpoint.commit()


def _plan(session: Session, conn: Connection, report: StockReport, *, full_resync: bool, test_mode: bool) -> int:
    """Decide every matched item, marking what this push writes; count the changes; return our total offered."""
    total = 0
    for chunk in stock_state.walk_pushes(session, conn, READ_CHUNK):
        actions = [_decide(row, full_resync=full_resync) for row in chunk]
        stock_state.set_pending(session, {row[0]: action.push for row, action in zip(chunk, actions, strict=True)})
        total += sum(action.item.offered for action in actions)
        report.changed += sum(1 for action in actions if action.push)
        if test_mode:
            report.plan += [describe(action) for action in actions if action.push]
    return total


def _decide(row: stock_state.PushRow, *, full_resync: bool = False) -> StockAction:
    """The decision on one push row; a row handed out for writing is pending, so deciding it again pushes it."""
    _id, key, product, offered, last_pushed, reported, pushed_at = row
    item = StockItem(key, product, offered, last_pushed, None if last_pushed is not None else reported, pushed_at)
    return decide_stock(item, full_resync=full_resync)


def pull_marketplace(session: Session, engine: Engine, conn: Connection,
                     on_progress: Callable[[SyncRun], None] | None = None) -> SyncRun:
    """Read every FBS and FBO stock the marketplace reports into market_stocks; return the run."""
    with stock_run(session, engine, conn, PULL) as (checkpoint, channel):
        checkpoint.on_progress = on_progress
        run, synced_at, count = checkpoint.run, utcnow(), 0
        runs.heartbeat(run, stage="pull", done=0, total=0)
        for page in channel.iter_stocks():
            stock_state.save_reported(session, conn, page, synced_at)
            count += len(page)
            runs.heartbeat(run, done=count)
            checkpoint.commit()
        stock_state.forget_unreported(session, conn, synced_at)
        run.updated = count
        return run
