"""Building a feed on each database: every product by default, the markup of its channel, its category and stock
options, the last good file kept when a rebuild fails, and the beat rebuilding a feed only when something changed."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import delete, update
from sqlalchemy.engine import Engine

from feed_builders import cabinet, change_product, hub_catalog
from marketsync.db import session_scope, utcnow
from marketsync.feeds import service, tasks, yml_writer
from marketsync.feeds.models import Feed
from marketsync.feeds.yml_check import check_yml
from marketsync.hub.models import HubProduct
from marketsync.pricing import service as pricing


def _offers(path: Path) -> dict[str, dict[str, str]]:
    root = etree.parse(str(path)).getroot()
    return {o.get("id"): {"price": o.findtext("price"), "category": o.findtext("categoryId"),
                          "available": o.get("available")} for o in root.iter("offer")}


def _categories(path: Path) -> dict[str, tuple[str, str | None]]:
    return {c.get("id"): (c.text, c.get("parentId")) for c in etree.parse(str(path)).getroot().iter("category")}


def _create(engine: Engine, account: int, name: str = "market", **options: object) -> None:
    with session_scope(engine) as session:
        service.create_feed(session, account_id=account, name=name, **options)  # type: ignore[arg-type]


def _build(engine: Engine, account: int, name: str = "market") -> Path:
    with session_scope(engine) as session:
        return service.build_feed(session, account_id=account, name=name)


def test_a_feed_without_options_holds_every_product_at_the_catalog_price(engine: Engine) -> None:
    account = cabinet(engine)
    ids = hub_catalog(engine, account, products=10, uncategorized=2)
    other = cabinet(engine, "other@example.ru")
    hub_catalog(engine, other, products=3, start=100)
    _create(engine, account)
    path = _build(engine, account)
    assert check_yml(path) == []
    offers = _offers(path)
    assert sorted(offers) == [f"SKU-{i:05d}" for i in range(12)]  # the other cabinet's products are not there
    assert offers["SKU-00003"] == {"price": "1003.00", "category": str(ids["Смартфоны"]), "available": "true"}
    assert offers["SKU-00004"]["available"] == "false"  # stock 0
    assert offers["SKU-00011"]["category"] == "0"  # no category: under "Без категории", never dangling
    assert _categories(path)[str(ids["Смартфоны"])] == ("Смартфоны", str(ids["Электроника"]))
    with session_scope(engine) as session:
        feed = service.feed_by_name(session, account_id=account, name="market")
        assert feed.offers_count == 12 and feed.last_error is None and feed.file_path == str(path)


def test_each_feed_prices_with_its_markup(engine: Engine) -> None:
    account = cabinet(engine)
    hub_catalog(engine, account, products=4)
    with session_scope(engine) as session:
        pricing.save_rule(session, account_id=account, channel="feed:market", percent="10", rounding="99")
        pricing.save_rule(session, account_id=account, channel="ym", percent="-10", min_price="950")
    _create(engine, account, "market")
    _create(engine, account, "for-ym", price_channel="ym")
    _create(engine, account, "plain", price_channel="wb")  # WB has no rule: the catalog price
    assert _offers(_build(engine, account, "market"))["SKU-00001"]["price"] == "1199.00"  # 1001 +10% = 1101.10
    assert _offers(_build(engine, account, "for-ym"))["SKU-00001"]["price"] == "950.00"  # 900.90, floor 950
    assert _offers(_build(engine, account, "plain"))["SKU-00001"]["price"] == "1001.00"


def test_a_category_feed_holds_its_subcategories_and_in_stock_only_drops_the_rest(engine: Engine) -> None:
    account = cabinet(engine)
    ids = hub_catalog(engine, account, products=8, uncategorized=1)
    _create(engine, account, "phones", categories=["Электроника"], in_stock_only=True)
    path = _build(engine, account, "phones")
    assert check_yml(path) == []
    # SKU 0-3 are phones (under Смартфоны ⊂ Электроника); of them 0 has no stock.
    assert sorted(_offers(path)) == ["SKU-00001", "SKU-00002", "SKU-00003"]
    assert set(_categories(path)) == {str(ids["Электроника"]), str(ids["Смартфоны"])}


def test_a_failed_rebuild_keeps_the_last_good_feed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    account = cabinet(engine)
    hub_catalog(engine, account, products=6)
    _create(engine, account)
    path = _build(engine, account)
    good = path.read_bytes()
    change_product(engine, account, "SKU-00001", price=Decimal("5.00"))
    written = 0
    real = yml_writer._write_offer

    def disk_full_after_three(xf: object, offer: object) -> None:
        nonlocal written
        written += 1
        if written > 3:
            raise OSError(28, "No space left on device")
        real(xf, offer)  # type: ignore[arg-type]

    monkeypatch.setattr(yml_writer, "_write_offer", disk_full_after_three)
    # As the CLI does: the failure is caught inside the session, so the error recorded on the feed is committed.
    with session_scope(engine) as session, pytest.raises(service.FeedBuildError, match="No space left"):
        service.build_feed(session, account_id=account, name="market")
    assert written == 4  # it failed mid-write
    assert path.read_bytes() == good and os.listdir(path.parent) == [path.name]  # no half file, no leftovers
    with session_scope(engine) as session:
        feed = service.feed_by_name(session, account_id=account, name="market")
        assert "No space left on device" in (feed.last_error or "") and feed.offers_count == 6
    monkeypatch.setattr(yml_writer, "_write_offer", real)
    assert _offers(_build(engine, account))["SKU-00001"]["price"] == "5.00"
    with session_scope(engine) as session:
        assert service.feed_by_name(session, account_id=account, name="market").last_error is None


def test_the_beat_rebuilds_a_feed_when_it_changed_and_never_otherwise(engine: Engine) -> None:
    account = cabinet(engine)
    hub_catalog(engine, account, products=5)
    other = cabinet(engine, "other@example.ru")
    hub_catalog(engine, other, products=2, start=50)
    _create(engine, account)
    assert tasks.rebuild_changed() == 1  # never built
    with session_scope(engine) as session:
        path = Path(service.feed_by_name(session, account_id=account, name="market").file_path or "")
    stamp = path.stat().st_mtime_ns
    assert tasks.rebuild_changed() == 0 and tasks.rebuild_changed() == 0
    change_product(engine, other, "SKU-00050", stock=9)  # another cabinet's change
    assert tasks.rebuild_changed() == 0 and path.stat().st_mtime_ns == stamp

    change_product(engine, account, "SKU-00002", stock=40)
    assert tasks.rebuild_changed() == 1 and tasks.rebuild_changed() == 0
    with session_scope(engine) as session:
        pricing.save_rule(session, account_id=account, channel="feed:market", percent="5")
    assert tasks.rebuild_changed() == 1 and tasks.rebuild_changed() == 0
    with session_scope(engine) as session:
        session.execute(delete(HubProduct).where(HubProduct.sku == "SKU-00004"))
    assert tasks.rebuild_changed() == 1 and tasks.rebuild_changed() == 0
    assert "SKU-00004" not in _offers(path) and _offers(path)["SKU-00002"]["price"] == "1052.10"  # 1002 +5 %
    with session_scope(engine) as session:  # older than FEED_MAX_AGE_MINUTES (a day): rebuilt anyway
        session.execute(update(Feed).values(last_built_at=utcnow() - timedelta(days=1, minutes=1)))
    assert tasks.rebuild_changed() == 1 and tasks.rebuild_changed() == 0
