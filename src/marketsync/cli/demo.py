"""`marketsync demo` (and `make demo`): the whole product on the built-in sandbox with a connected account.

The sandbox lives in the web process, so the demo account is connected once the server is up: a thread
seeds the sandbox through its control API, creates the demo user, connects every system over HTTP exactly
as a seller would, enables every store and group, and queues the first sync at once (beat fires an
interval entry only after one interval). Then the demo seller opens the Telegram bot as a person would, in the
sandbox's chat page (/sandbox/telegram/chat): /start and the cabinet's Wildberries key, and from then on a
stream of buyer events in the WB and Ozon sandboxes reaches that chat as notifications.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEMO_EMAIL = "demo@marketsync.local"
DEMO_PASSWORD = "demo12345"
DEMO_ADMIN_EMAIL = "admin@marketsync.local"
DEMO_ADMIN_PASSWORD = "admin12345"
DEMO_LOG_FILE = os.path.join("var", "marketsync.log")
DEMO_SYNC_INTERVAL = "60"  # seconds between two reads of WB's events: WB's statistics allow one a minute
DEMO_EVENT_EVERY = 20.0  # seconds between two buyer events the WB sandbox makes up
DEMO_FEE = "5"  # rubles a day per active connection beyond the first: the demo's five connections cost 20 a day
DEMO_CREDIT = "300"  # fifteen days of it
DEMO_FEED_MINUTES = 60  # how often the demo suppliers' feeds are fetched again
log = logging.getLogger(__name__)


def demo_environment(host: str, port: int) -> dict[str, str]:
    """The settings demo mode runs with: the sandbox of every service on this server, mail into its SMTP sink."""
    from marketsync.sandbox.casdoor.state import (
        DEMO_APPLICATION,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        DEMO_ORGANIZATION,
    )
    from marketsync.sandbox.llm.state import DEMO_KEY as LLM_KEY
    from marketsync.sandbox.llm.state import DEMO_MODEL as LLM_MODEL
    from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN, DEMO_CHAT_ID
    from marketsync.sandbox.yookassa.state import DEMO_SECRET_KEY, DEMO_SHOP_ID
    from marketsync.settings import YOOKASSA_NETWORKS, Settings

    base = f"http://{host}:{port}"
    oauth = f"{base}/sandbox/oauth"
    values = {
        "MARKETSYNC_ENV": "demo",
        "SANDBOX_ENABLED": "true",
        "BASE_URL": base,
        "EVOTOR_API_URL": f"{base}/sandbox/evotor",
        "VK_API_URL": f"{base}/sandbox/vk",
        "YM_API_URL": f"{base}/sandbox/yandex_market",
        **{f"WB_{host.upper()}_API_URL": f"{base}/sandbox/wildberries/{host}"
           for host in ("content", "marketplace", "statistics", "feedbacks", "prices", "common")},
        "OZON_API_URL": f"{base}/sandbox/ozon",
        # The stock monitor alerts the sandbox's demo bot chat (/sandbox/_control/state?service=telegram&token=…)
        # and, by mail, the SMTP sink (/sandbox/mail).
        "TELEGRAM_API_URL": f"{base}/sandbox/telegram",
        "BOT_TOKEN": DEMO_BOT_TOKEN,
        "ALERT_TELEGRAM_CHAT_ID": str(DEMO_CHAT_ID),
        "ALERT_EMAIL": os.environ.get("ALERT_EMAIL") or "alerts@marketsync.local",
        "SYNC_INTERVAL": os.environ.get("SYNC_INTERVAL") or DEMO_SYNC_INTERVAL,
        # Top-ups go to the sandbox YooKassa, whose stand-in widget pays or declines and whose notifications
        # come from this machine (hence 127.0.0.1 among the allowed senders).
        "YOOKASSA_API_URL": f"{base}/sandbox/yookassa/v3",
        "YOOKASSA_WIDGET_URL": f"{base}/sandbox/yookassa/checkout-widget/v1/checkout-widget.js",
        "YOOKASSA_SHOP_ID": DEMO_SHOP_ID,
        "YOOKASSA_SECRET_KEY": DEMO_SECRET_KEY,
        "YOOKASSA_ALLOWED_NETWORKS": f"{YOOKASSA_NETWORKS},127.0.0.1,::1",
        **social_login_environment(oauth),
        # Users and balances are mirrored into the sandbox Casdoor (/sandbox/casdoor/api/get-users?owner=…).
        "CASDOOR_URL": f"{base}/sandbox/casdoor",
        "CASDOOR_CLIENT_ID": DEMO_CLIENT_ID,
        "CASDOOR_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "CASDOOR_ORGANIZATION": DEMO_ORGANIZATION,
        "CASDOOR_APPLICATION": DEMO_APPLICATION,
        "TELEGRAM_BOT_USERNAME": "marketsync_demo_bot",
        # Moderation asks the sandbox's fake OpenAI-compatible model (its answers: sandbox/llm/state.py).
        "MODERATION_LLM_URL": f"{base}/sandbox/llm/v1",
        "MODERATION_LLM_MODEL": LLM_MODEL,
        "MODERATION_LLM_KEY": LLM_KEY,
    }
    # The environment or .env may move the sink (SANDBOX_SMTP_PORT, 0 = off); the mail settings follow it.
    try:
        configured = Settings()
        smtp_port, log_file = configured.SANDBOX_SMTP_PORT, configured.LOG_FILE
    except Exception:  # settings invalid before the demo values apply (e.g. production without SECRET_KEY)
        smtp_port = int(os.environ.get("SANDBOX_SMTP_PORT") or Settings.model_fields["SANDBOX_SMTP_PORT"].default)
        log_file = os.environ.get("LOG_FILE", "")
    if not log_file and "LOG_FILE" not in os.environ:  # the terminal stays short; every request goes here
        values["LOG_FILE"] = DEMO_LOG_FILE
    if smtp_port > 0:  # the web app runs the sink on this port: demo mail really travels over SMTP into it
        values.update({"EMAIL_PROVIDER": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
                       "SMTP_TLS": "none", "SMTP_USER": "", "SMTP_PASSWORD": ""})
    return values


def social_login_environment(oauth: str) -> dict[str, str]:
    """The social sign-in settings pointing at the sandbox providers served under `oauth` (…/sandbox/oauth)."""
    from marketsync.sandbox.oauth.state import SANDBOX_CLIENTS

    paths = {"vk": ("vk/authorize", "vk/oauth2/auth", "vk/oauth2/user_info"),
             "yandex": ("yandex/authorize", "yandex/token", "yandex/info"),
             "google": ("google/o/oauth2/v2/auth", "google/token", "google/v1/userinfo")}
    values: dict[str, str] = {}
    for provider, (authorize, token, userinfo) in paths.items():
        client_id, secret = SANDBOX_CLIENTS[provider]
        prefix = provider.upper()
        values.update({f"{prefix}_CLIENT_ID": client_id, f"{prefix}_CLIENT_SECRET": secret,
                       f"{prefix}_AUTHORIZE_URL": f"{oauth}/{authorize}", f"{prefix}_TOKEN_URL": f"{oauth}/{token}",
                       f"{prefix}_USERINFO_URL": f"{oauth}/{userinfo}"})
    values.update({"GOOGLE_JWKS_URL": f"{oauth}/google/oauth2/v3/certs", "GOOGLE_ISSUER": f"{oauth}/google",
                   "TELEGRAM_LOGIN_URL": f"{oauth}/telegram/auth"})
    return values


def prepare_account(base_url: str) -> dict[str, Any]:
    """Seed the sandbox and connect the demo account to it; return the sandbox credentials."""
    from marketsync.accounts.service import create_user, find_user, make_system_owner, primary_account_id
    from marketsync.connections.service import open_connector, save_connection
    from marketsync.db import session_scope
    from marketsync.stocks.service import MARKETPLACES
    from marketsync.stocks.service import enqueue as enqueue_stocks
    from marketsync.sync.filters import set_store
    from marketsync.sync.service import enqueue_catalog_sync

    creds = httpx.post(f"{base_url}/sandbox/_control/seed", json={}, timeout=120).raise_for_status().json()
    httpx.post(f"{base_url}/sandbox/_control/yookassa/shops", timeout=10, json={
        "shop_id": creds["yookassa_shop_id"], "secret_key": creds["yookassa_secret_key"],
        "webhook_url": f"{base_url}/api/payment/webhook"}).raise_for_status()
    with session_scope() as session:
        if find_user(session, DEMO_ADMIN_EMAIL) is None:
            owner = create_user(session, email=DEMO_ADMIN_EMAIL, password=DEMO_ADMIN_PASSWORD, name="Администратор",
                                admin=True)
            make_system_owner(session, owner)
        user = find_user(session, DEMO_EMAIL) or create_user(session, email=DEMO_EMAIL, password=DEMO_PASSWORD,
                                                             name="Демо-продавец")
        account_id = primary_account_id(session, user.id)
        evotor, _ = save_connection(session, account_id=account_id, system="evotor",
                                    credentials={"token": creds["evotor_token"]})
        save_connection(session, account_id=account_id, system="vk",
                        credentials={"token": creds["vk_token"], "group_id": creds["vk_group_id"]})
        # The marketplaces whose demo offers match the demo catalog (some only by barcode, some foreign).
        save_connection(session, account_id=account_id, system="ozon", credentials={
            "client_id": creds["ozon_client_id"], "api_key": creds["ozon_api_key"],
            "warehouse_id": creds["ozon_warehouse_id"]})
        save_connection(session, account_id=account_id, system="wildberries", credentials={
            "token": creds["wb_token"], "warehouse_id": creds["wb_warehouse_id"]})
        save_connection(session, account_id=account_id, system="yandex_market", credentials={
            "token": creds["ym_token"], "business_id": creds["ym_business_id"],
            "campaign_id": creds["ym_campaign_id"]})
        source = open_connector(evotor)
        try:
            for store in source.list_stores():
                set_store(session, account_id, store.external_id, enabled=True, all_groups=True)
        finally:
            source.close()
        _demo_tariff(session, account_id)
    # Today's charge at once (beat's hourly tick would make it later): /billing shows what the balance pays for.
    from marketsync.billing.service import charge_daily
    from marketsync.db import get_engine

    charge_daily(get_engine())
    enqueue_catalog_sync(account_id)
    # The first stock push and pull go now rather than at beat's next look, so /stocks fills within minutes.
    enqueue_stocks(account_id, list(MARKETPLACES), pull=False)
    enqueue_stocks(account_id, list(MARKETPLACES), pull=True)
    seed_demo_suppliers(account_id, f"{base_url}/sandbox")
    publish_demo_catalog(account_id)
    return creds


def seed_demo_suppliers(account_id: int, sandbox_url: str) -> list[str]:
    """Give the demo cabinet the sandbox's two suppliers (Альфа's YML, Бета's CSV with its column mapping), fetched
    from their URLs on a schedule, and import both now, so /hub/products shows their overlapping catalogs merged
    at once; return each fetch's status."""
    from marketsync.db import session_scope
    from marketsync.hub.schedule_service import fetch_supplier
    from marketsync.hub.upload_service import add_feed_supplier
    from marketsync.sandbox.suppliers.feeds import CSV_MAPPING

    with session_scope() as session:
        ids = [add_feed_supplier(session, account_id=account_id, name="Альфа", url=f"{sandbox_url}/suppliers/alfa.yml",
                                 file_format="yml", minutes=DEMO_FEED_MINUTES),
               add_feed_supplier(session, account_id=account_id, name="Бета", url=f"{sandbox_url}/suppliers/beta.csv",
                                 file_format="csv", minutes=DEMO_FEED_MINUTES, mapping=CSV_MAPPING)]
    return [fetch_supplier(supplier_id, force=True).status for supplier_id in ids]


