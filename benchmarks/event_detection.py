"""Event detection at scale: a cabinet with N stored orders (default 1,000,000; and a tenth as many sales), then
syncs through pull_events as beat runs them, each bringing what three minutes of a busy seller bring: 300 orders
changed (200 new, 60 of them cancelled known ones, 40 known unchanged, the page boundary repeating), 100 sales,
30 reviews, 2,000 sizes' stocks at 3 warehouses each (a few falling to the critical threshold), two subscribers.

Detection looks up only the ids of each page through the unique (account, source, id) index, so the time per
sync should not grow with N. Prints the time to seed, then per sync: wall time, events found, outbox rows, and
the same at N/100 for comparison. The feed is served in this process (no HTTP: this measures the database side).

Options: --orders N, --syncs K (default 3), --database-url URL (a scratch database: its tables are dropped and
created again; SQLite in a temporary folder by default).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pydantic import BaseModel

from marketsync.connectors.records import (
    BUYOUT,
    CheckResult,
    MarketOrder,
    MarketReview,
    MarketSale,
    ProductCard,
    SizeStock,
)

SEED_CHUNK = 10_000
NOW = datetime.now(UTC)
_counter = itertools.count()


class BenchCredentials(BaseModel):
    """The token (unused)."""

    token: str


class BenchFeed:
    """An EventFeed serving one sync's worth of changes (set on the class before each sync)."""

    system = "wildberries"
    orders: ClassVar[list[MarketOrder]] = []
    sales: ClassVar[list[MarketSale]] = []
    reviews: ClassVar[list[MarketReview]] = []
    stocks: ClassVar[list[SizeStock]] = []
    cards: ClassVar[list[ProductCard]] = []

    def __init__(self, credentials: BenchCredentials, **_options: Any) -> None:
        self.token = credentials.token

    def check(self) -> CheckResult:
        """Always fine."""
        return CheckResult(ok=True, message="bench")

    @staticmethod
    def _pages(rows: list[Any], size: int = 1000) -> Iterator[list[Any]]:
        for start in range(0, len(rows), size):
            yield rows[start:start + size]

    def iter_orders(self, since: datetime) -> Iterator[list[MarketOrder]]:
        """This sync's orders."""
        yield from self._pages(self.orders)

    def iter_sales(self, since: datetime) -> Iterator[list[MarketSale]]:
        """This sync's sales."""
        yield from self._pages(self.sales)

    def iter_reviews(self, since: datetime) -> Iterator[list[MarketReview]]:
        """This sync's reviews."""
        yield from self._pages(self.reviews)

    def iter_size_stocks(self) -> Iterator[list[SizeStock]]:
        """Every size at every warehouse."""
        yield from self._pages(self.stocks)

    def iter_cards(self) -> Iterator[list[ProductCard]]:
        """The cards."""
        yield from self._pages(self.cards, 100)

    def close(self) -> None:
        """Nothing to release."""


def _order(srid: str, *, cancelled: bool = False, at: datetime = NOW) -> MarketOrder:
    product = str(100 + hash(srid) % 500)
    return MarketOrder(order_id=srid, ordered_at=at, changed_at=at, article=f"ART-{product}", product_id=product,
                       size="M", price=Decimal("1490.00"), warehouse="Коледино", region="Московская область",
                       cancelled=cancelled, cancelled_at=at if cancelled else None)


def prepare(url: str) -> None:
    """Drop and create the schema through the migrations."""
    from alembic import command
    from sqlalchemy import text

    from marketsync.cli.migrate import alembic_config
    from marketsync.db import get_engine
    from marketsync.models import metadata

    engine = get_engine(url)
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    command.upgrade(alembic_config(url), "head")


