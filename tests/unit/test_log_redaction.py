"""Link tokens never reach the access log: the web app redacts the paths uvicorn logs."""

from __future__ import annotations

import logging

from marketsync.web.app import create_app


def test_the_access_log_shows_a_reset_link_without_its_token(sqlite_engine, caplog) -> None:  # type: ignore[no-untyped-def]
    create_app()
    logger = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/reset-password?token=WyJyZXNldCIsMV0.secret-part", "1.1", 200)
    assert "secret-part" not in caplog.text
    assert "/reset-password?token=" in caplog.text


def test_the_language_switch_of_a_link_page_logs_no_token(sqlite_engine, caplog) -> None:  # type: ignore[no-untyped-def]
    create_app()
    logger = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/lang/en?next=/reset-password%3Ftoken%3DWyJyZXNldCIsMV0.secret-part", "1.1", 303)
    assert "secret-part" not in caplog.text
    assert "/lang/en?next=/reset-password%3Ftoken%3D" in caplog.text


def test_json_redaction_hides_every_field_named_like_a_secret() -> None:
    from marketsync.security import redact

    body = ('{"refresh_token": "r-123", "Client_Secret": "c-456", "api_key": "k-789", "X-Api-Key": "h-000", '
            '"userPassword": "p-111", "pin_key": 4242, "ACCESS_TOKEN": "a-222", "name": "Сыр", "keyboard": "ok", '
            '"token_type": "bearer"}')
    redacted = redact(body) or ""
    for secret in ("r-123", "c-456", "k-789", "h-000", "p-111", "4242", "a-222"):
        assert secret not in redacted, secret
    assert '"name": "Сыр"' in redacted and '"keyboard": "ok"' in redacted and '"token_type": "bearer"' in redacted
    form = redact("grant_type=refresh_token&refresh_token=r-123&client_secret=c-456&apiKey=k-789&v=5.199") or ""
    assert form == "grant_type=refresh_token&refresh_token=***&client_secret=***&apiKey=***&v=5.199"


def test_a_long_body_is_redacted_at_once_and_an_encoded_link_token_still_hidden() -> None:
    import time

    from marketsync.security import redact

    blob = "QUJD" * 1000  # a base64 photo in a 4000-character logged body: it once took a second per body
    started = time.perf_counter()
    assert redact(blob) == blob
    assert time.perf_counter() - started < 0.2
    assert redact(f"next=%2Fx%3FClient_Secret%3DS-1%26v%3D5&{blob}token%3DS-2") == \
        f"next=%2Fx%3FClient_Secret%3D***%26v%3D5&{blob}token%3D***"


def test_skipping_texts_without_a_secret_word_never_changes_what_is_hidden() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from marketsync.security import _redact_fields, redact

    # Pieces of secret names in odd cases and look-alikes ("ſ" is an "s" and "K" a "k" to the patterns; "İ" is
    # an "i"), with the punctuation that makes a field of them.
    pieces = st.sampled_from(["token", "TOKEN", "ſecret", "Secret", "passwd", "PASSWORD", "KEY", "key", "api_",
                              "authorİzation", "Authorization", "=", "%3D", '"', ": ", "&", " ", "x", "Чай", "1"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join))
    def same(text: str) -> None:
        assert redact(text) == _redact_fields(text)

    same()


def test_a_telegram_bot_token_in_a_logged_url_is_redacted() -> None:
    from marketsync.security import redact

    line = 'HTTP Request: POST https://api.telegram.org/bot123456:AAH-secret_part/sendMessage "HTTP/1.1 200 OK"'
    assert redact(line) == 'HTTP Request: POST https://api.telegram.org/bot***/sendMessage "HTTP/1.1 200 OK"'
    assert redact("/sandbox/telegram/bot7000000001:sandbox-demo/getMe") == "/sandbox/telegram/bot***/getMe"
