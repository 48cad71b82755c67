"""A seller whose token was revoked sees why on /sync, while another seller's run goes on."""

from __future__ import annotations

from fastapi.testclient import TestClient

from browser import PASSWORD, sign_in
from builders import seed_catalog, seller
from marketsync.sync.chain import sync_catalog


def test_revoked_token_error_shows_on_the_sellers_sync_and_connections_pages(client: TestClient, sqlite_engine,
                                                                               sandbox_state):
    broken = seed_catalog(sandbox_state, prefix="b", groups=1, per_group=2)
    healthy = seed_catalog(sandbox_state, prefix="h", groups=1, per_group=2, not_for_sale=0)
    from marketsync.accounts.service import find_user
    from marketsync.db import session_scope
    from marketsync.security import hash_password

    broken_account = seller(sqlite_engine, broken, email="broken@example.ru")
    healthy_account = seller(sqlite_engine, healthy, email="healthy@example.ru")
    with session_scope(sqlite_engine) as session:
        user = find_user(session, "broken@example.ru")
        assert user is not None
        user.password_hash = hash_password(PASSWORD)
    sandbox_state.evotor.revoke_token(broken.evotor_token)

    assert sync_catalog(sqlite_engine, account_id=broken_account).status == "failed"
    assert sync_catalog(sqlite_engine, account_id=healthy_account).status == "succeeded"

    sign_in(client, "broken@example.ru")
    page = client.get("/sync")
    assert page.status_code == 200 and "Эвотор отклонил токен" in page.text, "said in the page's language"
    connections = client.get("/connections")
    # The broken connection shows the remote's own code and reason, and what to do about it.
    assert "1001" in connections.text and "Вставьте новый токен" in connections.text
    client.get("/lang/en")
    assert "Evotor rejected the token" in client.get("/sync").text
    assert len(sandbox_state.vk.items(healthy.vk_group_id)) == 2
