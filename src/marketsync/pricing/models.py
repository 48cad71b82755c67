"""A cabinet's markup per channel (ozon, wb, ym, or one feed as feed:<name>)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class PriceRule(Base):
    """The markup one channel applies to the catalog price; no row, the channel gets the catalog price."""

    __tablename__ = "price_rules"
    __table_args__ = (UniqueConstraint("account_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(64))
    percent: Mapped[Decimal] = mapped_column(Numeric(8, 2), default=Decimal("0"))
    add: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    rounding: Mapped[str] = mapped_column(String(8), default="none")  # none | 1 | 10 | 99 (pricing/rules.py)
    min_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
