"""Settings defaults and refusals; secrets encrypted at rest, rotatable, redacted in logs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from marketsync.security import (
    constant_time_equals,
    decrypt_json,
    encrypt_json,
    hash_password,
    redact,
    verify_password,
)
from marketsync.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def clean_settings(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name in ("MARKETSYNC_ENV", "SECRET_KEY", "ENCRYPTION_KEYS", "DOMAIN", "BASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_run_embedded_on_sqlite_with_the_evosync_values() -> None:
    s = Settings()
    assert s.MARKETSYNC_ENV == "development"
    assert s.DATABASE_URL.startswith("sqlite:///") and s.is_embedded and s.broker_url.startswith("sqla+sqlite")
    assert (s.VK_API_VERSION, s.CATALOG_REFRESH_INTERVAL_SECONDS, s.VK_CATEGORY_ID, s.VK_STOCK_AMOUNT) == \
        ("5.199", 3600, 40932, 1000)
    assert (s.INVITE_EXPIRE_HOURS, s.EMAIL_PROVIDER, s.SMS_PROVIDER) == (48, "console", "console")
    assert (s.EVOTOR_API_URL, s.VK_API_URL) == ("https://api.evotor.ru", "https://api.vk.com")
    assert Path(s.VK_DEFAULT_PHOTO_PATH).is_file()


def test_production_refuses_the_default_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARKETSYNC_ENV", "production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings()
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    assert Settings().MARKETSYNC_ENV == "production"


def test_domain_derives_the_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOMAIN", "my-products.ru")
    assert Settings().BASE_URL == "https://my-products.ru"


def test_redis_url_switches_to_the_distributed_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert not Settings().is_embedded and Settings().broker_url == "redis://127.0.0.1:6379/0"


def test_stored_secrets_survive_a_key_rotation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "old-key")
    get_settings.cache_clear()
    token = encrypt_json({"token": "evotor-secret"})
    assert "evotor-secret" not in token
    monkeypatch.setenv("ENCRYPTION_KEYS", "new-key,old-key")
    get_settings.cache_clear()
    assert decrypt_json(token) == {"token": "evotor-secret"}
    monkeypatch.setenv("ENCRYPTION_KEYS", "new-key")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="cannot be decrypted"):
        decrypt_json(token)


def test_redaction_hides_tokens_in_urls_forms_and_json() -> None:
    assert redact("https://x/method?access_token=abc123&v=5.199") == "https://x/method?access_token=***&v=5.199"
    assert redact('{"token": "abc123", "name": "Сыр"}') == '{"token": "***", "name": "Сыр"}'
    assert redact("Bearer my-secret-value", ["my-secret-value"]) == "Bearer ***"


def test_passwords_are_hashed_and_compared_safely() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2") and verify_password("correct horse", hashed)
    assert not verify_password("wrong", hashed) and not verify_password("x", None)
    assert constant_time_equals("abc", "abc") and not constant_time_equals("abc", "abd")
    assert not constant_time_equals(None, "abc")


def test_the_stock_sync_tools_env_names_keep_working(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {"API_TIMEOUT": "12", "API_RETRY_COUNT": "3", "API_RETRY_DELAY": "5", "BATCH_SIZE": "500",
                        "MAX_CONCURRENT_REQUESTS": "4", "MAX_SYNC_AGE_HOURS": "6", "MIN_PRODUCTS_THRESHOLD": "20",
                        "ANOMALY_THRESHOLD": "0.25", "DB_POOL_SIZE": "7", "DB_POOL_RECYCLE": "1800",
                        "ALERT_EMAIL": "ops@example.ru", "LOG_FILE_PATH": f"{tmp_path}/"}.items():
        monkeypatch.setenv(name, value)
    s = Settings()
    assert (s.HTTP_TIMEOUT_SECONDS, s.HTTP_MAX_ATTEMPTS, s.HTTP_BACKOFF_INITIAL_SECONDS) == (12, 4, 5)
    assert (s.BATCH_SIZE, s.MAX_CONCURRENT_REQUESTS, s.MAX_SYNC_AGE_HOURS, s.MIN_PRODUCTS_THRESHOLD) == (500, 4, 6, 20)
    assert (s.ANOMALY_THRESHOLD, s.DB_POOL_SIZE, s.DB_POOL_RECYCLE, s.ALERT_EMAIL) == (0.25, 7, 1800, "ops@example.ru")
    assert str(tmp_path / "marketsync.log") == s.LOG_FILE  # a folder, as the tool had it, gets our file inside


def test_the_stock_monitor_defaults_are_the_tools() -> None:
    s = Settings()
    assert (s.MAX_SYNC_AGE_HOURS, s.MIN_PRODUCTS_THRESHOLD, s.ANOMALY_THRESHOLD, s.BATCH_SIZE) == (8, 10, 0.1, None)
    assert (s.HTTP_TIMEOUT_SECONDS, s.HTTP_MAX_ATTEMPTS, s.LOG_FILE) == (30, 8, "")


def test_our_own_http_names_win_over_the_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_RETRY_COUNT", "3")
    monkeypatch.setenv("HTTP_MAX_ATTEMPTS", "2")
    assert Settings().HTTP_MAX_ATTEMPTS == 2
