"""`make bench`: publishing N hub products (default 10,000) as cards to Ozon, Wildberries and Yandex Market through
the sandbox at each marketplace's real limits, then a second publish without changes.

Reported per marketplace: card write requests against the minimum the batch limits allow (ceil(N / batch)), the
reads the publish adds (articles looked up before a create, verdict polls), price requests, and the second
publish's writes (target 0). Counts and ratios only; the wall time is shown, never asserted.

Options: --cards N, --systems ozon,wb,ym.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from marketsync.sandbox.app import create_sandbox_app
from marketsync.sandbox.server import ServerThread
from marketsync.sandbox.state import SandboxState

TARGETS = {"ozon": "17028922:91565", "wb": "1234", "ym": "91611"}
SERVICES = {"ozon": "ozon", "wb": "wildberries", "ym": "yandex_market"}
SENDS = {"ozon": ("/v3/product/import",), "wb": ("/content/v2/cards/upload", "/content/v2/cards/update"),
         "ym": ("updateOfferMappings",)}


def _env(workdir: Path, sandbox_url: str) -> None:
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
        "BROKER_DATABASE_URL": f"sqlite:///{workdir / 'broker.db'}",
        "RATE_LIMIT_DB_PATH": str(workdir / "ratelimit.sqlite"),
        "SECRET_KEY": "bench", "MARKETSYNC_ENV": "development",
        "OZON_API_URL": f"{sandbox_url}/ozon", "YM_API_URL": f"{sandbox_url}/yandex_market",
        **{f"WB_{host.upper()}_API_URL": f"{sandbox_url}/wildberries/{host}"
           for host in ("content", "marketplace", "statistics", "feedbacks", "common", "prices")},
    })
    os.environ.pop("REDIS_URL", None)


def _seed(state: SandboxState, cards: int, picture: str) -> int:
    """A seller connected to the three emulated marketplaces, with `cards` pans in one mapped category."""
    from marketsync.accounts.service import create_user, primary_account_id
    from marketsync.connections.service import save_connection
    from marketsync.db import get_engine, session_scope
    from marketsync.dictionaries.mappings import map_category
    from marketsync.hub.models import HubCategory, HubProduct
    from marketsync.models import metadata
    from marketsync.sandbox.ozon.seed import seed_ozon
    from marketsync.sandbox.wildberries.seed import seed_wildberries
    from marketsync.sandbox.yandex_market.seed import seed_yandex_market

    metadata.create_all(get_engine())
    ozon = seed_ozon(state.ozon, client_id=4242, api_key="ozon-bench")
    wb = seed_wildberries(state.wildberries, f"wb-{uuid.uuid4().hex}")
    seed_yandex_market(state.yandex_market, "ym-bench", business_id=31, campaign_id=32, warehouse_id=33, offers=[])
    with session_scope() as session:
        account = primary_account_id(session, create_user(session, email="bench@example.ru",
                                                          password="correct-horse-42", name="Bench").id)
        save_connection(session, account_id=account, system="ozon",
                        credentials={"client_id": str(ozon["client_id"]), "api_key": "ozon-bench",
                                     "warehouse_id": str(ozon["warehouse_id"])})
        save_connection(session, account_id=account, system="wildberries",
                        credentials={"token": wb["token"], "warehouse_id": wb["warehouse_ids"][0]})
        save_connection(session, account_id=account, system="yandex_market",
                        credentials={"token": "ym-bench", "business_id": 31, "campaign_id": 32})
        category = HubCategory(account_id=account, name="Кастрюли")
        session.add(category)
        session.flush()
        session.bulk_save_objects([HubProduct(
            account_id=account, category_id=category.id, sku=f"PAN-{i:06d}", name=f"Кастрюля Tefal 4 л №{i}",
            vendor="Tefal", description="Кастрюля с крышкой", price=Decimal("1990") + i % 500, stock=i % 7,
            barcodes=[], pictures=[picture], weight_kg=Decimal("1.25"), length_cm=Decimal("25"),
            width_cm=Decimal("25"), height_cm=Decimal("15"), content_hash=f"h{i}",
            params={"Материал": "Нержавеющая сталь", "Объём": "4 л", "Цвет": "Серебристый", "Модель": f"Cook {i}"})
            for i in range(cards)])
    for channel, target in TARGETS.items():
        with session_scope() as session:
            map_category(session, account_id=account, category_name="Кастрюли", channel=channel, target=target)
    return account


def _requests(state: SandboxState, channel: str) -> dict[str, int]:
    return dict(state.stats.snapshot().get(SERVICES[channel], {}).get("by_method", {}))


def _measure(state: SandboxState, account: int, channel: str, cards: int) -> None:
    from marketsync.db import get_engine
    from marketsync.publishing.service import publish, summary
    from marketsync.sync.card_exporter import Poller

    state.stats.reset()
    started = time.monotonic()
    report = publish(get_engine(), account_id=account, channel=channel, poller=Poller(interval=1.0, timeout=3600))
    wall = time.monotonic() - started
    by_method = _requests(state, channel)
    sends = sum(n for method, n in by_method.items() if any(method.endswith(s) for s in SENDS[channel]))
    batch = {"ozon": 100, "wb": 100, "ym": 100}[channel]
    minimum = math.ceil(cards / batch)
    print(f"{channel}: {summary(report)} in {wall:.0f} s")
    print(f"  card writes {sends} against the minimum {minimum} ({sends / minimum:.2f}×); "
          f"{report.counts.requests} requests of ours in all ({report.counts.requests / cards:.3f} per card)")
    print(f"  by method: {by_method}")
    state.stats.reset()
    again = publish(get_engine(), account_id=account, channel=channel, poller=Poller(interval=1.0, timeout=3600))
    writes = state.stats.snapshot().get(SERVICES[channel], {}).get("writes", 0)
    print(f"  second publish: {summary(again)}; writes {writes} (target 0)")


def main() -> None:
    """Publish the cards to each asked marketplace and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--systems", default="ozon,wb,ym")
    args = parser.parse_args()
    state = SandboxState()
    state.ozon.import_processing_s = 0
    with tempfile.TemporaryDirectory() as folder, ServerThread(create_sandbox_app(state)) as sandbox:
        _env(Path(folder), sandbox.url)
        from marketsync.settings import get_settings

        get_settings.cache_clear()
        account = _seed(state, args.cards, f"{sandbox.url}/pictures/900x1200.jpg")
        for channel in args.systems.split(","):
            _measure(state, account, channel.strip(), args.cards)


if __name__ == "__main__":
    main()


