"""The operator CLI as a script would drive it: names, options, output and exit codes are an interface."""

from __future__ import annotations

from cli_runner import EMAIL, cli, runner
from sqlalchemy import func, select

from builders import seed_catalog
from marketsync.accounts.models import User
from marketsync.accounts.rbac import user_permissions
from marketsync.cli.app import app
from marketsync.connections.models import Connection
from marketsync.db import session_scope


def test_user_create_refuses_a_taken_email_and_changes_nothing(user, sqlite_engine):
    code, out = cli("user", "create", EMAIL.upper(), "--password", "another123")
    assert code == 1 and "already taken" in out and len(out.strip().splitlines()) == 1
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1


def test_user_create_admin(sqlite_engine):
    from marketsync.accounts.service import find_user, user_roles

    assert cli("user", "create", "boss@example.ru", "--password", "password123", "--admin")[0] == 0
    with session_scope(sqlite_engine) as session:
        boss = find_user(session, "boss@example.ru")
        assert boss is not None and boss.status == "active" and user_roles(session, boss.id) == {"admin"}
        assert "roles.write" in user_permissions(session, boss.id)


def test_user_create_system_makes_the_instance_owner(sqlite_engine):
    from marketsync.accounts.service import find_user, user_roles

    code, out = cli("user", "create", "owner@example.ru", "--password", "password123", "--system")
    assert code == 0 and "system owner" in out
    with session_scope(sqlite_engine) as session:
        owner = find_user(session, "owner@example.ru")
        assert owner is not None and user_roles(session, owner.id) == {"admin", "system"}


def test_a_plain_user_holds_no_admin_permission(user, sqlite_engine):
    from marketsync.accounts.service import find_user

    with session_scope(sqlite_engine) as session:
        plain = find_user(session, EMAIL)
        assert plain is not None and user_permissions(session, plain.id) == set()


def test_connect_refuses_a_rejected_token_and_saves_nothing(user, sandbox_state, sqlite_engine):
    code, out = cli("connect", "evotor", "--user", user, "--token", "not-a-real-token")
    assert code == 1 and "Evotor rejected the token" in out
    catalog = seed_catalog(sandbox_state)
    code, out = cli("connect", "vk", "--user", user, "--token", catalog.vk_token, "--group-id", "987654")
    assert code == 1 and "987654" in out
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(Connection)) == 0


def test_connect_then_filters_then_sync_prints_the_counts(user, sandbox_state, sqlite_engine):
    catalog = seed_catalog(sandbox_state, groups=2, per_group=3, not_for_sale=1)
    store = catalog.stores[0]
    first, second = catalog.groups[store]
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    assert cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
               "--group-id", str(catalog.vk_group_id))[0] == 0

    code, out = cli("filters", "enable", "--user", user, "--store", store, "--group", first)
    assert code == 0, out
    code, out = cli("filters", "list", "--user", user)
    assert f"group {first} store {store} enabled" in out

    code, out = cli("sync", "catalog", "--user", user, "--dry-run")
    assert code == 0, out
    assert out.strip().splitlines()[-1] == "created=2 updated=0 hidden=0 skipped=1 failed=0"
    assert sandbox_state.vk.items(catalog.vk_group_id) == [] and sandbox_state.vk.photos(catalog.vk_group_id) == []

    code, out = cli("sync", "catalog", "--user", user)
    assert code == 0, out
    assert out.strip().splitlines()[-1] == "created=2 updated=0 hidden=0 skipped=1 failed=0"

    assert cli("filters", "enable", "--user", user, "--group", second)[0] == 0
    code, out = cli("sync", "catalog", "--user", user)
    assert out.strip().splitlines()[-1] == "created=2 updated=0 hidden=0 skipped=4 failed=0"


def test_filters_refuse_unknown_ids(user, sandbox_state):
    catalog = seed_catalog(sandbox_state)
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    code, out = cli("filters", "enable", "--user", user, "--store", "no-such-store")
    assert code == 1 and "no store no-such-store" in out
    code, out = cli("filters", "enable", "--user", user, "--store", catalog.stores[0], "--group", "nope")
    assert code == 1 and "no product group nope" in out
    code, out = cli("filters", "enable", "--user", user)
    assert code == 1


def test_products_without_a_group_are_switched_with_group_dash_of_a_store(user, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=1, not_for_sale=0)
    store = catalog.stores[0]
    sandbox_state.evotor.add_product(catalog.evotor_token, store, name="Пакет-майка", price=5, allow_to_sell=True,
                                     code="bag-1", type="NORMAL", tax="NO_VAT", measure_name="шт", quantity=100)
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    assert cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
               "--group-id", str(catalog.vk_group_id))[0] == 0
    assert cli("filters", "enable", "--user", user, "--store", store)[0] == 0
    code, out = cli("filters", "disable", "--user", user, "--store", store, "--group", "-")
    assert code == 0, out
    assert cli("sync", "catalog", "--user", user)[1].strip().splitlines()[-1].startswith("created=1 ")
    assert cli("filters", "enable", "--user", user, "--store", store, "--group", "-")[0] == 0
    assert cli("sync", "catalog", "--user", user)[1].strip().splitlines()[-1].startswith("created=1 ")
    assert sorted(i.sku for i in sandbox_state.vk.items(catalog.vk_group_id)) == ["a00000", "bag-1"]
    code, out = cli("filters", "enable", "--user", user, "--group", "-")
    assert code == 1 and "needs an existing --store" in out