def publish_demo_catalog(account_id: int) -> None:
    """Map the demo's cookware to each marketplace's sandbox category and publish the hub catalog to all three (a
    task each, on the embedded worker), so Ozon, Wildberries and Yandex Market hold its cards within a minute."""
    from marketsync.db import session_scope
    from marketsync.dictionaries.mappings import map_category
    from marketsync.dictionaries.service import DictionaryError
    from marketsync.publishing.service import enqueue_publish
    from marketsync.sandbox.suppliers.feeds import PUBLISHED_GROUPS

    for category, targets in PUBLISHED_GROUPS.items():
        for channel, target in targets.items():
            try:
                with session_scope() as session:
                    map_category(session, account_id=account_id, category_name=category, channel=channel,
                                 target=target)
            except DictionaryError as exc:  # the demo goes on; the page says what is not mapped
                log.warning("demo: %s not mapped to %s: %s", category, channel, exc)
    enqueue_publish(account_id, ["ozon", "wb", "ym"])


def _demo_tariff(session: Session, account_id: int) -> None:
    """A small tariff (unless an admin set one) and a welcome credit, so the demo shows the daily charge."""
    from marketsync.billing.service import adjust_balance, current_terms, save_terms

    if not current_terms(session).enabled:
        save_terms(session, enabled=True, connection_fee=DEMO_FEE, free_connections="1", free_products="0",
                   admin_id=None)
    # The nonce makes the credit once per demo database, however many times the demo starts.
    adjust_balance(session, account_id=account_id, amount_text=DEMO_CREDIT, reason="Приветственный бонус демо",
                   admin_id=None, nonce="demo-welcome")


