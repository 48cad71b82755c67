"""The operator's switches (one row each) and the last reported state of each circuit breaker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class OpsSwitch(Base):
    """A platform-wide switch such as `read_only`: who turned it which way, and when."""

    __tablename__ = "ops_switches"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BreakerState(Base):
    """A connection's circuit breaker as a process last reported it (`closed`, `open`, `half-open`)."""

    __tablename__ = "breaker_states"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)  # "<system>:<connection>", http.breaker_for
    system: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(16))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
