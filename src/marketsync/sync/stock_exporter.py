"""Write a stock plan to a marketplace: the stock pipeline's only writer.

Updates go out in the marketplace's maximal batch (BATCH_SIZE only caps it lower). Each result is recorded
at once through `on_batch` (a commit point): accepted amounts become the new "last pushed", per-item
refusals are kept with the marketplace's code and message and retried by the next run. A batch whose answer
was lost (a timeout, a 5xx after the write was sent) is never resent blindly: the exporter re-reads those
keys, counts what had landed as accepted and resends only what still differs, a bounded number of times;
what stays unknown forgets its last pushed amount, so the next run trusts only the marketplace's report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from marketsync.connectors.capabilities import StockChannel
from marketsync.connectors.errors import RateLimited, ReadOnlyError, TransientError
from marketsync.connectors.records import StockUpdate
from marketsync.db import utcnow
from marketsync.sync.stock_plan import StockAction

RECONCILE_ROUNDS = 2
LOST = "outcome_unknown"
RATE_LIMITED = "rate_limited"

Accepted = dict[str, tuple[str, int]]  # stock key → (product key, amount)
Refused = dict[str, tuple[str, str]]  # stock key → (code, message)
BatchSink = Callable[[Accepted, Refused, bool], None]  # (accepted, refused, outcome lost) at a commit point
BatchSource = Callable[[int], list[StockAction]]  # up to n actions still to send; [] when none is left


@dataclass
class PushCounts:
    """What one push did: requests sent, items accepted, refused by the marketplace, and left unknown."""

    requests: int = 0
    pushed: int = 0
    rejected: int = 0
    unknown: int = 0


def batch_limit(channel: StockChannel, cap: int | None) -> int:
    """Return the batch size to use: the API's documented maximum, or BATCH_SIZE when lower."""
    return min(channel.batch_size, cap) if cap else channel.batch_size


def push_stocks(channel: StockChannel, next_batch: BatchSource, on_batch: BatchSink, *,
                batch_cap: int | None = None, on_progress: Callable[[int], None] | None = None,
                sleep: Callable[[float], None] = time.sleep) -> PushCounts:
    """Send the push actions `next_batch` hands out, a maximal batch at a time (it answers up to the size asked,
    keys pushed longest ago first so a batch rarely waits for the API's per-key interval, and nothing when
    done), and report each batch's outcome through `on_batch`."""
    size = batch_limit(channel, batch_cap)
    counts, done = PushCounts(), 0
    while batch := [action for action in next_batch(size) if action.push]:
        wait = _interval_left(channel, batch)
        if wait > 0:  # the API refuses a key updated too recently: a limit is waited for, never exceeded
            sleep(wait)
        products = {action.item.stock_key: action.item.product_key for action in batch}
        _send(channel, [action.update() for action in batch], products, on_batch, counts)
        done += len(batch)
        if on_progress:
            on_progress(done)
    return counts


def _interval_left(channel: StockChannel, batch: Sequence[StockAction]) -> float:
    """Seconds until every key of the batch may be updated again (0 when the API has no such rule)."""
    interval = channel.update_interval_seconds
    last = max((a.item.pushed_at for a in batch if a.item.pushed_at is not None), default=None)
    if not interval or last is None:
        return 0.0
    return max(0.0, interval - (utcnow() - last).total_seconds())


def _send(channel: StockChannel, updates: list[StockUpdate], products: dict[str, str], on_batch: BatchSink,
          counts: PushCounts) -> None:
    pending = updates
    for _round in range(RECONCILE_ROUNDS + 1):
        counts.requests += 1
        try:
            results = channel.update_stocks(pending)
        except ReadOnlyError:  # the operator stopped every write: the whole push stops, nothing was sent
            raise
        except RateLimited as exc:  # asked to wait longer than we may: nothing was written
            refused = {u.stock_key: (RATE_LIMITED, exc.message) for u in pending}
            counts.rejected += len(refused)
            on_batch({}, refused, False)
            return
        except TransientError:
            pending = _reconcile(channel, pending, products, on_batch, counts)
            if not pending:
                return
            continue
        accepted = {u.stock_key: (products[u.stock_key], u.amount) for u, r in zip(pending, results, strict=True)
                    if r.ok}
        refused = {u.stock_key: (str(r.code or "refused"), r.error or "refused")
                   for u, r in zip(pending, results, strict=True) if not r.ok}
        counts.pushed += len(accepted)
        counts.rejected += len(refused)
        on_batch(accepted, refused, False)
        return
    counts.unknown += len(pending)
    on_batch({}, {u.stock_key: (LOST, "the marketplace's answer was lost; re-read next run") for u in pending}, True)


def _reconcile(channel: StockChannel, sent: list[StockUpdate], products: dict[str, str], on_batch: BatchSink,
               counts: PushCounts) -> list[StockUpdate]:
    """Re-read what a lost write touched; record what landed and return what must be sent again."""
    try:
        reported = {level.stock_key: level.quantity for level in channel.read_stocks([u.stock_key for u in sent])}
    except TransientError:
        return sent  # still blind: the next round resends, the last one gives up as unknown
    landed = {u.stock_key: (products[u.stock_key], u.amount) for u in sent if reported.get(u.stock_key) == u.amount}
    if landed:
        counts.pushed += len(landed)
        on_batch(landed, {}, False)
    return [u for u in sent if u.stock_key not in landed]
