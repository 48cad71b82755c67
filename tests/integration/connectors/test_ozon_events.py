"""The Ozon connector as an EventFeed against the sandbox over real HTTP: orders from FBS and FBO postings,
buyouts and returns, reviews (and Ozon's 403 without Premium Plus), stock per offer, cards; paging, UTC times,
a cancellation seen when the window is read again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from marketsync.connectors.capabilities import EventFeed
from marketsync.connectors.records import BUYOUT, RETURN
from marketsync.sandbox.ozon import events
from marketsync.sandbox.ozon.seed import OfferSeed
from ozon_world import FBO_MOSCOW, ozon_connector, seed_seller


def _calls(state, path: str) -> int:  # type: ignore[no-untyped-def]
    return int(state.stats.snapshot()["ozon"]["by_method"].get(path, 0))


def _flat(pages):  # type: ignore[no-untyped-def]
    return [record for page in pages for record in page]


def _hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


def test_every_posting_line_is_an_order_with_its_warehouse_region_and_utc_times(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=3)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    fbs = events.place_posting(ozon, client_id, offer_id="A-1", city=1, price=Decimal("1290.50"))
    fbo = events.place_posting(ozon, client_id, offer_id="A-3", scheme="fbo", quantity=2)
    connector = ozon_connector(world)
    assert isinstance(connector, EventFeed)

    orders = {order.order_id: order for order in _flat(connector.iter_orders(_hour_ago()))}

    sku1, sku3 = fbs.lines[0].sku, fbo.lines[0].sku
    assert set(orders) == {f"{fbs.posting_number}:{sku1}", f"{fbo.posting_number}:{sku3}"}
    first = orders[f"{fbs.posting_number}:{sku1}"]
    assert (first.article, first.product_id, first.price) == ("A-1", str(sku1), Decimal("1290.50"))
    assert (first.warehouse, first.region) == ("Склад на Ленина", "Санкт-Петербург")
    assert first.ordered_at == fbs.in_process_at and first.ordered_at.tzinfo == UTC
    assert first.changed_at.tzinfo == UTC and not first.cancelled and first.cancelled_at is None
    second = orders[f"{fbo.posting_number}:{sku3}"]
    assert (second.article, second.warehouse, second.region) == ("A-3", "ХОРУГВИНО_РФЦ", "Москва")
    # The FBO posting took its units from Ozon's Moscow stock.
    seller = sandbox_state.ozon.seller(client_id)
    assert seller.fbo[seller.product("A-3").product_id][FBO_MOSCOW] == 30 - 2


def test_a_cancellation_is_seen_when_the_window_behind_the_cursor_is_read_again(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    old = events.place_posting(ozon, client_id, offer_id="A-2", at=datetime.now(UTC) - timedelta(days=3))
    connector = ozon_connector(world)

    first = _flat(connector.iter_orders(_hour_ago()))  # the cursor is past the posting: read again anyway
    events.cancel_posting(ozon, client_id, old.posting_number)
    cursor = max(order.changed_at for order in first)
    again = _flat(connector.iter_orders(cursor))

    assert [o.cancelled for o in first] == [False]
    assert [(o.order_id, o.cancelled, o.cancelled_at) for o in again] == [(first[0].order_id, True, None)]
    assert again[0].changed_at >= cursor  # dated by the read that saw it


def test_posting_lists_page_by_offset_and_fbo_restarts_past_its_offset_cap(env, sandbox_state, monkeypatch):
    monkeypatch.setattr("marketsync.connectors.ozon.client_events.POSTINGS_LIMIT", 2)
    monkeypatch.setattr("marketsync.connectors.ozon.client_events.FBO_OFFSET_MAX", 4)
    world = seed_seller(sandbox_state, offers=3)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    start = datetime.now(UTC) - timedelta(hours=5)
    made = [events.place_posting(ozon, client_id, scheme="fbs", at=start + timedelta(minutes=n)) for n in range(5)]
    made += [events.place_posting(ozon, client_id, scheme="fbo", offer_id="A-3", at=start + timedelta(minutes=n))
             for n in range(7)]

    pages = list(ozon_connector(world).iter_orders(_hour_ago()))

    ids = [order.order_id for page in pages for order in page]
    assert sorted(ids) == sorted(f"{p.posting_number}:{p.lines[0].sku}" for p in made)  # each exactly once
    # FBS: offsets 0, 2, 4 until has_next is false. FBO: offsets 0 and 2; offset 4 would pass the cap, so from
    # the 4th posting's time again (the 4th itself skipped), offsets 0 and 2; then from the 7th's: nothing new.
    assert [len(page) for page in pages] == [2, 2, 1, 2, 2, 1, 2]
    assert _calls(sandbox_state, "/v3/posting/fbs/list") == 3
    assert _calls(sandbox_state, "/v2/posting/fbo/list") == 5


def test_buyouts_and_returns_are_sales_with_stable_dates(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=3)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    day = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    fbs = events.place_posting(ozon, client_id, offer_id="A-1", price=Decimal("1000"), at=day)
    events.deliver_posting(ozon, client_id, fbs.posting_number, at=day + timedelta(hours=20))
    fbo = events.place_posting(ozon, client_id, offer_id="A-3", scheme="fbo", price=Decimal("500"), at=day)
    events.deliver_posting(ozon, client_id, fbo.posting_number, at=day + timedelta(hours=30))
    cancelled = events.place_posting(ozon, client_id, offer_id="A-2", at=day)
    events.cancel_posting(ozon, client_id, cancelled.posting_number, at=day + timedelta(hours=1))
    back = events.return_posting(ozon, client_id, fbs.posting_number, at=day + timedelta(hours=40))
    connector = ozon_connector(world)

    sales = {sale.sale_id: sale for sale in _flat(connector.iter_sales(_hour_ago()))}
    events.move_return(ozon, client_id, back.id, "ReceivedBySeller")
    again = [sale.sale_id for sale in _flat(connector.iter_sales(_hour_ago()))]

    fbs_key, fbo_key = f"{fbs.posting_number}:{fbs.lines[0].sku}", f"{fbo.posting_number}:{fbo.lines[0].sku}"
    assert set(sales) == {f"S:{fbs_key}", f"S:{fbo_key}", f"R:{back.id}"}  # nothing for the cancelled one
    buyout = sales[f"S:{fbs_key}"]
    assert (buyout.kind, buyout.order_id, buyout.article, buyout.price, buyout.for_pay) == (
        BUYOUT, fbs_key, "A-1", Decimal("1000"), Decimal("850.00"))
    assert buyout.sold_at == day + timedelta(hours=20)  # FBS: the end of delivery
    assert sales[f"S:{fbo_key}"].sold_at == day  # FBO lists no delivery time: dated by its posting
    returned = sales[f"R:{back.id}"]
    assert (returned.kind, returned.order_id, returned.product_id, returned.price) == (
        RETURN, fbs_key, str(fbs.lines[0].sku), Decimal("1000"))
    assert returned.sold_at == day + timedelta(hours=40) and returned.sold_at.tzinfo == UTC
    assert sorted(again) == sorted(sales)  # a return's status moving on is the same return


def test_returns_page_by_last_id(env, sandbox_state, monkeypatch):
    monkeypatch.setattr("marketsync.connectors.ozon.client_events.RETURNS_LIMIT", 2)
    world = seed_seller(sandbox_state, offers=1)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    returned = []
    for _ in range(5):
        posting = events.deliver_posting(ozon, client_id, events.place_posting(ozon, client_id).posting_number)
        returned.append(events.return_posting(ozon, client_id, posting.posting_number).id)

    sales = _flat(ozon_connector(world).iter_sales(_hour_ago()))

    assert sorted(s.sale_id for s in sales if s.kind == RETURN) == sorted(f"R:{n}" for n in returned)
    assert _calls(sandbox_state, "/v1/returns/list") == 3


def test_reviews_since_a_day_before_the_cursor_newest_first_across_pages(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    now = datetime.now(UTC).replace(microsecond=0)
    events.write_review(ozon, client_id, offer_id="A-1", rating=5, text="давно", at=now - timedelta(days=3))
    bad = events.write_review(ozon, client_id, offer_id="A-2", rating=1, text="Брак", at=now - timedelta(hours=12))
    for n in range(120):
        events.write_review(ozon, client_id, offer_id="A-1", rating=4, at=now - timedelta(minutes=30 - n / 10))

    pages = list(ozon_connector(world).iter_reviews(now - timedelta(hours=1)))

    reviews = _flat(pages)
    assert [len(page) for page in pages] == [100, 21]  # the 3-day-old one ends the read
    assert reviews[-1].review_id == bad.id
    assert (reviews[-1].rating, reviews[-1].text, reviews[-1].article) == (1, "Брак", "A-2")
    assert reviews[-1].product_id == str(bad.sku) and reviews[-1].created_at == now - timedelta(hours=12)
    assert all(r.created_at.tzinfo == UTC for r in reviews)


def test_without_premium_plus_reviews_are_skipped_and_the_feed_goes_on(env, sandbox_state, caplog):
    world = seed_seller(sandbox_state, offers=1)
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    events.write_review(ozon, client_id, rating=2)
    events.place_posting(ozon, client_id)
    events.set_premium_plus(ozon, client_id, False)
    connector = ozon_connector(world)

    with caplog.at_level(logging.WARNING, logger="marketsync.connectors.ozon.events"):
        reviews = list(connector.iter_reviews(_hour_ago()))
    orders = _flat(connector.iter_orders(_hour_ago()))

    assert reviews == [] and connector.reviews_unavailable
    assert "Premium Plus" in caplog.text
    assert len(orders) == 1 and connector.check().ok


def test_size_stocks_are_one_key_per_offer_over_fbs_and_fbo_warehouses(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=3, extra=[OfferSeed("NO-STOCK", "Без остатка"),
                                                        OfferSeed("OLD-1", "Снятый", archived=True, fbs={})])
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    events.place_posting(ozon, client_id, offer_id="A-1")  # reserves the one unit at our warehouse
    connector = ozon_connector(world)

    rows = _flat(connector.iter_size_stocks())

    totals: dict[str, int] = {}
    for row in rows:
        assert row.size_key == row.article and row.product_id.isdigit()
        totals[row.size_key] = totals.get(row.size_key, 0) + row.quantity
    assert totals == {"A-1": 0 + 101, "A-2": 2 - 1, "A-3": 3 + 103 + 30, "NO-STOCK": 0}
    warehouses = {row.warehouse for row in rows if row.size_key == "A-3"}
    assert warehouses == {"Склад на Ленина", "Склад в Питере", "ХОРУГВИНО_РФЦ"}


def test_cards_carry_the_sku_as_product_id_and_the_main_picture(env, sandbox_state):
    world = seed_seller(sandbox_state, offers=2, extra=[OfferSeed("BARE", "Без фото", photos=0)])
    ozon, client_id = sandbox_state.ozon, int(world.client_id)
    posting = events.place_posting(ozon, client_id, offer_id="A-2")
    connector = ozon_connector(world)

    cards = {card.article: card for card in _flat(connector.iter_cards())}
    orders = _flat(connector.iter_orders(_hour_ago()))

    assert set(cards) == {"A-1", "A-2", "BARE"}
    assert cards["A-2"].product_id == orders[0].product_id == str(posting.lines[0].sku)
    assert cards["A-2"].title == "Товар 2" and cards["A-2"].photo_url.startswith("https://cdn1.ozone.ru/")
    assert cards["BARE"].photo_url is None


def test_events_made_through_the_control_api_are_stamped_by_the_emulators_clock(env, sandbox, sandbox_state):
    world = seed_seller(sandbox_state, offers=1)
    with httpx.Client(base_url=f"{sandbox.url}/_control/ozon") as control:
        moved = control.post("/clock/advance", json={"seconds": 120}).json()
        made = control.post("/events", json={"client_id": world.client_id, "kind": "posting"}).json()
        delivered = control.post("/events", json={"client_id": world.client_id, "kind": "deliver",
                                                  "posting_number": made["posting_number"]}).json()
        refused = control.post("/events", json={"client_id": world.client_id, "kind": "cancel",
                                                "posting_number": made["posting_number"]})

    assert datetime.fromisoformat(made["in_process_at"]) >= datetime.fromisoformat(moved["utc"]).replace(
        microsecond=0)
    assert delivered["status"] == "delivered" and refused.status_code == 400
    sales = _flat(ozon_connector(world).iter_sales(_hour_ago()))
    assert [s.sale_id for s in sales] == [f"S:{made['posting_number']}:{made['skus'][0]}"]
