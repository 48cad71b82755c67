"""A connector's declared budget becomes rates pyrate-limiter accepts, and a meaningless one is refused."""

from __future__ import annotations

from typing import Any

import pytest
from pyrate_limiter import Duration, Rate, validate_rate_list

from marketsync.http import Budget


@pytest.mark.parametrize(("budget", "rates"), [
    (Budget(per_second=10, per_minute=100), [Rate(10, Duration.SECOND), Rate(100, Duration.MINUTE)]),
    (Budget(per_second=10, per_minute=5), [Rate(5, Duration.MINUTE)]),  # the minute is the tighter one
    (Budget(per_second=1, per_minute=600), [Rate(1, Duration.SECOND)]),  # 600 a minute is out of reach
    (Budget(per_minute=20), [Rate(20, Duration.MINUTE)]),
    # WB content: 100 a minute, a burst of 5, one more every 600 ms: 5 per 3,150 ms already keeps under 100/min.
    (Budget(per_minute=100, window=(5, 3150)), [Rate(5, 3150)]),
    # A window longer than the second with more requests and a lower rate: both bind.
    (Budget(per_second=10, window=(30, 5000)), [Rate(10, Duration.SECOND), Rate(30, 5000)]),
])
def test_a_budget_keeps_only_the_windows_that_bind(budget: Budget, rates: list[Rate]) -> None:
    got = budget.rates()
    assert [(r.limit, r.interval) for r in got] == [(r.limit, r.interval) for r in rates]
    assert validate_rate_list(got)


@pytest.mark.parametrize("limits", [{}, {"per_second": 0}, {"per_minute": -1}, {"window": (5, 0)}])
def test_a_budget_without_a_positive_limit_is_refused(limits: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Budget(**limits)


@pytest.mark.parametrize(("budget", "rates"), [
    (Budget(interval_ms=2000), [Rate(1, 2000)]),
    (Budget(per_minute=20, interval_ms=2000), [Rate(1, 2000), Rate(20, Duration.MINUTE)]),  # 20 < 30 a minute
    (Budget(per_minute=60, interval_ms=2000), [Rate(1, 2000)]),  # the interval already allows only 30
    (Budget(per_second=3, interval_ms=500), [Rate(1, 500)]),
])
def test_an_interval_is_one_request_per_window_and_keeps_only_tighter_windows(budget: Budget,
                                                                                rates: list[Rate]) -> None:
    got = budget.rates()
    assert [(r.limit, r.interval) for r in got] == [(r.limit, r.interval) for r in rates]
    assert validate_rate_list(got)
