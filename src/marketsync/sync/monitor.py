"""The stock monitor's rules, pure: from the facts about one cabinet's marketplace (its last two successful
stock pushes, the offers it lists now) decide which alert conditions hold. No I/O: stocks.monitor_service
gathers the facts, keeps the alerts and has them delivered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from marketsync.settings import Settings

STALE, FEW_PRODUCTS, STOCK_JUMP, OFFERS_DROP = "stale", "few_products", "stock_jump", "offers_drop"
KINDS = (STALE, FEW_PRODUCTS, STOCK_JUMP, OFFERS_DROP)
# What each `marketsync monitor` mode checks, and so which alerts it may raise or clear: a mode never clears
# an alert it did not look at.
HEALTH, LAST_SYNC, ANOMALIES = "health", "last_sync", "anomalies"
MODES: dict[str, tuple[str, ...]] = {HEALTH: KINDS, LAST_SYNC: (STALE,), ANOMALIES: (STOCK_JUMP, OFFERS_DROP)}


@dataclass(frozen=True)
class SyncPoint:
    """One successful push as the monitor compares them: when it ended, the offers the marketplace listed
    in it and the total stock we offered (SyncRun.details "offers" and "stock_total")."""

    finished_at: datetime
    offers: int | None = None
    stock_total: int | None = None


@dataclass(frozen=True)
class SourceFacts:
    """What the monitor knows about one cabinet's marketplace."""

    account_id: int
    system: str
    connected_at: datetime
    last: SyncPoint | None = None  # the latest successful push
    previous: SyncPoint | None = None  # the successful push before it
    product_count: int | None = None  # offers listed now (archived ones not counted); None: never listed


@dataclass(frozen=True)
class Thresholds:
    """The limits of a healthy sync (MAX_SYNC_AGE_HOURS, MIN_PRODUCTS_THRESHOLD, ANOMALY_THRESHOLD)."""

    max_age: timedelta
    min_products: int
    anomaly: float

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        """Read the thresholds from the settings."""
        return cls(timedelta(hours=settings.MAX_SYNC_AGE_HOURS), settings.MIN_PRODUCTS_THRESHOLD,
                   settings.ANOMALY_THRESHOLD)


@dataclass(frozen=True)
class Finding:
    """One alert condition that holds, with the figures its message is made of."""

    kind: str
    details: dict[str, Any] = field(default_factory=dict)


def relative_change(before: int, after: int) -> float:
    """Return (after − before) / before; from 0 any rise counts as a whole (+100 % per unit)."""
    return (after - before) / max(before, 1)


def check(facts: SourceFacts, limits: Thresholds, *, now: datetime, kinds: tuple[str, ...] = KINDS) -> list[Finding]:
    """Return the conditions among `kinds` that hold for one marketplace, in the order of KINDS."""
    found = [_stale(facts, limits, now), _few_products(facts, limits), _stock_jump(facts, limits),
             _offers_drop(facts, limits)]
    return [finding for finding in found if finding is not None and finding.kind in kinds]


def _stale(facts: SourceFacts, limits: Thresholds, now: datetime) -> Finding | None:
    hours = limits.max_age.total_seconds() / 3600
    if facts.last is None:
        # A marketplace connected a moment ago has had no chance to sync yet: give it one interval.
        if now - facts.connected_at < limits.max_age:
            return None
        return Finding(STALE, {"age_hours": None, "limit_hours": hours})
    age = now - facts.last.finished_at
    if age <= limits.max_age:
        return None
    return Finding(STALE, {"age_hours": round(age.total_seconds() / 3600, 1), "limit_hours": hours})


def _few_products(facts: SourceFacts, limits: Thresholds) -> Finding | None:
    if facts.product_count is None or facts.product_count >= limits.min_products:
        return None
    return Finding(FEW_PRODUCTS, {"count": facts.product_count, "minimum": limits.min_products})


def _stock_jump(facts: SourceFacts, limits: Thresholds) -> Finding | None:
    before = facts.previous.stock_total if facts.previous else None
    after = facts.last.stock_total if facts.last else None
    if before is None or after is None:
        return None
    change = relative_change(before, after)
    if abs(change) <= limits.anomaly:
        return None
    return Finding(STOCK_JUMP, {"before": before, "after": after, "change": round(change, 4),
                                "threshold": limits.anomaly})


def _offers_drop(facts: SourceFacts, limits: Thresholds) -> Finding | None:
    # Only a fall counts (a seller adding products is no anomaly), and by the same fraction as the stock total.
    # A tenth of a catalog does not leave a marketplace between two syncs hours apart; when the listing shrinks
    # that much it is almost always the marketplace or its API answering part of the list (a lost page, a token
    # that lost a category, an outage answering empty pages), after which our pushes would skip those offers.
    # One setting then tunes both anomalies; a seller who really archives many products gets one alert, which
    # clears at the next sync, once the two last syncs agree.
    before = facts.previous.offers if facts.previous else None
    after = facts.last.offers if facts.last else None
    if not before or after is None:
        return None
    change = relative_change(before, after)
    if -change <= limits.anomaly:
        return None
    return Finding(OFFERS_DROP, {"before": before, "after": after, "change": round(change, 4),
                                 "threshold": limits.anomaly})
