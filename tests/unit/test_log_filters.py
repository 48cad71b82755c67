"""The logging filters of marketsync.logs: no token reaches a log line, and a request-level warning still shows."""

from __future__ import annotations

import logging

import httpx

from marketsync.logs import DropRequestLines, RedactMessage


def _record(name: str, level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_a_request_line_logs_its_url_without_the_token() -> None:
    # httpx passes the URL as an object, not a string: the filter redacts the rendered line.
    url = httpx.URL("https://api.vk.com/method/market.get?access_token=vk1.a.SECRET&v=5.199")
    record = _record("httpx", logging.INFO, 'HTTP Request: %s %s "%s %d %s"', "GET", url, "HTTP/1.1", 200, "OK")
    assert RedactMessage().filter(record)
    line = record.getMessage()
    assert "SECRET" not in line
    assert line.startswith("HTTP Request: GET https://api.vk.com/method/market.get?access_token=") and "v=5.199" in line


def test_only_ordinary_request_lines_leave_the_terminal() -> None:
    drop = DropRequestLines()
    assert not drop.filter(_record("httpx", logging.INFO, "HTTP Request: GET https://api.evotor.ru/stores"))
    assert not drop.filter(_record("uvicorn.access", logging.INFO, '"GET /health HTTP/1.1" 200'))
    assert drop.filter(_record("celery.app.trace", logging.ERROR, "Task mirror_to_vk raised"))
    assert drop.filter(_record("httpxtra", logging.INFO, "another library"))
    assert drop.filter(_record("marketsync.sync.chain", logging.INFO, "sync run 1 started"))
