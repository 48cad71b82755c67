"""The products table's search on every dialect, through the folded text stored with each product: a product
renamed in Evotor is found by its new name only, case is ignored in Cyrillic and Latin, a part of a name, an
article or a barcode finds it, typed quotes and wildcards are plain text, and rows written before the upgrade
that added the search are found after it."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from alembic import command
from sqlalchemy import select
from sqlalchemy.engine import Engine

from builders import Catalog, seller
from marketsync.catalog.models import Product, Stock, Store
from marketsync.cli.migrate import alembic_config
from marketsync.connections.models import Connection
from marketsync.db import session_scope, utcnow
from marketsync.security import encrypt_json
from marketsync.sync.chain import refresh_source
from marketsync.sync.service import channel_products_page
from marketsync.web.tables import TableQuery

NAMES = ["Ёжик в тумане", "Сыр ЕДАМ 45%", "Coffee BEANS", 'Кофе "Жокей" 100%', "Чай"]


def _found(engine: Engine, account_id: int, store: str, q: str) -> list[str]:
    with session_scope(engine) as session:
        rows, page = channel_products_page(session, account_id, store, TableQuery(q=q, sort="name"))
        assert page.total == len(rows)
        return [r.product.name for r in rows]


def _store(engine: Engine) -> tuple[int, str]:
    """A seller whose store has NAMES, articles ART-0…, barcodes 46010000000n and 2000n (added by the ORM)."""
    with session_scope(engine) as session:
        from marketsync.accounts.service import create_user, primary_account_id

        account = primary_account_id(session, create_user(session, email="s@example.ru", password=None).id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        session.add(evotor)
        session.flush()
        session.add(Store(account_id=account, connection_id=evotor.id, external_id="st", name="Магазин"))
        for n, name in enumerate(NAMES):
            session.add(Product(account_id=account, connection_id=evotor.id, store_external_id="st",
                                external_id=f"uuid-{n}", sku=f"ART-{n}", name=name,
                                barcodes=[f"46010000000{n}", f"2000{n}"], price=Decimal("1")))
    return account, "st"


def test_a_product_renamed_in_evotor_is_found_by_its_new_name_article_and_barcode_not_the_old(
        engine: Engine, sandbox_state) -> None:  # type: ignore[no-untyped-def]
    catalog = Catalog("evotor-token-s-0001", "vk-token-s-0001", 0)
    sandbox_state.evotor.add_token(catalog.evotor_token, "01-00000000000s")
    sandbox_state.vk.add_token(catalog.vk_token, 2019)
    catalog.vk_group_id = sandbox_state.vk.add_group(catalog.vk_token, "Молочная лавка")
    store = sandbox_state.evotor.add_store(catalog.evotor_token, "Магазин")
    catalog.stores.append(store)
    product = sandbox_state.evotor.add_product(
        catalog.evotor_token, store, name="Молоко Домик в деревне", price=Decimal("90"), code="MLK-1",
        barcodes=["4607000000011"], allow_to_sell=True, type="NORMAL", tax="NO_VAT", measure_name="шт")
    sandbox_state.evotor.add_product(catalog.evotor_token, store, name="Кефир", price=Decimal("80"), code="KFR-1",
                                     allow_to_sell=True, type="NORMAL", tax="NO_VAT", measure_name="шт")
    account_id = seller(engine, catalog)
    assert refresh_source(engine, account_id=account_id).status == "succeeded"
    assert _found(engine, account_id, store, "ДОМИК") == ["Молоко Домик в деревне"]

    sandbox_state.evotor.update_product(catalog.evotor_token, store, product, name="Сливки Простоквашино",
                                        code="SLV-2", barcodes=["4607000000028"])
    assert refresh_source(engine, account_id=account_id).status == "succeeded"

    assert _found(engine, account_id, store, "простоквашино") == ["Сливки Простоквашино"]
    assert _found(engine, account_id, store, "slv-2") == ["Сливки Простоквашино"]
    assert _found(engine, account_id, store, "4607000000028") == ["Сливки Простоквашино"]
    for old in ("домик", "MLK-1", "4607000000011"):
        assert _found(engine, account_id, store, old) == [], old


def test_search_ignores_case_finds_any_part_of_a_name_article_or_barcode(engine: Engine) -> None:
    account, store = _store(engine)
    assert _found(engine, account, store, "ёЖИК") == ["Ёжик в тумане"]
    assert _found(engine, account, store, "сыр едам") == ["Сыр ЕДАМ 45%"]
    assert _found(engine, account, store, "bean") == ["Coffee BEANS"]
    assert _found(engine, account, store, "т-3") == []  # Cyrillic "т" is not Latin "t"
    assert _found(engine, account, store, "rt-3") == ["Кофе \"Жокей\" 100%"]
    assert _found(engine, account, store, "0000004") == ["Чай"]  # the middle of a barcode
    assert _found(engine, account, store, "20001") == ["Сыр ЕДАМ 45%"]  # the second barcode
    # One or two characters: below what a trigram index serves, still found.
    assert _found(engine, account, store, "Ёж") == ["Ёжик в тумане"]
    assert _found(engine, account, store, "%") == ["Кофе \"Жокей\" 100%", "Сыр ЕДАМ 45%"]
    if engine.dialect.name not in ("mysql", "mariadb"):  # utf8mb4_general_ci makes ё and е one letter, as before
        assert _found(engine, account, store, "ежик") == []


def test_typed_quotes_wildcards_and_search_syntax_are_plain_text(engine: Engine) -> None:
    account, store = _store(engine)
    assert _found(engine, account, store, '"жокей"') == ['Кофе "Жокей" 100%']
    assert _found(engine, account, store, "100%") == ['Кофе "Жокей" 100%']
    for text in ("*", "_", "ко_е", "NEAR(чай)", "-чай", "чай OR сыр", "name:чай", "'", "\\"):
        assert _found(engine, account, store, text) == [], text
    # The fields are kept apart: a name's end and the article's start are not one text.
    assert _found(engine, account, store, "чайart-4") == []
    assert _found(engine, account, store, "чай\nart-4") == []
    assert _found(engine, account, store, "ча\x00й") == []  # a NUL from a hand-made URL is no error


def test_a_product_renamed_through_the_orm_is_found_by_its_new_name(engine: Engine) -> None:
    account, store = _store(engine)
    with session_scope(engine) as session:
        tea = session.scalars(select(Product).where(Product.name == "Чай")).one()
        tea.name, tea.sku, tea.barcodes = "Каркаде", "HIB-9", ["4699999999999"]
    assert _found(engine, account, store, "КАРКАДЕ") == ["Каркаде"]
    assert _found(engine, account, store, "hib-9") == ["Каркаде"]
    assert _found(engine, account, store, "46999") == ["Каркаде"]
    assert _found(engine, account, store, "чай") == [] and _found(engine, account, store, "art-4") == []


def test_products_stored_before_the_upgrade_are_found_after_it_and_keep_their_stock(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    with session_scope(engine) as session:
        from marketsync.accounts.service import create_user, primary_account_id

        account = primary_account_id(session, create_user(session, email="old@example.ru", password=None).id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        session.add(evotor)
        session.flush()
        session.add(Store(account_id=account, connection_id=evotor.id, external_id="st", name="Магазин"))
        connection_id = evotor.id
    command.downgrade(alembic_config(url), "0005")
    try:
        # The table as revision 0005 had it: no search text.
        products = sa.table("products", *(sa.column(c) for c in (
            "id", "account_id", "connection_id", "store_external_id", "external_id", "sku", "name",
            "allow_to_sell", "refreshed_at")), sa.column("price", sa.Numeric(14, 2)), sa.column("barcodes", sa.JSON),
            sa.column("attributes", sa.JSON))
        with engine.begin() as conn:
            conn.execute(products.insert(), [
                {"account_id": account, "connection_id": connection_id, "store_external_id": "st",
                 "external_id": f"old-{n}", "sku": f"OLD-{n}", "name": name, "price": Decimal("5"),
                 "allow_to_sell": True, "refreshed_at": utcnow().replace(tzinfo=None), "barcodes": [f"4650000{n}"],
                 "attributes": {}} for n, name in enumerate(["Ряженка ЭКО", "Сметана"])])
            ids = conn.execute(sa.select(products.c.id).order_by(products.c.id)).scalars().all()
            conn.execute(sa.table("stocks", sa.column("account_id"), sa.column("product_id"),
                                  sa.column("quantity", sa.Numeric(14, 3)), sa.column("updated_at")).insert(),
                         [{"account_id": account, "product_id": i, "quantity": Decimal("3"),
                           "updated_at": utcnow().replace(tzinfo=None)} for i in ids])
    finally:
        command.upgrade(alembic_config(url), "head")
    engine.dispose()  # pooled connections may hold the table as it was

    assert _found(engine, account, "st", "ряженка эко") == ["Ряженка ЭКО"]
    assert _found(engine, account, "st", "old-1") == ["Сметана"]
    assert _found(engine, account, "st", "46500001") == ["Сметана"]
    with session_scope(engine) as session:  # SQLite's upgrade never copies products: no stock cascades away
        assert session.scalar(select(sa.func.count()).select_from(Stock)) == 2
