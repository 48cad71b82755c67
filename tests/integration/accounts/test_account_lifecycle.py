"""What suspending and deleting users does to their cabinets' data and scheduled syncs, on every database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from builders import seed_catalog, seller
from marketsync.accounts.models import Account, AccountMember, User, WebSession
from marketsync.accounts.service import activate, create_user, delete_user, suspend
from marketsync.catalog.models import Product
from marketsync.connections.models import Connection
from marketsync.db import session_scope, utcnow
from marketsync.sync.chain import refresh_source
from marketsync.sync.service import accounts_due


def syncable_accounts() -> list[int]:
    with session_scope() as session:
        return accounts_due(session)


def _owner(engine: Engine, account_id: int) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(AccountMember.user_id).where(AccountMember.account_id == account_id)) or 0


def test_suspending_the_only_owner_pauses_the_cabinets_syncs_until_activated(engine: Engine, sandbox_state) -> None:
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2)
    account_id = seller(engine, catalog)
    other = seller(engine, catalog, email="other@example.ru")
    assert syncable_accounts() == sorted([account_id, other])
    user_id = _owner(engine, account_id)
    with session_scope(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        session.add(WebSession(token_hash="x" * 64, user_id=user_id, expires_at=utcnow(), security_stamp=""))
        session.flush()
        suspend(session, user)
    assert syncable_accounts() == [other]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(WebSession)) == 0
        user = session.get(User, user_id)
        assert user is not None
        activate(session, user)
    assert syncable_accounts() == sorted([account_id, other])


def test_deleting_the_last_owner_removes_the_cabinet_and_all_its_rows(engine: Engine, sandbox_state) -> None:
    catalog = seed_catalog(sandbox_state, groups=1, per_group=3)
    account_id = seller(engine, catalog)
    keep = seller(engine, catalog, email="other@example.ru")
    refresh_source(engine, account_id=account_id)
    refresh_source(engine, account_id=keep)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Product).where(Product.account_id == account_id))
        user = session.get(User, _owner(engine, account_id))
        assert user is not None
        assert delete_user(session, user) == [account_id]
    with session_scope(engine) as session:
        assert session.get(Account, account_id) is None
        for model in (Product, Connection):
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(model.account_id == account_id)) == 0  # type: ignore[attr-defined]
            assert session.scalar(select(func.count()).select_from(model)
                                  .where(model.account_id == keep)) > 0  # type: ignore[attr-defined]


def test_a_manager_leaving_keeps_the_owners_cabinet(engine: Engine, sandbox_state) -> None:
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    account_id = seller(engine, catalog)
    with session_scope(engine) as session:
        manager = create_user(session, email="manager@example.ru", password="password123")
        session.add(AccountMember(account_id=account_id, user_id=manager.id, role="manager"))
        session.flush()
        removed = delete_user(session, manager)
        assert account_id not in removed
    with session_scope(engine) as session:
        assert session.get(Account, account_id) is not None
