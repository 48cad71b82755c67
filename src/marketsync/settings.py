"""The one settings class: every field is named as its environment variable."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketsync.domains import domain_to_ascii

DEFAULT_SECRET_KEY = "change-me-in-production"
# YooKassa's notification senders, as the official SDK's SecurityHelper lists them (CONTRACTS.md §6).
YOOKASSA_NETWORKS = ("77.75.153.0/25,77.75.156.11,77.75.156.35,77.75.154.128/25,185.71.76.0/27,185.71.77.0/27,"
                     "2a02:5180:0:1509::/64,2a02:5180:0:2655::/64,2a02:5180:0:1533::/64,2a02:5180:0:2669::/64")
VAR_DIR = Path("var")


def _default_photo_path() -> str:
    return str(resources.files("marketsync") / "assets" / "default_product.png")


class Settings(BaseSettings):
    """MarketSync configuration, read from the environment and an optional `.env` file."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=True)

    MARKETSYNC_ENV: Literal["development", "demo", "production"] = "development"
    DATABASE_URL: str = f"sqlite:///{VAR_DIR / 'marketsync.db'}"
    BROKER_DATABASE_URL: str = f"sqlite:///{VAR_DIR / 'broker.db'}"
    REDIS_URL: str | None = None
    # The Celery broker when it is not REDIS_URL's Redis: RabbitMQ (`amqp://user:password@host:5672/vhost`, queues
    # declared as quorum queues) for a worker pool on several machines. REDIS_URL still holds the shared rate limits.
    BROKER_URL: str | None = None
    SECRET_KEY: str = DEFAULT_SECRET_KEY
    # Keys of the stored secrets, newest first, comma-separated (a Fernet key or any text, hashed into one); unset,
    # the one key is derived from SECRET_KEY. `marketsync keys rotate` re-encrypts everything with the first.
    ENCRYPTION_KEYS: str | None = None

    DOMAIN: str | None = None
    BASE_URL: str = "http://127.0.0.1:8000"

    EVOTOR_APP_ID: str | None = None
    EVOTOR_WEBHOOK_SECRET: str | None = None
    JIVOSITE_WIDGET_ID: str | None = None
    VK_DEFAULT_PHOTO_PATH: str = ""
    VK_API_VERSION: str = "5.199"
    CATALOG_REFRESH_INTERVAL_SECONDS: int = 3600
    VK_CATEGORY_ID: int = 40932
    VK_STOCK_AMOUNT: int = 1000
    INVITE_EXPIRE_HOURS: float = 48
    EMAIL_PROVIDER: Literal["console", "smtp"] = "console"
    SMS_PROVIDER: Literal["console"] = "console"
    SMTP_HOST: str = "localhost"
    SMTP_PORT: int = 587
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TLS: Literal["starttls", "ssl", "none"] = "starttls"
    SMTP_TIMEOUT_SECONDS: float = 15.0
    MAIL_FROM: str = "MarketSync <noreply@marketsync.local>"
    CONFIRM_EXPIRE_HOURS: float = 48
    RESET_EXPIRE_HOURS: float = 2
    PHONE_CODE_EXPIRE_MINUTES: float = 10
    # Login throttling: wrong passwords per e-mail and per client address within a minute.
    LOGIN_FAILURES_PER_EMAIL: int = 10
    LOGIN_FAILURES_PER_IP: int = 200
    # Mails and SMS with a link or code: per recipient and per client address within an hour.
    MESSAGES_PER_RECIPIENT_PER_HOUR: int = 5
    MESSAGES_PER_IP_PER_HOUR: int = 30
    # Demo mode: the SMTP sink catching every mail (port 0 = off) and where it keeps them.
    SANDBOX_SMTP_PORT: int = 8025
    SANDBOX_MAIL_DIR: str = str(VAR_DIR / "sandbox-mail")
    FLOWER_USER: str = "admin"
    FLOWER_PASSWORD: str = "changeme"

    # External services; the defaults are the real hosts, demo mode points them at the sandbox.
    EVOTOR_API_URL: str = "https://api.evotor.ru"
    VK_API_URL: str = "https://api.vk.com"
    OZON_API_URL: str = "https://api-seller.ozon.ru"
    WB_CONTENT_API_URL: str = "https://content-api.wildberries.ru"
    WB_MARKETPLACE_API_URL: str = "https://marketplace-api.wildberries.ru"
    WB_STATISTICS_API_URL: str = "https://statistics-api.wildberries.ru"
    WB_FEEDBACKS_API_URL: str = "https://feedbacks-api.wildberries.ru"
    WB_PRICES_API_URL: str = "https://discounts-prices-api.wildberries.ru"
    WB_COMMON_API_URL: str = "https://common-api.wildberries.ru"
    YM_API_URL: str = "https://api.partner.market.yandex.ru"
    YOOKASSA_API_URL: str = "https://api.yookassa.ru/v3"
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    CASDOOR_URL: str = "http://localhost:8000"
    # The Casdoor bridge (docs/casdoor.md): off while the client id is empty; users and balances are mirrored
    # into this organization, new users shown under this application (signupApplication).
    CASDOOR_CLIENT_ID: str = ""
    CASDOOR_CLIENT_SECRET: str = ""
    CASDOOR_ORGANIZATION: str = "built-in"
    CASDOOR_APPLICATION: str = "app-built-in"
    CASDOOR_CERT_FILE: str = ""
    # Social login (docs/social-login.md): each provider's endpoints, the real ones by default; a provider whose
    # client id is empty shows no button (demo mode points them at the sandbox and fills the ids).
    VK_CLIENT_ID: str = ""
    VK_CLIENT_SECRET: str = ""
    VK_AUTHORIZE_URL: str = "https://id.vk.com/authorize"
    VK_TOKEN_URL: str = "https://id.vk.com/oauth2/auth"
    VK_USERINFO_URL: str = "https://id.vk.com/oauth2/user_info"
    YANDEX_CLIENT_ID: str = ""
    YANDEX_CLIENT_SECRET: str = ""
    YANDEX_AUTHORIZE_URL: str = "https://oauth.yandex.ru/authorize"
    YANDEX_TOKEN_URL: str = "https://oauth.yandex.ru/token"
    YANDEX_USERINFO_URL: str = "https://login.yandex.ru/info"
    GOOGLE_CLIENT_ID: str = ""
    GOOGLE_CLIENT_SECRET: str = ""
    GOOGLE_AUTHORIZE_URL: str = "https://accounts.google.com/o/oauth2/v2/auth"
    GOOGLE_TOKEN_URL: str = "https://oauth2.googleapis.com/token"
    GOOGLE_USERINFO_URL: str = "https://openidconnect.googleapis.com/v1/userinfo"
    GOOGLE_JWKS_URL: str = "https://www.googleapis.com/oauth2/v3/certs"
    GOOGLE_ISSUER: str = "https://accounts.google.com"
    # The Telegram Login Widget names this bot (its hash is checked with BOT_TOKEN); the widget's own page.
    TELEGRAM_BOT_USERNAME: str = ""
    TELEGRAM_LOGIN_URL: str = "https://oauth.telegram.org/auth"

    # Outbound HTTP behaviour (http.py). The stock-sync tool's names work too: API_TIMEOUT (seconds),
    # API_RETRY_COUNT (retries after the first attempt) and API_RETRY_DELAY (the first backoff, seconds).
    HTTP_TIMEOUT_SECONDS: float = Field(default=30.0,
                                        validation_alias=AliasChoices("HTTP_TIMEOUT_SECONDS", "API_TIMEOUT"))
    HTTP_MAX_ATTEMPTS: int = 8
    API_RETRY_COUNT: int | None = Field(default=None, ge=0)
    HTTP_BACKOFF_INITIAL_SECONDS: float = Field(
        default=0.2, gt=0, validation_alias=AliasChoices("HTTP_BACKOFF_INITIAL_SECONDS", "API_RETRY_DELAY"))
    HTTP_BACKOFF_MAX_SECONDS: float = 30.0
    # The longest Retry-After waited as asked; a remote asking for more gets the error back to the caller.
    HTTP_RETRY_AFTER_MAX_SECONDS: float = 300.0
    VK_REQUESTS_PER_SECOND: int = 3
    EVOTOR_REQUESTS_PER_SECOND: int = 10
    # WB statistics (/api/v1/supplier/orders, /sales, /stocks) allow 1 request a minute per seller and method;
    # raise only against the sandbox.
    WB_STATISTICS_REQUESTS_PER_MINUTE: int = Field(default=1, gt=0)
    # Our own pace towards Wildberries (the notifications issue's names): requests a minute per token over the
    # hosts the event feed reads (statistics, feedbacks, content, common), and milliseconds between two requests
    # to one of them (0: none). A 429 naming no wait backs off from one interval, doubling, up to the maximum.
    WB_API_RATE_LIMIT: int = Field(default=30, gt=0)
    WB_API_INTERVAL: int = Field(default=2000, ge=0)
    WB_RATE_LIMIT_BACKOFF_MAX_SECONDS: float = Field(default=300.0, gt=0)
    SYNC_LOCK_TTL_SECONDS: int = 300
    RATE_LIMIT_DB_PATH: str = str(VAR_DIR / "ratelimit.sqlite")
    SANDBOX_ENABLED: bool = False

    # Stock sync (the stock-sync tool's names). BATCH_SIZE only caps each API's documented batch maximum lower.
    BATCH_SIZE: int | None = Field(default=None, gt=0)
    MAX_CONCURRENT_REQUESTS: int = Field(default=5, gt=0)
    # Ozon refuses a second stock update of one offer-warehouse pair within 30 s; we wait it out. Only a test
    # against the sandbox, whose clock it moves forward, sets it lower.
    OZON_STOCK_UPDATE_INTERVAL_SECONDS: float = Field(default=30.0, ge=0)
    # The monitor: a sync older than this is stale; fewer products than this, or a stock total moving by more
    # than this fraction between two syncs, is an anomaly.
    MAX_SYNC_AGE_HOURS: float = Field(default=8, gt=0)
    MIN_PRODUCTS_THRESHOLD: int = Field(default=10, ge=0)
    ANOMALY_THRESHOLD: float = Field(default=0.1, gt=0)
    ALERT_EMAIL: str | None = None
    # The weekly report lists the offers whose stock we offer is at or below this many units.
    LOW_STOCK_THRESHOLD: int = Field(default=5, ge=0)
    BOT_TOKEN: str | None = None
    # The bot long-polls getUpdates unless this is set; then Telegram posts updates to this URL (served by the web
    # app at its path) with TELEGRAM_WEBHOOK_SECRET (derived from SECRET_KEY when empty) in a header.
    TELEGRAM_WEBHOOK_URL: str | None = None
    TELEGRAM_WEBHOOK_SECRET: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    BOT_POLL_TIMEOUT_SECONDS: int = Field(default=30, ge=0, le=50)
    ALERT_TELEGRAM_CHAT_ID: str | None = None
    # Seller notifications (the WB notifications bot's names): how often each cabinet's events are read, how far
    # back the initial sync reads, when a size's stock total is critical and which reviews are negative.
    SYNC_INTERVAL: int = Field(default=180, gt=0)
    INITIAL_SYNC_DAYS: int = Field(default=7, gt=0)
    CRITICAL_STOCK_THRESHOLD: int = Field(default=2, ge=0)
    NEGATIVE_REVIEW_MAX_RATING: int = Field(default=3, ge=1, le=5)
    # The catalog hub's supplier files (hub/): a file fetched from a URL is refused beyond this size, and its
    # download beyond this many seconds (a stalled supplier server must not hold a worker).
    HUB_IMPORT_MAX_BYTES: int = Field(default=512 * 1024 * 1024, gt=0)
    HUB_IMPORT_TIMEOUT_SECONDS: float = Field(default=300.0, gt=0)
    DB_POOL_SIZE: int | None = Field(default=None, gt=0)
    DB_POOL_RECYCLE: int | None = Field(default=None, gt=0)

    # Billing (billing/, docs/billing.md): YooKassa's shop, the networks its notifications come from (the official
    # SDK's SecurityHelper list), a receipt per payment, how often a pending payment is re-read, top-up limits.
    YOOKASSA_SHOP_ID: str = ""
    YOOKASSA_SECRET_KEY: str = ""
    YOOKASSA_ALLOWED_NETWORKS: str = YOOKASSA_NETWORKS
    YOOKASSA_SEND_RECEIPT: bool = False
    YOOKASSA_POLL_SECONDS: int = Field(default=60, gt=0)
    # The embedded payment widget's script; demo mode serves a stand-in from the sandbox.
    YOOKASSA_WIDGET_URL: str = "https://yookassa.ru/checkout-widget/v1/checkout-widget.js"
    TOPUP_MIN_RUB: Decimal = Field(default=Decimal("10"), gt=0)
    TOPUP_MAX_RUB: Decimal = Field(default=Decimal("500000"), gt=0)
    # The proxies whose X-Forwarded-For is believed (uvicorn's --forwarded-allow-ips reads the same variable).
    FORWARDED_ALLOW_IPS: str = "127.0.0.1"

    MARKETSYNC_REQUIRE_SERVICES: bool = False
    # Logging (logs.py): the terminal's level (request-level lines only at DEBUG) and an optional file that
    # receives everything at DEBUG ("" = none; demo mode writes var/marketsync.log).
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    LOG_FILE: str = ""
    # The stock-sync tool's log folder (or file): when set and LOG_FILE is not, the log goes there too.
    LOG_FILE_PATH: str = ""
    # "text" (terminals, the default) or "json": one JSON object a line with request_id / run_id (log shippers).
    LOG_FORMAT: Literal["text", "json"] = "text"
    # /metrics (metrics.py): basic auth when both are set (compared in constant time); else only clients from
    # METRICS_ALLOWED_NETWORKS (the address uvicorn resolved through FORWARDED_ALLOW_IPS) may read it.
    METRICS_USER: str = ""
    METRICS_PASSWORD: str = ""
    METRICS_ALLOWED_NETWORKS: str = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16"
    # prometheus-client's multiprocess folder, shared by web and workers on one host (read by prometheus-client
    # from the process environment at import; the setting names it for /metrics and the docs). "" = per process.
    PROMETHEUS_MULTIPROC_DIR: str = ""
    # Moderation before publishing (moderation/, docs): the optional language model behind an OpenAI-compatible
    # endpoint (`{MODERATION_LLM_URL}/chat/completions`, e.g. https://api.openai.com/v1; empty: the rules run
    # alone), its model and key; how long one answer may take; the cabinets' prompt files
    # (<dir>/<account id>/moderate.txt and describe.txt, the package's defaults otherwise); the largest picture
    # downloaded to check its size (Wildberries takes up to 32 MB).
    MODERATION_LLM_URL: str = ""
    MODERATION_LLM_MODEL: str = "gpt-4o-mini"
    MODERATION_LLM_KEY: str = ""
    MODERATION_LLM_TIMEOUT_SECONDS: float = Field(default=60.0, gt=0)
    MODERATION_PROMPTS_DIR: str = str(VAR_DIR / "prompts")
    MODERATION_PICTURE_MAX_BYTES: int = Field(default=32 * 1024 * 1024, gt=0)
    # `marketsync backup create`: where dumps go and how many are kept (older ones are deleted).
    BACKUP_DIR: str = str(VAR_DIR / "backups")
    BACKUP_KEEP: int = Field(default=7, ge=1)
    # YML feeds (feeds/): one file per feed in this folder, shared by the worker that builds and the web that serves
    # (the var volume in compose). A feed is rebuilt when its products changed, and at the latest after this many
    # minutes (Yandex wants a catalog's date no older than 10 days; a day keeps it fresh).
    FEEDS_DIR: str = str(VAR_DIR / "feeds")
    FEED_MAX_AGE_MINUTES: int = Field(default=1440, gt=0)

    @field_validator("VK_DEFAULT_PHOTO_PATH")
    @classmethod
    def _photo_default(cls, value: str) -> str:
        return value or _default_photo_path()

    @field_validator("YOOKASSA_ALLOWED_NETWORKS")
    @classmethod
    def _networks(cls, value: str) -> str:
        # A typo here would refuse every notification (or crash on one): say so at start instead.
        import ipaddress

        for item in value.split(","):
            if item.strip():
                try:
                    ipaddress.ip_network(item.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"YOOKASSA_ALLOWED_NETWORKS: {item.strip()!r} is not an address or network") \
                        from exc
        return value

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _level_name(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _casdoor_complete(self) -> Settings:
        # Found at start rather than as a mirror that never goes through (docs/casdoor.md).
        if self.CASDOOR_CLIENT_ID and not self.CASDOOR_CLIENT_SECRET:
            raise ValueError("CASDOOR_CLIENT_SECRET must be set when CASDOOR_CLIENT_ID is")
        if self.CASDOOR_CLIENT_ID and not self.CASDOOR_URL.startswith(("http://", "https://")):
            raise ValueError("CASDOOR_URL must be an http:// or https:// address")
        if self.CASDOOR_CERT_FILE and not Path(self.CASDOOR_CERT_FILE).is_file():
            raise ValueError(f"CASDOOR_CERT_FILE {self.CASDOOR_CERT_FILE!r} is not a readable file")
        return self

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.MARKETSYNC_ENV == "production" and self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise ValueError("SECRET_KEY must be set in production (it still has the default value)")
        if self.API_RETRY_COUNT is not None and "HTTP_MAX_ATTEMPTS" not in self.model_fields_set:
            self.HTTP_MAX_ATTEMPTS = self.API_RETRY_COUNT + 1
        if self.LOG_FILE_PATH and not self.LOG_FILE:
            path = Path(self.LOG_FILE_PATH)
            is_folder = self.LOG_FILE_PATH.endswith(("/", "\\")) or path.is_dir()
            self.LOG_FILE = str(path / "marketsync.log") if is_folder else str(path)
        if self.DOMAIN and self.BASE_URL == "http://127.0.0.1:8000":
            # A Cyrillic DOMAIN links by its punycode form, the one nginx and the certificate know.
            self.BASE_URL = f"https://{domain_to_ascii(self.DOMAIN)}"
        return self

    @property
    def is_embedded(self) -> bool:
        """Whether the broker is the in-process SQLite one (neither BROKER_URL nor REDIS_URL)."""
        return not (self.BROKER_URL or self.REDIS_URL)

    @property
    def event_tick_seconds(self) -> float:
        """How often beat looks for cabinets whose event sync is due: every 5 s (a twelfth of a shorter
        SYNC_INTERVAL), so each sync starts within a few seconds of its slot, and one held up past it by WB's
        limits starts as soon as the previous one ends."""
        return max(1.0, min(self.SYNC_INTERVAL / 12, 5.0))

    @property
    def broker_url(self) -> str:
        """Return the Celery broker URL: BROKER_URL, else REDIS_URL's Redis, else kombu's SQLAlchemy transport."""
        return self.BROKER_URL or self.REDIS_URL or f"sqla+{self.BROKER_DATABASE_URL}"

    @property
    def broker_is_rabbitmq(self) -> bool:
        """Whether the broker speaks AMQP (RabbitMQ): its queues are declared as quorum queues."""
        return self.broker_url.startswith(("amqp://", "amqps://", "pyamqp://"))


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return Settings()
