"""One row per user the bridge mirrors into Casdoor: what Casdoor should hold (desired), the version of that wish
and the last version Casdoor confirmed, and how the last attempts went. A row whose synced_version is below its
version is behind; beat re-sends it, so nothing is lost across restarts or while Casdoor is away."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class CasdoorMirror(Base):
    """The Casdoor mirror of one user (the name in Casdoor is derived from our id: see mirror.casdoor_name)."""

    __tablename__ = "casdoor_mirrors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # The profile columns Casdoor should hold ({"displayName": …, "email": …}); the balance apart, since it comes
    # from the ledger's hook and may change without the profile.
    desired: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    balance: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # "balance", or "score" once this Casdoor refused a balance write (older versions have no balance column).
    balance_field: Mapped[str] = mapped_column(String(8), default="balance")
    version: Mapped[int] = mapped_column(Integer, default=1)
    synced_version: Mapped[int] = mapped_column(Integer, default=0, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # While set and in the future, one sender owns this row: two senders of one user would race, and the slower
    # one could leave an older balance in Casdoor after the newer one was confirmed.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
