"""`marketsync moderation check --user EMAIL [--json]` as a script runs it: one verdict per product (plain lines or
JSON lines with sku, verdict and reasons), exit 0 when the catalog was judged (rejections included), exit 1 with
a one-line reason otherwise."""

from __future__ import annotations

import json

from cli_runner import EMAIL, cli
from sqlalchemy.engine import Engine

from marketsync.accounts.service import account_for_email
from marketsync.db import session_scope
from marketsync.moderation.service import save_settings
from moderation_builders import hub_product


def _catalog(engine: Engine) -> None:
    with session_scope(engine) as session:
        account = account_for_email(session, EMAIL)
        save_settings(session, account_id=account, forbidden_words=["реплика"], price_min=None, price_max=None,
                      enabled_rules=["forbidden_words", "empty_description", "title_length"], channels=["wb"])
    hub_product(engine, account, sku="B-FAKE", name="Сумка реплика", description="")
    hub_product(engine, account, sku="A-MUG")


def test_one_json_line_per_product_with_its_reasons(sqlite_engine: Engine, user: str) -> None:
    _catalog(sqlite_engine)
    code, out = cli("moderation", "check", "--user", user, "--json")
    assert code == 0, out
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == [
        {"sku": "A-MUG", "verdict": "approve", "reasons": []},
        {"sku": "B-FAKE", "verdict": "reject", "reasons": [
            "forbidden_words: The name contains the forbidden word «реплика»",
            "empty_description: The description is empty"]},
    ]


def test_plain_lines_say_the_verdict_and_why(sqlite_engine: Engine, user: str) -> None:
    _catalog(sqlite_engine)
    code, out = cli("moderation", "check", "--user", user)
    assert code == 0, out
    assert out.splitlines() == [
        "A-MUG: approve",
        "B-FAKE: reject: forbidden_words: The name contains the forbidden word «реплика»; "
        "empty_description: The description is empty",
    ]


def test_an_unknown_user_exits_1_with_one_line(sqlite_engine: Engine) -> None:
    code, out = cli("moderation", "check", "--user", "nobody@example.ru", "--json")
    assert code == 1
    assert len(out.strip().splitlines()) == 1 and out.startswith("error: ")


def test_an_empty_catalog_prints_nothing_and_succeeds(sqlite_engine: Engine, user: str) -> None:
    assert cli("moderation", "check", "--user", user, "--json") == (0, "")
