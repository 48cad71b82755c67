"""What VK or Evotor said is shown in the seller's language: a connection test VK asks to wait, a token Evotor
rejected (stored on the connection and on the run), with its remedy on the overview; the CLI stays English."""

from __future__ import annotations

from browser import sign_in, submit
from builders import seed_catalog, seller
from marketsync.db import session_scope
from marketsync.sync.chain import sync_catalog
from marketsync.sync.models import SyncRun

PASSWORD = "password123"  # builders.seller's


def test_a_test_vk_asks_to_wait_is_said_in_russian_and_in_english_with_lang_en(client, sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    seller(sqlite_engine, catalog)
    sign_in(client, "seller@example.ru", PASSWORD)
    sandbox_state.faults.configure("vk", rate=1, kinds=["http429"], retry_after=60)

    russian = submit(client, "/connections/vk/test", headers={"HX-Request": "true"})

    assert russian.status_code == 200
    assert "VK просит подождать 60 с, попробуйте позже" in russian.text and "asks to wait" not in russian.text
    client.get("/lang/en")
    english = submit(client, "/connections/vk/test", headers={"HX-Request": "true"})
    assert "VK asks to wait 60 s, try again later" in english.text
    assert submit(client, "/connections/vk/test", headers={"Accept": "application/json"}).json() == \
        {"ok": False, "message": "VK asks to wait 60 s, try again later"}


def test_a_rejected_token_and_its_remedy_show_in_the_viewers_language(client, sqlite_engine, sandbox_state):  # type: ignore[no-untyped-def]
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1)
    account_id = seller(sqlite_engine, catalog)
    sandbox_state.evotor.revoke_token(catalog.evotor_token)

    run = sync_catalog(sqlite_engine, account_id=account_id)

    assert run.status == "failed"
    with session_scope(sqlite_engine) as session:  # stored as English for logs and the CLI, and as a notice
        stored = session.get(SyncRun, run.id)
        assert stored is not None and (stored.error or "").startswith("Evotor rejected the token (HTTP 401")
        assert stored.error_notice is not None and stored.error_notice["key"] == "token_rejected"
    sign_in(client, "seller@example.ru", PASSWORD)
    overview = client.get("/").text
    assert "Эвотор отклонил токен (код 1001)" in overview
    assert "Что сделать:</strong> Вставьте новый токен на странице подключений." in overview
    assert "Эвотор отклонил токен" in client.get(f"/sync/runs/{run.id}").text
    client.get("/lang/en")
    overview = client.get("/").text
    assert "Evotor rejected the token (code 1001)" in overview
    assert "Paste a new token on the connections page." in overview
    assert "Evotor rejected the token" in client.get(f"/sync/runs/{run.id}/progress").text
