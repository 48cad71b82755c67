"""`marketsync connect` while the remote says "too many requests": a check a person waits on waits it out."""

from __future__ import annotations

import pytest
from cli_runner import cli
from sqlalchemy import func, select

from builders import seed_catalog
from marketsync.connections.models import Connection
from marketsync.connections.service import check_credentials, get_connection, mark_checked
from marketsync.db import session_scope


def _requests(state, service: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()[service]["requests"])


def _connections(engine) -> int:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Connection)) or 0)


def test_connect_vk_waits_out_vks_flood_answers_and_succeeds(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    # Three "error 6: Too many requests per second" in a row: more than the check's two quick attempts.
    sandbox_state.faults.configure("vk", rate=1, kinds=["429"], max_faults=3)

    code, out = cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
                    "--group-id", str(catalog.vk_group_id))

    assert code == 0, out
    assert "not reachable" not in out and "Магазин a" in out
    assert sandbox_state.faults.config("vk").injected == 3
    assert _connections(sqlite_engine) == 1


def test_connect_evotor_waits_out_http_429_with_retry_after(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    sandbox_state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=1, max_faults=3)

    code, out = cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)

    assert code == 0, out
    assert "Evotor: 1 store(s)" in out
    assert sandbox_state.faults.config("evotor").injected == 3


def test_connect_vk_waits_out_a_plain_http_429(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    sandbox_state.faults.configure("vk", rate=1, kinds=["http429"], retry_after=1, max_faults=3)

    code, out = cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
                    "--group-id", str(catalog.vk_group_id))

    assert code == 0, out


@pytest.mark.parametrize("system", ["evotor", "vk"])
def test_a_wait_longer_than_the_check_allows_says_when_to_come_back(user, sandbox_state, sqlite_engine, system):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    kind = "429" if system == "evotor" else "http429"
    sandbox_state.faults.configure(system, rate=1, kinds=[kind], retry_after=60)
    args = ["--token", catalog.evotor_token] if system == "evotor" else \
        ["--token", catalog.vk_token, "--group-id", str(catalog.vk_group_id)]

    code, out = cli("connect", system, "--user", user, *args)

    name = {"evotor": "Evotor", "vk": "VK"}[system]
    assert code == 1 and f"{name} asks to wait 60 s, try again later" in out, out
    assert "not reachable" not in out
    assert _requests(sandbox_state, system) == 1, "a wait beyond the budget is not slept through"
    assert _connections(sqlite_engine) == 0


def test_a_rejected_token_still_fails_at_once_among_flood_answers(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    sandbox_state.vk.revoke_token(catalog.vk_token)
    sandbox_state.faults.configure("vk", rate=1, kinds=["429"], max_faults=1)

    code, out = cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
                    "--group-id", str(catalog.vk_group_id))

    assert code == 1 and "VK error 5" in out
    assert _requests(sandbox_state, "vk") == 2, "one flood answer waited out, then the 401-like error 5 at once"
    code, out = cli("connect", "evotor", "--user", user, "--token", "not-a-real-token")
    assert code == 1 and "Evotor rejected the token" in out
    assert _requests(sandbox_state, "evotor") == 1


def test_a_test_that_is_only_asked_to_wait_leaves_the_connection_active(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    sandbox_state.faults.configure("evotor", rate=1, kinds=["429"], retry_after=120)

    with session_scope(sqlite_engine) as session:
        conn = session.scalar(select(Connection))
        assert conn is not None
        result = check_credentials("evotor", {"token": catalog.evotor_token}, key=str(conn.id))
        mark_checked(conn, result)

    assert not result.ok and "asks to wait 120 s" in result.message
    with session_scope(sqlite_engine) as session:
        conn = get_connection(session, conn.account_id, "evotor")
        assert conn is not None and conn.status == "active" and conn.last_error is None


def test_our_own_spent_budget_is_not_blamed_on_the_remote(sandbox_state, sqlite_engine, monkeypatch):
    from marketsync.connections import service as connections_service
    from marketsync.http import limiter_for
    from marketsync.settings import get_settings

    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    monkeypatch.setenv("VK_REQUESTS_PER_SECOND", "1")
    monkeypatch.setattr(connections_service, "CHECK_BUDGET_SECONDS", 0.3)
    get_settings.cache_clear()
    # Another worker took this second's only slot for the same token.
    assert limiter_for("vk", catalog.vk_token, 1).try_acquire("vk", timeout=1)

    result = check_credentials("vk", {"token": catalog.vk_token, "group_id": catalog.vk_group_id})

    assert not result.ok and result.message == "Our own request budget for VK is spent for now, try again in a minute"
    assert _requests(sandbox_state, "vk") == 0, "nothing was sent past our own pace"
