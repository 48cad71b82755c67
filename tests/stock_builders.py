"""Builders of the stock monitor tests: cabinets with marketplace connections, stock runs and offers written as the
pipelines write them, and where the alert channels deliver (the SMTP sink, the Telegram emulator's operator chat)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.connections.models import Connection
from marketsync.db import session_scope, utcnow
from marketsync.security import encrypt_json
from marketsync.stocks.models import OfferRow
from marketsync.sync.models import SyncRun

CHAT_ID = 5550101
ALERT_EMAIL = "ops@example.ru"


@dataclass
class Channels:
    """Where alerts arrive: the mails the SMTP sink caught, and the operator chat of the Telegram emulator."""

    mailbox: list[EmailMessage]
    state: Any
    token: str  # a bot per test: the chat's rate budget (1 a second, 20 a minute) is kept across tests

    @property
    def telegrams(self) -> list[str]:
        """The texts the bot sent to the operator chat, oldest first."""
        return [m.text for m in self.state.telegram.messages(self.token, CHAT_ID)]

    @property
    def mails(self) -> list[str]:
        """The subjects of the alert mails, oldest first."""
        return [str(m["Subject"]) for m in self.mailbox if m["To"] == ALERT_EMAIL]


def cabinet(engine: Engine, email: str = "seller@example.ru") -> int:
    """Create a seller; return their cabinet."""
    with session_scope(engine) as session:
        user = create_user(session, email=email, password="password123", name="Продавец")
        return primary_account_id(session, user.id)


def connect(engine: Engine, account_id: int, system: str = "ozon", *, days_ago: float = 2, offers: int = 0) -> int:
    """Give a cabinet a marketplace connection made `days_ago`, listing `offers`; return its id."""
    with session_scope(engine) as session:
        conn = Connection(account_id=account_id, system=system, settings={"warehouse_id": "1"},
                          credentials_encrypted=encrypt_json({"api_key": "k" * 16}),
                          created_at=utcnow() - timedelta(days=days_ago))
        session.add(conn)
        session.flush()
        conn_id = conn.id
    if offers:
        list_offers(engine, account_id, conn_id, offers)
    return conn_id


def push(engine: Engine, account_id: int, system: str = "ozon", *, hours_ago: float = 1, offers: int = 20,
         stock_total: int = 100, status: str = "succeeded", updated: int = 3, failed: int = 0,
         dry_run: bool = False, error: str | None = None) -> int:
    """Record a finished stock push as the pipeline does (SyncRun with source and details); return its id."""
    finished = utcnow() - timedelta(hours=hours_ago)
    with session_scope(engine) as session:
        run = SyncRun(account_id=account_id, pipeline="push_stocks", source=system, status=status, dry_run=dry_run,
                      started_at=finished - timedelta(minutes=2), heartbeat_at=finished, finished_at=finished,
                      updated=updated, failed=failed, error=error,
                      details={"offers": offers, "matched": offers, "unmatched": 0, "stock_total": stock_total,
                               "requests": 1})
        session.add(run)
        session.flush()
        return run.id


def list_offers(engine: Engine, account_id: int, connection_id: int, count: int, *, archived: int = 0) -> None:
    """Replace a connection's listed offers with `count` (plus `archived` archived ones)."""
    with session_scope(engine) as session:
        session.query(OfferRow).filter_by(connection_id=connection_id).delete()
        session.add_all([OfferRow(account_id=account_id, connection_id=connection_id, stock_key=f"o{n}",
                                  offer_id=f"ART-{n}", barcodes=[], name=f"Товар {n}", archived=n >= count)
                         for n in range(count + archived)])


def healthy_ozon(engine: Engine, email: str = "seller@example.ru") -> tuple[int, int]:
    """Create a cabinet whose Ozon is healthy: 20 offers, two steady pushes, the last an hour ago; return
    (cabinet, connection)."""
    account_id = cabinet(engine, email)
    conn_id = connect(engine, account_id)
    list_offers(engine, account_id, conn_id, 20)
    push(engine, account_id, hours_ago=7)
    push(engine, account_id, hours_ago=1)
    return account_id, conn_id