def open_bot_chat(base_url: str, wb_token: str, *, timeout: float = 90) -> None:
    """Play the demo seller in the sandbox chat: /start, then the cabinet's WB key once the bot asks for it."""
    from marketsync.sandbox.telegram.chat import DEMO_PERSON_CHAT_ID, DEMO_PERSON_NAME
    from marketsync.sandbox.telegram.state import DEMO_BOT_TOKEN

    control = f"{base_url}/sandbox/_control/telegram"
    person = {"token": DEMO_BOT_TOKEN, "chat_id": DEMO_PERSON_CHAT_ID, "first_name": DEMO_PERSON_NAME}

    def bot_messages() -> int:
        chat = httpx.get(f"{control}/chat", params={"token": DEMO_BOT_TOKEN, "chat_id": DEMO_PERSON_CHAT_ID},
                         timeout=10).raise_for_status().json()
        return sum(1 for message in chat["messages"] if message["side"] == "bot")

    if bot_messages():
        return  # a demo restarted on its database: the person went through this already
    httpx.post(f"{control}/write", json={**person, "text": "/start"}, timeout=10).raise_for_status()
    deadline = time.monotonic() + timeout
    while not bot_messages():  # the bot asks for the key; one sent before it would be no answer to anything
        if time.monotonic() > deadline:
            raise TimeoutError("the demo bot did not answer /start")
        time.sleep(0.5)
    httpx.post(f"{control}/write", json={**person, "text": wb_token}, timeout=10).raise_for_status()


