"""One row per (marketplace connection, hub product): what the marketplace last accepted of the product's card and
price, and what is in flight. The row is written before a card leaves, so a crash after the marketplace accepted
it is found again (by the card's sku) instead of making a second card."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class CardPublication(Base):
    """A hub product's card on one marketplace connection."""

    __tablename__ = "card_publications"
    __table_args__ = (
        UniqueConstraint("connection_id", "product_id"),
        Index("ix_card_publications_account_channel", "account_id", "channel", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # ozon | wb | ym
    sku: Mapped[str] = mapped_column(String(128))
    # in_flight: sent, the marketplace's verdict not read yet; accepted; refused (errors say why).
    state: Mapped[str] = mapped_column(String(16), default="in_flight")
    remote_id: Mapped[str | None] = mapped_column(String(128))  # Ozon product_id, WB nmID, YM offerId
    sent_hash: Mapped[str | None] = mapped_column(String(64))  # the card in flight
    accepted_hash: Mapped[str | None] = mapped_column(String(64))  # the card the marketplace last accepted
    pictures_hash: Mapped[str | None] = mapped_column(String(64))  # the pictures it last accepted with the card
    task_id: Mapped[str | None] = mapped_column(String(64))  # Ozon's import task of the card in flight
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The price: the last one the marketplace accepted, its state (accepted | refused | quarantined) and message,
    # and when it changed (Ozon takes at most 10 changes of a product's price an hour).
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_state: Mapped[str | None] = mapped_column(String(16))
    price_error: Mapped[str | None] = mapped_column(String(500))
    price_changes: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO times of the last changes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
