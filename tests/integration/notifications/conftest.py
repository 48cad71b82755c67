"""Fixtures of the notification tests: a cabinet with a real Wildberries connection (a token, no warehouse) to a
seller seeded in the WB sandbox, whose buyers act through the sandbox's event generator (wb_market.py), its
Telegram people, and the sandbox Telegram bot that delivery writes to."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.models import AccountMember, OAuthIdentity
from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.models import ApiCall
from marketsync.connections.service import save_connection
from marketsync.db import session_scope
from marketsync.notifications.models import OutboxMessage
from marketsync.orders.moscow import MSK
from marketsync.settings import get_settings

from .notify_helpers import BOT_TOKEN
from .wb_market import WbMarket

_people = itertools.count(1)
PATHS = {"orders": "/api/v1/supplier/orders", "sales": "/api/v1/supplier/sales"}


@dataclass
class Cabinet:
    """A seller cabinet with a WB connection to the sandbox seller `market`, and its Telegram people."""

    engine: Engine
    account_id: int
    market: WbMarket
    people: dict[int, int] = field(default_factory=dict)  # telegram id → user id

    def join(self, telegram_id: int) -> int:
        """A Telegram person joins the cabinet (as the bot registers one); return their user id."""
        with session_scope(self.engine) as session:
            user = create_user(session, email=f"tg{telegram_id}@example.ru", password=None)
            session.add(OAuthIdentity(provider="telegram", subject=str(telegram_id), user_id=user.id))
            session.add(AccountMember(account_id=self.account_id, user_id=user.id, role="manager"))
            user_id = user.id
        self.people[telegram_id] = user_id
        return user_id

    def outbox(self) -> list[OutboxMessage]:
        """Every outbox row of the cabinet, oldest first."""
        with session_scope(self.engine) as session:
            rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.account_id == self.account_id)
                                        .order_by(OutboxMessage.id)))
            session.expunge_all()
            return rows

    def told(self) -> list[tuple[int, str, str]]:
        """(telegram id, type, the test's name of the WB id) of every outbox row, sorted."""
        chats = {user: tg for tg, user in self.people.items()}
        return sorted((chats[row.user_id], row.type, self.market.name(row.wb_id)) for row in self.outbox())

    def asked(self, feed: str) -> list[datetime]:
        """The dateFrom of every statistics request of `feed` (orders, sales) the cabinet's syncs sent, as the
        connection's API log recorded them, in UTC, oldest first."""
        with session_scope(self.engine) as session:
            urls = list(session.scalars(select(ApiCall.url).where(ApiCall.account_id == self.account_id,
                                                                  ApiCall.url.contains(PATHS[feed]))
                                        .order_by(ApiCall.id)))
        moments = []
        for url in urls:
            date_from = parse_qs(urlsplit(url).query)["dateFrom"][0]  # Moscow time without an offset
            moments.append(datetime.fromisoformat(date_from).replace(tzinfo=MSK).astimezone(UTC))
        return moments


@pytest.fixture
def make_cabinet(engine: Engine, sandbox_state) -> Callable[..., Cabinet]:  # type: ignore[no-untyped-def]
    """Return a builder of cabinets whose owner has the Telegram id given, each connected to a new WB seller."""

    def make(owner_telegram_id: int, token: str | None = None) -> Cabinet:
        token = token or f"wb-notify-{next(_people):04d}-{uuid.uuid4().hex}"
        market = WbMarket(sandbox_state.wildberries, token)
        with session_scope(engine) as session:
            owner = create_user(session, email=f"owner{owner_telegram_id}@example.ru", password=None)
            session.add(OAuthIdentity(provider="telegram", subject=str(owner_telegram_id), user_id=owner.id))
            account_id = primary_account_id(session, owner.id)
            save_connection(session, account_id=account_id, system="wildberries", credentials={"token": token})
            owner_id = owner.id
        return Cabinet(engine, account_id, market, {owner_telegram_id: owner_id})

    return make


@pytest.fixture
def telegram(sandbox_state, sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """The sandbox Telegram with the bot of BOT_TOKEN, reached over HTTP; yields the emulator's state."""
    sandbox_state.telegram.add_bot(BOT_TOKEN, "marketsync_notify_bot")
    monkeypatch.setenv("SANDBOX_VALIDATE_CONTRACT", "1")  # the emulator checks every request and answer
    monkeypatch.setenv("BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", f"{sandbox.url}/telegram")
    get_settings.cache_clear()
    yield sandbox_state.telegram