def stream_buyer_events(base_url: str, creds: dict[str, Any], every: float = DEMO_EVENT_EVERY) -> None:
    """Have the WB and Ozon sandboxes take turns making up one buyer event (order, buyout, cancellation, return,
    review, stock) now and then, for as long as the demo runs."""
    ticks = [("wildberries", {"token": creds["wb_token"]}), ("wildberries", {"token": creds["wb_token"]}),
             ("ozon", {"client_id": creds["ozon_client_id"]})]
    for turn in itertools.count():
        time.sleep(every)
        system, body = ticks[turn % len(ticks)]
        try:
            httpx.post(f"{base_url}/sandbox/_control/{system}/demo/tick", json=body, timeout=10)
        except httpx.HTTPError as exc:  # the server is stopping, or busy: the next tick tries again
            log.debug("demo event not made: %s", exc)


def _log_hint() -> str:
    from marketsync.settings import get_settings

    settings = get_settings()
    shown = ("every request is shown here" if settings.LOG_LEVEL == "DEBUG"
             else "one line per sync run is shown here (LOG_LEVEL=DEBUG: every request)")
    kept = f"; the full log: {settings.LOG_FILE}" if settings.LOG_FILE else ""
    return f"  {shown}{kept}\n"


def run_demo(host: str, port: int) -> None:
    """Start everything on the sandbox and connect the demo account once the server answers."""
    os.environ.update(demo_environment(host, port))
    from marketsync.logs import setup_logging
    from marketsync.settings import get_settings

    get_settings.cache_clear()
    setup_logging()  # again: demo mode adds the log file
    from marketsync.cli.serve import run_embedded

    base_url = f"http://{host}:{port}"

    def on_started(server: Any) -> None:
        def connect_when_up() -> None:
            deadline = time.monotonic() + 60
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.2)
            try:
                creds = prepare_account(base_url)
            except Exception as exc:  # the server still runs; say what went wrong
                typer.echo(f"error: the demo account could not be prepared: {exc}", err=True)
                return
            try:
                open_bot_chat(base_url, creds["wb_token"])
            except Exception as exc:  # the rest of the demo works without the bot
                typer.echo(f"error: the demo chat with the bot could not be opened: {exc}", err=True)
            threading.Thread(target=stream_buyer_events, args=(base_url, creds), daemon=True).start()
            typer.echo(f"\nMarketSync demo is running at {base_url}\n"
                       f"  log in as {DEMO_EMAIL} / {DEMO_PASSWORD} (seller)"
                       f" or {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD} (admin panel: {base_url}/admin)\n"
                       f"  the first sync has started: {base_url}/sync, then {base_url}/vk-catalog\n"
                       f"  two suppliers' catalogs merged: {base_url}/hub/products (imports: {base_url}/hub/imports)\n"
                       f"  the Telegram bot, played in the sandbox: {base_url}/sandbox/telegram/chat "
                       f"(buyer events arrive there as notifications)\n"
                       f"{_log_hint()}"
                       f"  Ctrl-C stops everything\n")

        threading.Thread(target=connect_when_up, daemon=True).start()

    run_embedded(host, port, on_started=on_started)