def seed(url: str, orders: int) -> tuple[int, float]:
    """Create a cabinet with two Telegram people, a WB connection and `orders` stored orders; return (account,
    seconds)."""
    from marketsync.accounts.models import AccountMember, OAuthIdentity
    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.connections.service import save_connection
    from marketsync.db import get_engine, session_scope
    from marketsync.orders.models import EventCursor, Order, Sale

    engine = get_engine(url)
    started = time.perf_counter()
    with session_scope(engine) as session:
        owner = create_user(session, email="bench-owner@example.ru", password=None)
        account_id = primary_account_id(session, owner.id)
        partner = create_user(session, email="bench-partner@example.ru", password=None)
        session.add_all([OAuthIdentity(provider="telegram", subject="900001", user_id=owner.id),
                         OAuthIdentity(provider="telegram", subject="900002", user_id=partner.id),
                         AccountMember(account_id=account_id, user_id=partner.id, role="manager")])
        save_connection(session, account_id=account_id, system="wildberries", credentials={"token": "bench-token"},
                        check=False)
        session.add(EventCursor(account_id=account_id, source="wildberries", feed="initial", position=NOW))
        session.add(EventCursor(account_id=account_id, source="wildberries", feed="cards", position=NOW,
                                updated_at=NOW))
    base = NOW - timedelta(days=80)
    with engine.begin() as conn:
        for start in range(0, orders, SEED_CHUNK):
            rows = [{"account_id": account_id, "source": "wildberries", "external_id": f"seed-{n:09d}",
                     "ordered_at": base + timedelta(seconds=n * 6), "changed_at": base + timedelta(seconds=n * 6),
                     "article": f"ART-{100 + n % 500}", "product_id": str(100 + n % 500), "size": "M",
                     "price": Decimal("990.00"), "warehouse": "Коледино", "region": "Москва", "cancelled": False,
                     "created_at": base} for n in range(start, min(orders, start + SEED_CHUNK))]
            conn.execute(Order.__table__.insert(), rows)
        for start in range(0, orders // 10, SEED_CHUNK):
            rows = [{"account_id": account_id, "source": "wildberries", "external_id": f"S{n:09d}", "kind": BUYOUT,
                     "order_external_id": f"seed-{n:09d}", "sold_at": base, "changed_at": base, "article": "ART",
                     "price": Decimal("990.00"), "created_at": base}
                    for n in range(start, min(orders // 10, start + SEED_CHUNK))]
            conn.execute(Sale.__table__.insert(), rows)
    return account_id, time.perf_counter() - started


def next_sync(stored: int, sync_number: int) -> None:
    """Set the feed to what one sync brings."""
    at = NOW + timedelta(minutes=3 * sync_number)
    new = [_order(f"new-{sync_number}-{n}", at=at) for n in range(200)]
    cancelled = [_order(f"seed-{(sync_number * 997 + n * 131) % stored:09d}", cancelled=True, at=at)
                 for n in range(60)]
    unchanged = [_order(f"seed-{(sync_number * 991 + n * 17) % stored:09d}", at=at) for n in range(40)]
    BenchFeed.orders = new + cancelled + unchanged + new[:5]
    BenchFeed.sales = [MarketSale(sale_id=f"{'S' if n % 5 else 'R'}new-{sync_number}-{n}", kind=BUYOUT if n % 5 else
                                  "return", sold_at=at, changed_at=at, article="ART-101", order_id=f"new-{n}",
                                  product_id="101", price=Decimal("1490")) for n in range(100)]
    BenchFeed.reviews = [MarketReview(review_id=f"rv-{sync_number}-{n}", rating=1 + n % 5, created_at=at,
                                      product_id="101") for n in range(30)]
    # 2,000 sizes at 3 warehouses: 10 units each; every sync 20 sizes fall to 1 unit in total.
    falling = set(range(sync_number * 20, sync_number * 20 + 20))
    BenchFeed.stocks = [SizeStock(str(100 + size % 500), f"bc-{size}", warehouse,
                                  (1 if warehouse == "Коледино" else 0) if size in falling else 10, "ART", "M")
                        for size in range(2000) for warehouse in ("Коледино", "Казань", "Электросталь")]


def measure(url: str, orders: int, syncs: int) -> None:
    """Seed, then time each sync."""
    from sqlalchemy import func, select

    from marketsync.connectors import REGISTRY
    from marketsync.db import get_engine, session_scope
    from marketsync.notifications.models import OutboxMessage
    from marketsync.orders.service import sync_cabinet_events

    REGISTRY["wildberries"] = ("__main__", "BenchFeed", "BenchCredentials")
    prepare(url)
    account_id, seeded = seed(url, orders)
    print(f"{orders:>9,} orders stored in {seeded:6.1f} s")
    engine = get_engine(url)
    next_sync(orders, 0)
    sync_cabinet_events(engine, account_id=account_id)  # the sizes' first totals (no events yet)
    for number in range(1, syncs + 1):
        next_sync(orders, number)
        started = time.perf_counter()
        outcome = sync_cabinet_events(engine, account_id=account_id)
        took = time.perf_counter() - started
        with session_scope(engine) as session:
            rows = session.scalar(select(func.count()).select_from(OutboxMessage))
        assert outcome.ok, outcome.error
        print(f"  sync {number}: {took * 1000:8.0f} ms  events {sum(outcome.events.values()):4d} "
              f"{dict(sorted(outcome.events.items()))}  outbox rows so far {rows}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--syncs", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    for size in (args.orders // 100, args.orders):
        url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-events-')}/events.db"
        print(f"detection over {size:,} stored orders ({url.split(':')[0]})")
        measure(url, size, args.syncs)


if __name__ == "__main__":
    main()
