"""The cabinet's YML feeds: what each holds (options), where its file is, and how its last build went."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketsync.db import Base, UTCDateTime, utcnow


class Feed(Base):
    """One YML feed, served at {BASE_URL}/feeds/{token}/{name}.yml with no login.

    The token is a secret: the URL finds the feed by the token's sha256 (token_hash), and the page shows the URL
    from an encrypted copy (token_encrypted, re-encrypted by `marketsync keys rotate`)."""

    __tablename__ = "feeds"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_encrypted: Mapped[str] = mapped_column(String(500))
    # Options. The markup of this channel's price rule (ozon, wb, ym, feed:<name>; None: the feed's own rule,
    # feed:<its name>, and without that rule the catalog price); the categories held (None: all, with their
    # subcategories); only products in stock.
    price_channel: Mapped[str | None] = mapped_column(String(64))
    category_ids: Mapped[list[int] | None] = mapped_column(JSON)
    in_stock_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # The last build: when, how many offers, the file's sha256, and the stamp of what it was built from (the
    # products, categories, options and markup): the same stamp on the next tick means nothing to rebuild.
    last_built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offers_count: Mapped[int | None] = mapped_column(Integer)
    last_hash: Mapped[str | None] = mapped_column(String(64))
    source_stamp: Mapped[str | None] = mapped_column(String(64))
    # Why the last build failed (the last good file is still served); None after a good build.
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_path: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
