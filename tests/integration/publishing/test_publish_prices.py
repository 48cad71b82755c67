"""Prices after the cards: a channel's markup changes every price on it and only the prices go (no card is sent
again); Ozon's ten price changes of a product an hour are never exceeded; a steep drop that Wildberries holds in
quarantine is shown to the seller and not sent again while the price stays the same."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.db import session_scope
from marketsync.pricing import service as pricing
from marketsync.publishing.models import CardPublication
from marketsync.publishing.service import publish, report_lines, summary

from .test_publish_cards import FAST, _map, _writes


def _markup(engine: Engine, account_id: int, channel: str, percent: str) -> None:
    with session_scope(engine) as session:
        pricing.save_rule(session, account_id=account_id, channel=channel, percent=percent)


def _prices(engine: Engine, channel: str) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        return {row.sku: (str(row.price), row.price_state) for row in session.scalars(
            select(CardPublication).where(CardPublication.channel == channel))}


def test_a_markup_sends_the_new_prices_and_no_card(catalog: int, sqlite_engine: Engine, sandbox_state: Any) -> None:
    _map(sqlite_engine, catalog, "ozon")
    publish(sqlite_engine, account_id=catalog, channel="ozon", poller=FAST)
    assert _prices(sqlite_engine, "ozon") == {"PAN-1": ("100.00", "accepted"), "PAN-2": ("100.00", "accepted")}
    _markup(sqlite_engine, catalog, "ozon", "20")
    stats = sandbox_state.stats.snapshot()["ozon"]["by_method"]

    report = publish(sqlite_engine, account_id=catalog, channel="ozon", poller=FAST)

    after = sandbox_state.stats.snapshot()["ozon"]["by_method"]
    assert summary(report) == "created=0 updated=0 unchanged=2 rejected=1" and report.counts.prices == 2
    assert after.get("/v3/product/import") == stats.get("/v3/product/import"), "no card sent again"
    assert after["/v1/product/import/prices"] == stats.get("/v1/product/import/prices", 0) + 1
    assert _prices(sqlite_engine, "ozon") == {"PAN-1": ("120.00", "accepted"), "PAN-2": ("120.00", "accepted")}


def test_ozon_never_gets_an_eleventh_price_change_within_an_hour(catalog: int, sqlite_engine: Engine) -> None:
    _map(sqlite_engine, catalog, "ozon")
    publish(sqlite_engine, account_id=catalog, channel="ozon", poller=FAST)
    for step in range(1, 12):
        _markup(sqlite_engine, catalog, "ozon", str(step))
        report = publish(sqlite_engine, account_id=catalog, channel="ozon", poller=FAST)
    # The card's own price and nine changes make ten; the eleventh waits for the next hour, said per product.
    assert report.counts.prices == 0
    assert [line for line in report_lines(report) if "price" in line] == [
        "PAN-1: price not updated: ten price changes in the last hour (Ozon's limit): the next publish sends it",
        "PAN-2: price not updated: ten price changes in the last hour (Ozon's limit): the next publish sends it"]


def test_a_steep_drop_quarantined_by_wildberries_is_shown_and_not_resent(catalog: int, sqlite_engine: Engine,
                                                                         sandbox_state: Any) -> None:
    _map(sqlite_engine, catalog, "wb")
    publish(sqlite_engine, account_id=catalog, channel="wb", poller=FAST)
    _markup(sqlite_engine, catalog, "wb", "-80")

    dropped = publish(sqlite_engine, account_id=catalog, channel="wb", poller=FAST)
    assert _prices(sqlite_engine, "wb") == {"PAN-1": ("20.00", "quarantined"), "PAN-2": ("20.00", "quarantined")}
    assert any("PAN-1: price not updated:" in line for line in report_lines(dropped))

    writes = _writes(sandbox_state, "wb")
    again = publish(sqlite_engine, account_id=catalog, channel="wb", poller=FAST)
    assert _writes(sandbox_state, "wb") == writes, "a quarantined price is not sent again blindly"
    assert any("PAN-1: price not updated:" in line for line in report_lines(again)), "still shown to the seller"
