"""The products and VK item tables' queries on every dialect: search in the barcodes' JSON, sort with empty stock
last both ways, the VK item joined by product key, a page past the end, the exports' streams of every row."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine

from marketsync.accounts.service import create_user, primary_account_id
from marketsync.catalog.models import Product, Stock, Store
from marketsync.connections.models import Connection
from marketsync.db import session_scope
from marketsync.security import encrypt_json
from marketsync.sync.models import Binding, ChannelItem
from marketsync.sync.service import channel_album_items_export, channel_products_export, channel_products_page
from marketsync.web.tables import TableQuery


def _seed(engine: Engine) -> tuple[int, str]:
    with session_scope(engine) as session:
        account = primary_account_id(session, create_user(session, email="s@example.ru", password=None).id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        vk = Connection(account_id=account, system="vk", settings={"group_id": 42},
                        credentials_encrypted=encrypt_json({}))
        session.add_all([evotor, vk])
        session.flush()
        session.add(Store(account_id=account, connection_id=evotor.id, external_id="st", name="Магазин"))
        for n in range(7):
            product = Product(account_id=account, connection_id=evotor.id, store_external_id="st",
                              external_id=f"uuid-{n}", sku=f"SKU{n}" if n != 6 else "", name=f"Чай {n}",
                              barcodes=[f"4600{n}"], price=Decimal(n * 10), allow_to_sell=True,
                              quantity=Decimal(n) if n < 5 else None)
            session.add(product)
            session.flush()
            if n < 5:  # two products have no stock (as the importer writes it: on the row and in stocks)
                session.add(Stock(account_id=account, product_id=product.id, quantity=Decimal(n)))
        # Product 6 has no article: its key, and so its binding, is its Evotor id.
        for key, item in (("SKU2", "902"), ("uuid-6", "906")):
            session.add(Binding(account_id=account, connection_id=vk.id, kind="item", internal_id=key,
                                external_id=item))
            session.add(ChannelItem(account_id=account, connection_id=vk.id, kind="item", external_id=item,
                                    name="x", price=Decimal("5"), hidden=item == "906", album_ids=[],
                                    url=f"https://vk.com/market-42?w=product-42_{item}"))  # as the channel gave it
        return account, "st"


def test_the_products_query_searches_sorts_joins_vk_and_streams_on_every_dialect(engine: Engine) -> None:
    account, store = _seed(engine)
    with session_scope(engine) as session:
        rows, page = channel_products_page(session, account, store, TableQuery(q="46003", sort="name"))
        assert [r.product.name for r in rows] == ["Чай 3"] and page.total == 1

        rows, _page = channel_products_page(session, account, store, TableQuery(sort="stock", dir="desc"))
        assert [r.product.name for r in rows] == ["Чай 4", "Чай 3", "Чай 2", "Чай 1", "Чай 0", "Чай 6", "Чай 5"]
        rows, _page = channel_products_page(session, account, store, TableQuery(sort="stock", dir="asc"))
        assert [r.quantity for r in rows][-2:] == [None, None]  # no stock row: last both ways

        rows, _page = channel_products_page(session, account, store, TableQuery(sort="name"))
        by_name = {r.product.name: r for r in rows}
        assert by_name["Чай 2"].channel is not None and by_name["Чай 2"].channel.price == Decimal("5")
        assert by_name["Чай 2"].channel.url == "https://vk.com/market-42?w=product-42_902"
        assert by_name["Чай 6"].channel is not None and by_name["Чай 6"].channel.hidden
        assert by_name["Чай 1"].channel is None

        hidden, page = channel_products_page(session, account, store, TableQuery(filters={"vk": "hidden"}))
        assert [r.product.name for r in hidden] == ["Чай 6"] and page.total == 1

        rows, page = channel_products_page(session, account, store, TableQuery(sort="price", per_page=25, page=9))
        assert page.page == 1 and len(rows) == 7  # a page past the end is the last one

        streamed = list(channel_products_export(session, account, store, TableQuery(sort="price", dir="desc")))
        assert [r.product.price for r in streamed] == [Decimal(n * 10) for n in range(6, -1, -1)]


def test_every_page_in_every_sort_follows_the_whole_order_on_every_dialect(engine: Engine) -> None:
    account, store = _seed(engine)
    with session_scope(engine) as session:  # ties: two more "Чай 3" with the same price, one without stock
        first = session.scalars(select(Product).where(Product.name == "Чай 3")).one()
        for n in (7, 8):
            twin = Product(account_id=account, connection_id=first.connection_id, store_external_id=store,
                           external_id=f"uuid-{n}", sku=None, name="Чай 3", barcodes=[], price=Decimal(30),
                           quantity=Decimal(3) if n == 7 else None)
            session.add(twin)
            session.flush()
            if n == 7:
                session.add(Stock(account_id=account, product_id=twin.id, quantity=Decimal(3)))
    with session_scope(engine) as session:
        for sort in ("name", "sku", "price", "stock"):
            for direction in ("asc", "desc"):
                whole = [r.product.id for r in channel_products_export(
                    session, account, store, TableQuery(sort=sort, dir=direction))]
                paged = []  # pages of 2 past the middle are read from the end: the same rows, in the same order
                for number in range(1, 6):
                    rows, page = channel_products_page(session, account, store,
                                                       TableQuery(sort=sort, dir=direction, per_page=2, page=number))
                    assert page.page == number and page.total == 9
                    paged += [r.product.id for r in rows]
                assert paged == whole and len(set(whole)) == 9, (sort, direction)


def test_album_items_export_joins_the_articles_on_every_dialect(engine: Engine) -> None:
    account, _store = _seed(engine)
    with session_scope(engine) as session:
        vk = session.scalars(select(Connection).where(Connection.system == "vk")).one()
        for n, sku in enumerate(("SKU1", "uuid-6", None)):
            session.add(ChannelItem(account_id=account, connection_id=vk.id, kind="item", external_id=f"7{n}",
                                    name=f"Позиция {n}", sku=sku, price=Decimal(n), album_ids=["3"]))
    with session_scope(engine) as session:
        vk = session.scalars(select(Connection).where(Connection.system == "vk")).one()
        rows = list(channel_album_items_export(session, vk, "3", TableQuery(sort="price", dir="desc")))
        assert [(item.name, article) for item, article in rows] == [
            ("Позиция 2", None), ("Позиция 1", None), ("Позиция 0", "SKU1")]
