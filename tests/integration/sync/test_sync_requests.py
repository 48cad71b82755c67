"""Asking for a sync: refused with a reason, or queued only once the asking request committed."""

from __future__ import annotations

import pytest

from builders import seed_catalog, seller
from marketsync.db import session_factory, session_scope
from marketsync.sync import service
from marketsync.sync.models import SyncRun


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record what would reach the broker."""
    sent: list[int] = []
    monkeypatch.setattr(service, "enqueue_catalog_sync", lambda account_id, run_id=None: sent.append(account_id))
    return sent


def test_a_sync_is_queued_after_the_commit_and_never_after_a_rollback(sqlite_engine, sandbox_state, queued):
    account_id = seller(sqlite_engine, seed_catalog(sandbox_state, groups=1, per_group=1))
    session = session_factory(sqlite_engine)()
    try:
        request = service.request_sync(session, account_id=account_id)
        assert request.accepted and queued == [], "nothing is sent before the request's data is committed"
        session.rollback()
        assert queued == []
        request = service.request_sync(session, account_id=account_id)
        session.commit()
        assert queued == [account_id] and request.queued
    finally:
        session.close()


def test_a_refused_broker_is_reported_not_swallowed(sqlite_engine, sandbox_state, monkeypatch):
    account_id = seller(sqlite_engine, seed_catalog(sandbox_state, groups=1, per_group=1))

    def broker_down(_account_id: int, _run_id: int | None = None) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(service, "enqueue_catalog_sync", broker_down)
    session = session_factory(sqlite_engine)()
    try:
        request = service.request_sync(session, account_id=account_id)
        session.commit()
    finally:
        session.close()
    assert request.accepted and not request.queued and "broker unreachable" in (request.enqueue_error or "")
    with session_scope(sqlite_engine) as session:
        run = session.get(SyncRun, request.run_id)
        assert run is not None and run.status == "failed" and "task queue" in (run.error or ""), \
            "the page must not wait for a run whose task never left"


def test_a_sync_without_both_connections_is_refused_naming_what_is_missing(sqlite_engine, queued):
    from marketsync.accounts.service import create_user, primary_account_id

    session = session_factory(sqlite_engine)()
    try:
        account_id = primary_account_id(session, create_user(session, email="a@example.ru", password="pw123456").id)
        request = service.request_sync(session, account_id=account_id)
        session.commit()
    finally:
        session.close()
    assert not request.accepted and request.missing == ["Evotor", "VK"] and queued == []
