"""The stock monitor's rules, table-driven: when a marketplace's sync is stale, has too few products, or its stock
total or product count jumps between the last two successful syncs; and which checks each mode runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from marketsync.sync.monitor import (
    ANOMALIES,
    FEW_PRODUCTS,
    HEALTH,
    LAST_SYNC,
    MODES,
    OFFERS_DROP,
    STALE,
    STOCK_JUMP,
    SourceFacts,
    SyncPoint,
    Thresholds,
    check,
    relative_change,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LIMITS = Thresholds(max_age=timedelta(hours=8), min_products=10, anomaly=0.1)


def _facts(*, last_hours: float | None = 1, previous: tuple[int, int] | None = (20, 100),
           last: tuple[int, int] = (20, 100), products: int | None = 20, connected_hours: float = 100) -> SourceFacts:
    def point(hours: float, figures: tuple[int, int]) -> SyncPoint:
        return SyncPoint(NOW - timedelta(hours=hours), offers=figures[0], stock_total=figures[1])

    return SourceFacts(account_id=1, system="ozon", connected_at=NOW - timedelta(hours=connected_hours),
                       last=point(last_hours, last) if last_hours is not None else None,
                       previous=point((last_hours or 0) + 6, previous) if previous and last_hours is not None else None,
                       product_count=products)


@pytest.mark.parametrize(("facts", "kinds"), [
    (_facts(), []),
    (_facts(last_hours=8), []),  # exactly the limit is still fresh
    (_facts(last_hours=8.1), [STALE]),
    (_facts(last_hours=None, products=None, connected_hours=2), []),  # connected a moment ago
    (_facts(last_hours=None, products=None, connected_hours=9), [STALE]),
    (_facts(products=9), [FEW_PRODUCTS]),
    (_facts(products=10), []),
    (_facts(products=0), [FEW_PRODUCTS]),
    (_facts(previous=(20, 1000), last=(20, 1100)), []),  # +10 % is not more than 10 %
    (_facts(previous=(20, 1000), last=(20, 1101)), [STOCK_JUMP]),
    (_facts(previous=(20, 1000), last=(20, 899)), [STOCK_JUMP]),
    (_facts(previous=(20, 0), last=(20, 0)), []),
    (_facts(previous=(20, 0), last=(20, 3)), [STOCK_JUMP]),  # stock out of nowhere
    (_facts(previous=(100, 100), last=(90, 100)), []),
    (_facts(previous=(100, 100), last=(89, 100)), [OFFERS_DROP]),
    (_facts(previous=(100, 100), last=(500, 100)), []),  # more products is no anomaly
    (_facts(previous=(0, 100), last=(0, 100), products=0), [FEW_PRODUCTS]),
    (_facts(previous=None), []),  # one sync: nothing to compare
    (_facts(last_hours=20, previous=(100, 10), last=(50, 100), products=3), [STALE, FEW_PRODUCTS, STOCK_JUMP,
                                                                              OFFERS_DROP]),
])
def test_conditions(facts: SourceFacts, kinds: list[str]) -> None:
    assert [finding.kind for finding in check(facts, LIMITS, now=NOW)] == kinds


def test_findings_carry_the_figures_of_their_messages() -> None:
    stale, few, jump, drop = check(_facts(last_hours=9.25, previous=(100, 400), last=(80, 500), products=4),
                                   LIMITS, now=NOW)
    assert stale.details == {"age_hours": 9.2, "limit_hours": 8.0}
    assert few.details == {"count": 4, "minimum": 10}
    assert jump.details == {"before": 400, "after": 500, "change": 0.25, "threshold": 0.1}
    assert drop.details == {"before": 100, "after": 80, "change": -0.2, "threshold": 0.1}


@pytest.mark.parametrize(("mode", "kinds"), [
    (HEALTH, [STALE, FEW_PRODUCTS, STOCK_JUMP, OFFERS_DROP]),
    (LAST_SYNC, [STALE]),
    (ANOMALIES, [STOCK_JUMP, OFFERS_DROP]),
])
def test_each_mode_runs_its_own_checks(mode: str, kinds: list[str]) -> None:
    facts = _facts(last_hours=20, previous=(100, 10), last=(50, 100), products=3)
    assert [finding.kind for finding in check(facts, LIMITS, now=NOW, kinds=MODES[mode])] == kinds


@pytest.mark.parametrize(("before", "after", "change"), [(100, 110, 0.1), (100, 50, -0.5), (0, 2, 2.0), (0, 0, 0.0)])
def test_relative_change(before: int, after: int, change: float) -> None:
    assert relative_change(before, after) == pytest.approx(change)
