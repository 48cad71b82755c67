"""Moscow time for what sellers see: Wildberries speaks it, we store UTC and show it (UTC+3 all year since 2014)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3), "MSK")


def to_msk(at: datetime) -> datetime:
    """Return an aware UTC (or naive UTC) time in Moscow time."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(MSK)


def day_bounds(at: datetime) -> tuple[datetime, datetime]:
    """Return the UTC start and end of the Moscow day `at` falls on."""
    day = to_msk(at).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.astimezone(UTC), (day + timedelta(days=1)).astimezone(UTC)
