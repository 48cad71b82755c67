"""The world `stock_push.py` measures: a cabinet of N product keys seeded straight into a scratch database, one
marketplace emulator seeded with an offer for each key (a few matched by barcode only) and a few foreign
offers, and readers of what the emulator holds afterwards. Deterministic: key i's stock follows from i."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pushing child process never loads the sandbox
    from marketsync.sandbox.state import SandboxState

STORES = ("store-a", "store-b", "store-c")
SYSTEMS = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}
CHUNK = 10_000
BY_BARCODE_EVERY = 1000  # key i with i % 1000 == 500 is on the marketplace under another offer id: barcode only
CHANGE_EVERY = 100  # the 1 % push: keys i with i % 100 == 37 get 7 more units in their first row
OZON_WAREHOUSE, WB_WAREHOUSE, YM_CAMPAIGN, YM_WAREHOUSE = 22142605386000, 1_234_567, 2001, 3001


def key_of(i: int) -> str:
    """Our product key i: every tenth an article sold in two stores, the rest a code sold in one."""
    return f"ART-{i:06d}" if i % 10 == 3 else f"{100000 + i}"


def barcode_of(i: int) -> str:
    """The barcode key i's products carry."""
    return f"46{i:011d}"


def rows_of(i: int) -> list[tuple[str, Decimal]]:
    """(store, quantity) of each catalog row of key i: fractions, zeros and negative store quantities."""
    first = (STORES[0] if i % 10 == 3 else STORES[i % 3], Decimal((i * 37) % 41 - 5) + Decimal("0.25"))
    return [first, (STORES[1], Decimal((i * 11) % 13) + Decimal("0.5"))] if i % 10 == 3 else [first]


def offered_of(i: int, changed: bool = False) -> int:
    """What we offer for key i (floor of the sum of non-negative store quantities, reserve 0)."""
    rows = rows_of(i)
    total = sum((max(q, Decimal(0)) for _, q in rows), Decimal(0)) + (7 if changed else 0)
    return math.floor(total)


def create_schema() -> None:
    """Drop and create every table of the scratch database."""
    from marketsync.db import get_engine
    from marketsync.models import metadata

    metadata.drop_all(get_engine())
    metadata.create_all(get_engine())


def seed_cabinet(keys: int) -> int:
    """Add a seller with `keys` product keys (plus keys/1000 on no marketplace) in three enabled stores, each row
    with its stock; return the account."""
    from sqlalchemy import insert, select, text

    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.catalog.models import Product, Stock, Store
    from marketsync.catalog.search import search_text
    from marketsync.connections.models import Connection
    from marketsync.db import get_engine, session_scope, utcnow
    from marketsync.security import encrypt_json
    from marketsync.sync.filters import set_store

    total = keys + keys // 1000
    with session_scope() as session:
        user = create_user(session, email="bench@example.ru", password="correct-horse-42", name="Bench")
        account = primary_account_id(session, user.id)
        evotor = Connection(account_id=account, system="evotor", settings={}, credentials_encrypted=encrypt_json({}))
        session.add(evotor)
        session.flush()
        for store in STORES:
            session.add(Store(account_id=account, connection_id=evotor.id, external_id=store, name=store))
            set_store(session, account, store, enabled=True, all_groups=True)
        now = utcnow()
        for start in range(0, total, CHUNK):
            products, quantities = [], {}
            for i in range(start, min(total, start + CHUNK)):
                for row, (store, quantity) in enumerate(rows_of(i)):
                    external = f"p-{i}-{row}"
                    quantities[external] = quantity
                    products.append({
                        "account_id": account, "connection_id": evotor.id, "store_external_id": store,
                        "external_id": external, "sku": f"{100000 + i}",
                        "article_number": key_of(i) if i % 10 == 3 else None, "barcodes": [barcode_of(i)],
                        "name": f"Товар номер {i:06d}", "price": Decimal("99.90"), "allow_to_sell": True,
                        "attributes": {}, "refreshed_at": now, "quantity": quantity,
                        "stock_key": key_of(i) if i % 10 == 3 else f"{100000 + i}",
                        "search_text": search_text(f"Товар номер {i:06d}", f"{100000 + i}", [barcode_of(i)],
                                                   key_of(i) if i % 10 == 3 else None)})
            session.execute(insert(Product), products)
            ids = session.execute(select(Product.id, Product.external_id).where(
                Product.account_id == account, Product.external_id.in_(list(quantities)))).all()
            session.execute(insert(Stock), [{"account_id": account, "product_id": pid, "quantity": quantities[ext],
                                             "updated_at": now} for pid, ext in ids])
    with get_engine().connect() as conn:  # fresh statistics, as autovacuum would have them after a bulk load
        mariadb = conn.dialect.name in {"mysql", "mariadb"}
        conn.execute(text("ANALYZE TABLE products, stocks" if mariadb else "ANALYZE"))
        conn.commit()
    return account


def change_one_percent(account: int, keys: int) -> int:
    """Give every hundredth key 7 more units in its first store row; return how many keys changed."""
    from sqlalchemy import select, update

    from marketsync.catalog.models import Product, Stock
    from marketsync.db import session_scope

    chosen = [i for i in range(keys) if i % CHANGE_EVERY == 37]
    with session_scope() as session:
        for start in range(0, len(chosen), 900):
            wanted = {f"p-{i}-0": i for i in chosen[start:start + 900]}
            rows = session.execute(select(Stock.id, Product.external_id).join(Product, Product.id == Stock.product_id)
                                   .where(Product.account_id == account, Product.external_id.in_(list(wanted)))).all()
            session.execute(update(Stock), [
                {"id": sid, "quantity": max(rows_of(wanted[ext])[0][1], Decimal(0)) + 7} for sid, ext in rows])
    return len(chosen)


