"""The moderation's data: each cabinet's rule settings, one verdict per canonical product (with why, by whom and
on which content), and what was measured of each picture URL (shared: a public URL's picture is the same for
everyone)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class ModerationSettings(Base):
    """A cabinet's moderation rules: forbidden words, the price range, the rules switched off, the channels."""

    __tablename__ = "moderation_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    forbidden_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    # Rule keys (rules.RULES) switched off; a rule added later is on until the seller switches it off.
    disabled_rules: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The marketplaces products are headed for (ozon, wb, ym): the title and photo rules check these.
    channels: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["ozon", "wb", "ym"])
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationVerdict(Base):
    """The verdict on one product: approve | reject | pending, its reasons, who judged and on which content.

    `reasons` are [{"rule", "key", "params"}]: a rule's hit (messages.py says it in words), the model's reason
    ({"rule": "model", "key": "model_reason", "params": {"text"}}) or a person's. A verdict whose content_hash
    (or, for rules and the model, rules_hash) no longer matches is stale: the product is judged again."""

    __tablename__ = "moderation_verdicts"
    __table_args__ = (
        UniqueConstraint("product_id"),
        Index("ix_moderation_verdicts_account_verdict", "account_id", "verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("hub_products.id", ondelete="CASCADE"))
    verdict: Mapped[str] = mapped_column(String(16))  # approve | reject | pending
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16))  # rule | model | manual
    content_hash: Mapped[str] = mapped_column(String(64))
    rules_hash: Mapped[str] = mapped_column(String(64), default="")
    judged_by: Mapped[str] = mapped_column(String(255))  # "rules", "model <name>" or the person's e-mail
    judged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the model gave no verdict this time (unreachable, a broken answer): the rules' verdict stood.
    model_error: Mapped[str | None] = mapped_column(String(1000))
    # A description the model wrote from the attributes, waiting for a person to accept it.
    suggested_description: Mapped[str | None] = mapped_column(Text)


class PictureCheck(Base):
    """A picture URL as last downloaded: its size and format, or why it could not be read."""

    __tablename__ = "moderation_pictures"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the URL: URLs are too long to index
    url: Mapped[str] = mapped_column(String(2000))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    format: Mapped[str | None] = mapped_column(String(16))
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    error_key: Mapped[str | None] = mapped_column(String(64))  # picture_missing, not_a_picture, unavailable...
    error: Mapped[str | None] = mapped_column(String(255))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
