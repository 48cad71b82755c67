"""The Telegram Login Widget's fields: Telegram's own example of the check, forged and altered fields, and the
one-day limit on auth_date."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from marketsync.connectors.oauth.identity import FailureKind, ProviderError
from marketsync.connectors.oauth.telegram_widget import data_check_string, sign, verify

BOT_TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _fields(**overrides: str) -> dict[str, str]:
    fields = {"id": "99887766", "first_name": "Анна", "last_name": "Петрова", "username": "anna",
              "photo_url": "https://t.me/i/userpic/320/anna.jpg", "auth_date": str(int(NOW.timestamp()) - 60)}
    fields.update(overrides)
    return {**fields, "hash": sign(fields, BOT_TOKEN)}


def test_the_data_check_string_is_sorted_key_value_lines_without_the_hash() -> None:
    assert data_check_string({"username": "a", "id": "1", "hash": "x", "auth_date": "5"}) == \
        "auth_date=5\nid=1\nusername=a"


def test_the_hash_is_hmac_sha256_keyed_by_sha256_of_the_token() -> None:
    # Computed independently of sign(): Telegram's documented recipe.
    fields = {"id": "1", "auth_date": "1700000000", "first_name": "A"}
    key = hashlib.sha256(BOT_TOKEN.encode()).digest()
    expected = hmac.new(key, b"auth_date=1700000000\nfirst_name=A\nid=1", hashlib.sha256).hexdigest()
    assert sign(fields, BOT_TOKEN) == expected


def test_valid_fields_name_the_person() -> None:
    person = verify(_fields(), BOT_TOKEN, now=NOW)
    assert (person.provider, person.subject, person.name) == ("telegram", "99887766", "Анна Петрова")
    assert person.email is None and not person.email_verified


@pytest.mark.parametrize("tamper", [
    lambda f: {**f, "id": "1"},  # another person
    lambda f: {**f, "hash": "0" * 64},  # a made-up hash
    lambda f: {k: v for k, v in f.items() if k != "hash"},  # no hash
    lambda f: {**f, "hash": sign({k: v for k, v in f.items() if k != "hash"}, "654321:other-bot")},  # another bot
    lambda f: {k: v for k, v in f.items() if k != "auth_date"},  # a field dropped
])
def test_forged_or_altered_fields_are_refused(tamper) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProviderError) as error:
        verify(tamper(_fields()), BOT_TOKEN, now=NOW)
    assert error.value.kind is FailureKind.INVALID


@pytest.mark.parametrize(("age", "accepted"), [
    (timedelta(hours=23, minutes=59), True), (timedelta(days=1, seconds=1), False), (-timedelta(hours=1), False)])
def test_auth_date_must_be_within_a_day(age: timedelta, accepted: bool) -> None:
    fields = _fields(auth_date=str(int((NOW - age).timestamp())))
    if accepted:
        assert verify(fields, BOT_TOKEN, now=NOW).subject == "99887766"
    else:
        with pytest.raises(ProviderError):
            verify(fields, BOT_TOKEN, now=NOW)


def test_without_a_bot_token_nothing_is_accepted() -> None:
    with pytest.raises(ProviderError):
        verify(_fields(), "", now=NOW)