def test_filters_ask_to_connect_evotor_first_and_change_nothing(user, sqlite_engine):
    code, out = cli("filters", "enable", "--user", user, "--all")
    assert code == 1 and "run `marketsync connect evotor` first" in out
    assert cli("filters", "list", "--user", user)[1].strip() == "no filters: nothing is mirrored yet"


def test_enable_all_covers_groups_that_appear_later(user, sandbox_state):
    catalog = seed_catalog(sandbox_state, groups=1, per_group=2, not_for_sale=0)
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    assert cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
               "--group-id", str(catalog.vk_group_id))[0] == 0
    assert cli("filters", "enable", "--user", user, "--all")[0] == 0
    store = catalog.stores[0]
    late = sandbox_state.evotor.add_group(catalog.evotor_token, store, "Новинки")
    sandbox_state.evotor.add_product(catalog.evotor_token, store, name="Пряники тульские", price="150.00",
                                     parent_id=late, allow_to_sell=True, type="NORMAL", tax="NO_VAT")

    code, out = cli("sync", "catalog", "--user", user)

    assert code == 0 and out.strip().splitlines()[-1].startswith("created=3 ")
    assert "Новинки" in {a.title for a in sandbox_state.vk.albums(catalog.vk_group_id)}


def test_sync_config_validates_the_multiplier(user):
    assert cli("sync", "config", "--user", user, "--price-multiplier", "1,25")[1].strip() == \
        "catalog_enabled=true price_multiplier=1.25 vk_stock=fixed"
    code, out = cli("sync", "config", "--user", user, "--price-multiplier", "abc")
    assert code == 1 and "not a number" in out
    assert cli("sync", "config", "--user", user, "--price-multiplier", "0")[0] == 1


def test_sync_with_a_revoked_token_exits_1_with_the_reason(user, sandbox_state):
    catalog = seed_catalog(sandbox_state)
    assert cli("connect", "evotor", "--user", user, "--token", catalog.evotor_token)[0] == 0
    assert cli("connect", "vk", "--user", user, "--token", catalog.vk_token,
               "--group-id", str(catalog.vk_group_id))[0] == 0
    sandbox_state.evotor.revoke_token(catalog.evotor_token)
    code, out = cli("sync", "catalog", "--user", user)
    assert code == 1 and "Evotor rejected the token" in out


def test_unknown_user_exits_1(sqlite_engine):
    code, out = cli("sync", "catalog", "--user", "nobody@example.ru")
    assert code == 1 and "no user" in out


def _signs_in(engine, email: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    from marketsync.accounts.service import authenticate

    with session_scope(engine) as session:
        return authenticate(session, email=email, password=password) is not None


def test_user_create_reads_the_password_from_standard_input(sqlite_engine):
    result = runner.invoke(app, ["user", "create", EMAIL], input="piped-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "piped-secret-1" not in result.output
    assert _signs_in(sqlite_engine, EMAIL, "piped-secret-1")


def test_user_create_prompts_for_a_hidden_password_twice_at_a_terminal(sqlite_engine, monkeypatch):
    monkeypatch.setattr("marketsync.cli.users.stdin_is_terminal", lambda: True)
    mismatch = runner.invoke(app, ["user", "create", EMAIL], input="typed-secret-1\nother-secret-2\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output
    result = runner.invoke(app, ["user", "create", EMAIL], input="typed-secret-1\ntyped-secret-1\n")
    assert result.exit_code == 0, result.output
    assert "typed-secret-1" not in result.output  # hidden while typed
    assert _signs_in(sqlite_engine, EMAIL, "typed-secret-1")


def test_user_create_without_any_password_exits_1_and_creates_nothing(sqlite_engine):
    result = runner.invoke(app, ["user", "create", EMAIL], input="")
    assert result.exit_code == 1 and "no password" in result.output
    with session_scope(sqlite_engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_sync_config_sets_vks_stock_mode(user):
    assert cli("sync", "config", "--user", user, "--vk-stock", "real")[1].strip().endswith(" vk_stock=real")
    assert cli("sync", "config", "--user", user)[1].strip().endswith(" vk_stock=real"), "kept when not given"
    code, out = cli("sync", "config", "--user", user, "--vk-stock", "plenty")
    assert code == 1 and "fixed, real" in out
