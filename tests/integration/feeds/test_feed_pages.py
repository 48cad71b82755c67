"""The feed URL as Yandex or a partner fetches it (no login; 404 for a wrong token; 304 when unchanged) and the
/hub/feeds page as the seller uses it (create, rebuild now, delete, markups), tenant-scoped and behind CSRF."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path

from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy.engine import Engine

from browser import sign_in, submit
from feed_builders import change_product, hub_catalog
from marketsync.db import session_scope
from marketsync.feeds import service
from marketsync.feeds.yml_check import check_yml


def _feed(engine: Engine, account: int, name: str = "market", *, build: bool = True) -> str:
    with session_scope(engine) as session:
        feed, _new = service.create_feed(session, account_id=account, name=name)
        if build:
            service.rebuild(session, feed)
        return service.feed_url(feed).removeprefix("http://testserver")


def test_the_feed_url_serves_the_file_with_no_login_and_only_with_its_token(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]],
        tmp_path: Path) -> None:
    _user, account = make_seller()
    hub_catalog(sqlite_engine, account, products=5)
    url = _feed(sqlite_engine, account)
    assert re.fullmatch(r"/feeds/[A-Za-z0-9_-]{40,}/market\.yml", url)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    assert response.headers["etag"] and response.headers["last-modified"]
    saved = tmp_path / "got.yml"
    saved.write_bytes(response.content)
    assert check_yml(saved) == [] and len(etree.fromstring(response.content).findall(".//offer")) == 5
    token = url.split("/")[2]
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for other in (f"/feeds/{wrong}/market.yml", f"/feeds/{token}/other.yml", f"/feeds/{token}/market.xml",
                  f"/feeds/{token}/market", "/feeds/x/market.yml"):
        assert client.get(other).status_code == 404, other
    assert client.head(url).status_code == 200


def test_an_unchanged_feed_answers_304_and_a_rebuilt_one_its_new_file(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, account = make_seller()
    hub_catalog(sqlite_engine, account, products=3)
    url = _feed(sqlite_engine, account)
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)}).status_code == 200
    change_product(sqlite_engine, account, "SKU-00001", name="Новое имя")
    with session_scope(sqlite_engine) as session:
        service.build_feed(session, account_id=account, name="market")
    fresh = client.get(url, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["etag"] != etag and "Новое имя".encode() in fresh.content


def test_a_feed_not_built_yet_says_so_instead_of_404(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, account = make_seller()
    url = _feed(sqlite_engine, account, build=False)
    response = client.get(url)
    assert response.status_code == 503 and response.headers["retry-after"] == "60"


def test_the_seller_creates_rebuilds_and_deletes_a_feed_on_the_page(
        client: TestClient, seller: int, sqlite_engine: Engine, tasks_run_here: None) -> None:
    hub_catalog(sqlite_engine, seller, products=4)
    assert "No feeds yet" in client.get("/hub/feeds").text or "Фидов пока нет" in client.get("/hub/feeds").text
    response = submit(client, "/hub/feeds", {"name": "yandex", "in_stock_only": "1"})
    assert response.status_code == 303
    page = client.get("/hub/feeds").text
    url = re.search(r'value="http://testserver(/feeds/[^"]+/yandex\.yml)"', page)
    assert url, page
    got = client.get(url.group(1))  # built by the task the page queued
    assert got.status_code == 200 and len(etree.fromstring(got.content).findall(".//offer")) == 3  # stock > 0
    assert submit(client, "/hub/feeds", {"name": "yandex"}).status_code == 400  # the name is taken
    assert submit(client, "/hub/feeds", {"name": "плохое имя"}).status_code == 400

    with session_scope(sqlite_engine) as session:
        feed_id = service.feed_by_name(session, account_id=seller, name="yandex").id
    change_product(sqlite_engine, seller, "SKU-00001", name="Обновлённый смартфон")
    assert submit(client, f"/hub/feeds/{feed_id}/build").status_code == 303
    assert "Обновлённый смартфон".encode() in client.get(url.group(1)).content

    assert submit(client, f"/hub/feeds/{feed_id}/delete").status_code == 303
    assert client.get(url.group(1)).status_code == 404
    assert "yandex.yml" not in client.get("/hub/feeds").text


def test_markups_are_edited_on_the_page_and_priced_into_the_feed(
        client: TestClient, seller: int, sqlite_engine: Engine) -> None:
    hub_catalog(sqlite_engine, seller, products=2)
    url = _feed(sqlite_engine, seller)
    response = submit(client, "/hub/pricing", {"channel": "feed:market", "percent": "10", "add": "",
                                               "rounding": "10", "min_price": ""})
    assert response.status_code == 303
    page = client.get("/hub/feeds").text
    assert 'data-channel="feed:market"' in page
    refused = submit(client, "/hub/pricing", {"channel": "ozon", "percent": "сто", "rounding": "none"})
    assert refused.status_code == 400 and "feeds-error" in refused.text
    with session_scope(sqlite_engine) as session:
        service.build_feed(session, account_id=seller, name="market")
    prices = [o.findtext("price") for o in etree.fromstring(client.get(url).content).iter("offer")]
    assert prices == ["1100.00", "1100.00"]  # 1000 and 1001 +10 %, to 10 ₽
    assert submit(client, "/hub/pricing/delete", {"channel": "feed:market"}).status_code == 303
    assert 'data-channel="feed:market"' not in client.get("/hub/feeds").text


def test_another_cabinets_feeds_are_out_of_reach(
        client: TestClient, sqlite_engine: Engine, make_seller: Callable[..., tuple[int, int]]) -> None:
    _user, theirs = make_seller("other@example.ru")
    url = _feed(sqlite_engine, theirs, "theirs")
    with session_scope(sqlite_engine) as session:
        their_id = service.feed_by_name(session, account_id=theirs, name="theirs").id
    assert client.get("/hub/feeds").status_code == 303  # login first
    make_seller()
    sign_in(client)
    assert "theirs" not in client.get("/hub/feeds").text
    assert submit(client, f"/hub/feeds/{their_id}/build").status_code == 404
    assert submit(client, f"/hub/feeds/{their_id}/delete").status_code == 404
    assert client.post(f"/hub/feeds/{their_id}/delete").status_code == 403  # no CSRF token
    assert client.get(url).status_code == 200  # still there, for its owner's partners