def _initial(i: int) -> int | None:
    """The marketplace's stock at our warehouse before the first push: none, or an amount that differs."""
    return None if i % 3 == 0 else offered_of(i) + 1 + i % 4


PREFIX = {"ozon": "OZ", "wildberries": "WB", "yandex_market": "YM"}
FOREIGN_STOCK = 5


def offer_id(system: str, i: int) -> str:
    """The marketplace's offer id (WB vendorCode) of key i: our key, or another id carrying our barcode."""
    return f"{PREFIX[system]}-{i}" if i % BY_BARCODE_EVERY == 500 else key_of(i)


def foreign_ids(system: str, keys: int) -> list[str]:
    """The offer ids of the seller's offers that are no product of ours (a few per thousand)."""
    return [f"{PREFIX[system]}-F{j:05d}" for j in range(max(10, keys // 1000))]


def expected(system: str, keys: int, *, changed: bool) -> dict[str, int]:
    """What the marketplace must hold after a push: our offered stock on each matched offer, foreign ones as
    seeded."""
    ours = {offer_id(system, i): offered_of(i, changed and i % CHANGE_EVERY == 37) for i in range(keys)}
    return ours | dict.fromkeys(foreign_ids(system, keys), FOREIGN_STOCK)


def seed_marketplace(state: SandboxState, system: str, keys: int) -> dict[str, Any]:
    """Seed one emulator with an offer per key and the foreign ones; return the connection's credentials (new
    ones for each size, so the client's shared rate-limit buckets of another run never count)."""
    foreign = [(f, f"200{j:010d}") for j, f in enumerate(foreign_ids(system, keys))]
    if system == "ozon":
        from marketsync.sandbox.ozon.seed import OfferSeed, seed_ozon

        offers = [OfferSeed(offer_id(system, i), f"Товар {i}", (barcode_of(i),),
                            fbs={} if _initial(i) is None else {OZON_WAREHOUSE: int(_initial(i) or 0)})
                  for i in range(keys)]
        offers += [OfferSeed(f, "Чужой товар", (b,), fbs={OZON_WAREHOUSE: FOREIGN_STOCK}) for f, b in foreign]
        seeded = seed_ozon(state.ozon, client_id=1_000_000 + keys, api_key=f"ozon-key-{keys}",
                           warehouses=((OZON_WAREHOUSE, "Склад на Ленина"),), offers=offers)
        return {"client_id": seeded["client_id"], "api_key": f"ozon-key-{keys}", "warehouse_id": str(OZON_WAREHOUSE)}
    if system == "wildberries":
        from marketsync.sandbox.wildberries.seed import seed_wildberries

        cards: list[dict[str, Any]] = [
            {"vendor_code": offer_id(system, i), "title": f"Товар {i}", "barcodes": [barcode_of(i)],
             **({} if _initial(i) is None else {"fbs": {0: _initial(i)}})} for i in range(keys)]
        cards += [{"vendor_code": f, "title": "Чужой товар", "barcodes": [b], "fbs": {0: FOREIGN_STOCK}}
                  for f, b in foreign]
        start = datetime.now(UTC) - timedelta(minutes=len(cards) + 60)  # every card last updated in the past
        seed_wildberries(state.wildberries, f"wb-token-{keys}", offers=cards, start=start,
                         warehouses=({"name": "Склад на Ленина", "warehouse_id": WB_WAREHOUSE},))
        return {"token": f"wb-token-{keys}", "warehouse_id": str(WB_WAREHOUSE)}
    from marketsync.sandbox.yandex_market.seed import seed_yandex_market

    ym = [{"offer_id": offer_id(system, i), "name": f"Товар {i}", "barcodes": [barcode_of(i)], "stock": _initial(i)}
          for i in range(keys)]
    ym += [{"offer_id": f, "name": "Чужой товар", "barcodes": [b], "stock": FOREIGN_STOCK} for f, b in foreign]
    seeded = seed_yandex_market(state.yandex_market, f"ym-token-{keys}", offers=ym, business_id=1000 + keys,
                                campaign_id=YM_CAMPAIGN, warehouse_id=YM_WAREHOUSE)
    return {"token": f"ym-token-{keys}", "business_id": str(seeded["ym_business_id"]),
            "campaign_id": str(YM_CAMPAIGN)}


def held(state: SandboxState, system: str, credentials: dict[str, Any]) -> dict[str, int]:
    """What the emulator holds at our warehouse, by offer id (WB: vendorCode; one size a card here)."""
    if system == "ozon":
        from marketsync.sandbox.ozon.seed import dump_ozon

        offers = dump_ozon(state.ozon, credentials["api_key"])["offers"]
        ours = str(OZON_WAREHOUSE)
        return {o["offer_id"]: o["fbs"][ours]["present"] - o["fbs"][ours]["reserved"] for o in offers
                if ours in o["fbs"]}
    if system == "wildberries":
        dump = state.dump("wildberries", credentials["token"])
        codes = {size["chrtID"]: card["vendorCode"] for card in dump["cards"] for size in card["sizes"]}
        return {codes[row["chrtId"]]: row["amount"] for row in dump["fbs"] if row["warehouseId"] == WB_WAREHOUSE}
    dump = state.dump("yandex_market", credentials["token"])
    return {row["offerId"]: row["available"] for row in dump["stocks"]
            if row["campaignId"] == YM_CAMPAIGN and row["warehouseId"] == YM_WAREHOUSE}
