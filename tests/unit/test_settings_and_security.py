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
