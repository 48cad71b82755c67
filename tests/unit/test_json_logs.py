"""LOG_FORMAT=json: one JSON object a line, carrying the request and run ids, still redacted; text by default."""

from __future__ import annotations

import json
import logging
import logging.config

import pytest

from marketsync.logs import bind_context, logging_config, reset_context


@pytest.fixture(autouse=True)
def _restore_logging():  # type: ignore[no-untyped-def]
    yield
    logging.config.dictConfig(logging_config("WARNING"))


def test_json_lines_carry_the_request_and_run_ids_and_no_token(capsys) -> None:  # type: ignore[no-untyped-def]
    logging.config.dictConfig(logging_config("INFO", None, "json"))
    token = bind_context(request_id="req-1", run_id=42)
    try:
        logging.getLogger("marketsync.sync.chain").warning(
            "pushing https://api.vk.com/method/market.get?access_token=vk1.a.SECRET&v=5.199")
    finally:
        reset_context(token)
    logging.getLogger("marketsync.cli").info("after the request")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    first, second = lines
    assert (first["level"], first["logger"], first["request_id"], first["run_id"]) == \
        ("WARNING", "marketsync.sync.chain", "req-1", "42")
    assert "SECRET" not in first["message"] and "market.get" in first["message"] and "time" in first
    assert "request_id" not in second and second["message"] == "after the request"


def test_text_stays_the_default_for_terminals(capsys) -> None:  # type: ignore[no-untyped-def]
    logging.config.dictConfig(logging_config("INFO"))
    token = bind_context(request_id="req-2")
    try:
        logging.getLogger("marketsync.cli").warning("plain")
    finally:
        reset_context(token)
    line = capsys.readouterr().err.strip()
    assert line.endswith("WARNING marketsync.cli: plain") and not line.startswith("{")
