"""`marketsync feeds create|build|list` and `marketsync pricing` as a script runs them: the URL printed by create
serves the feed at once, build prints the offer count, path and URL, and every failure is one line and exit 1."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from cli_runner import EMAIL, cli
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.engine import Engine

from feed_builders import change_product, hub_catalog
from marketsync.accounts.service import account_for_email
from marketsync.db import session_scope
from marketsync.feeds import yml_writer
from marketsync.settings import get_settings
from marketsync.web.app import create_app


@pytest.fixture
def account(user: str, sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The CLI user's cabinet with 6 products, feeds written into this test's folder."""
    monkeypatch.setenv("FEEDS_DIR", str(tmp_path / "feeds"))
    monkeypatch.setenv("BASE_URL", "http://testserver")
    get_settings.cache_clear()
    with session_scope(sqlite_engine) as session:
        account_id = account_for_email(session, user)
    hub_catalog(sqlite_engine, account_id, products=6)
    return account_id


def _prices(url: str) -> list[str]:
    with TestClient(create_app()) as client:
        response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, response.text
    return [offer.findtext("price") or "" for offer in etree.fromstring(response.content).iter("offer")]


def test_create_prints_the_url_that_serves_every_product(account: int) -> None:
    code, out = cli("feeds", "create", "--user", EMAIL, "--name", "market")
    assert code == 0, out
    url = out.strip()
    assert re.fullmatch(r"http://testserver/feeds/[A-Za-z0-9_-]{40,}/market\.yml", url)
    assert len(_prices(url)) == 6
    assert cli("feeds", "create", "--user", EMAIL, "--name", "market") == (0, out)  # the same, stable URL


def test_build_regenerates_now_and_prints_offers_path_and_url(account: int, tmp_path: Path,
                                                              sqlite_engine: Engine) -> None:
    _code, url = cli("feeds", "create", "--user", EMAIL, "--name", "market")
    change_product(sqlite_engine, account, "SKU-00002", price=Decimal("77.70"))
    code, out = cli("feeds", "build", "--user", EMAIL, "--name", "market")
    assert code == 0, out
    path = tmp_path / "feeds" / str(account) / "1.yml"
    assert out.splitlines() == [f"offers=6 path={path} url={url.strip()}"]
    assert "77.70" in _prices(url.strip())


def test_markups_set_by_the_cli_price_the_feed(account: int) -> None:
    code, out = cli("pricing", "set", "--user", EMAIL, "--channel", "feed:market", "--percent", "10",
                    "--round", "99")
    assert code == 0 and out.strip() == "feed:market: percent=10.00 add=0.00 round=99 min=-", out
    _code, url = cli("feeds", "create", "--user", EMAIL, "--name", "market")
    assert _prices(url.strip())[:2] == ["1199.00", "1199.00"]
    assert cli("pricing", "set", "--user", EMAIL, "--channel", "vk", "--percent", "1")[0] == 1
    assert cli("pricing", "remove", "--user", EMAIL, "--channel", "feed:market")[0] == 0
    assert cli("feeds", "build", "--user", EMAIL, "--name", "market")[0] == 0
    assert _prices(url.strip())[:2] == ["1000.00", "1001.00"]


@pytest.mark.parametrize(("args", "reason"), [
    (["feeds", "build", "--user", EMAIL, "--name", "nope"], "error: no feed named nope"),
    (["feeds", "create", "--user", EMAIL, "--name", "два слова"], "error: a feed name is 1-64 Latin letters"),
    (["feeds", "create", "--user", EMAIL, "--name", "m", "--category", "Нет такой"],
     "error: no category named Нет такой"),
    (["feeds", "create", "--user", EMAIL, "--name", "m", "--markup", "vk"], "error: the channel must be one of"),
    (["feeds", "create", "--user", "nobody@example.ru", "--name", "m"], "error: no user with the e-mail"),
])
def test_a_refused_command_exits_1_with_one_line(account: int, args: list[str], reason: str) -> None:
    code, out = cli(*args)
    assert code == 1 and len(out.strip().splitlines()) == 1 and out.startswith(reason), out


def test_a_failed_build_exits_1_and_the_last_good_feed_stays(account: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _code, url = cli("feeds", "create", "--user", EMAIL, "--name", "market")
    before = _prices(url.strip())

    def broken(xf: object, offer: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(yml_writer, "_write_offer", broken)
    code, out = cli("feeds", "build", "--user", EMAIL, "--name", "market")
    assert code == 1 and out.strip().splitlines() == [
        "error: feed market was not rebuilt: [Errno 28] No space left on device"]
    assert _prices(url.strip()) == before
    code, out = cli("feeds", "list", "--user", EMAIL)
    assert code == 0 and "offers=6" in out and "error=feed market was not rebuilt" in out
