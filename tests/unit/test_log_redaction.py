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
