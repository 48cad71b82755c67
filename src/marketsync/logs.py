"""Logging of every process (CLI, web, worker, beat): one dictConfig built from LOG_LEVEL, LOG_FILE and LOG_FORMAT.

The terminal shows LOG_LEVEL and up, without the request-level lines (uvicorn's access log, httpx's
"HTTP Request", Celery's "Task … received/succeeded") unless LOG_LEVEL is DEBUG; LOG_FILE, when set, receives
everything at DEBUG. Uvicorn is started with log_config=None and Celery through its setup_logging signal, so
neither replaces this configuration. LOG_FORMAT=json writes one JSON object a line (python-json-logger) to both,
with the request id of a web request, the task id and the run id of a pipeline when known; text is the default.
"""

from __future__ import annotations

import logging
import logging.config
import os
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

from marketsync.security import redact

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# One line per HTTP request, per task message (sent by beat, received, done) or per SMTP connection (aiosmtpd's
# "mail.log"), and the migration's preamble at every start: noise on a terminal, useful in the log file.
REQUEST_LOGGERS = ("uvicorn.access", "httpx", "celery.worker.strategy", "celery.app.trace", "celery.beat", "mail.log",
                   "alembic.runtime.migration")
# Their DEBUG is per SQL statement, per socket event or per lock: too much even for the log file.
QUIET_LIBRARIES = {"sqlalchemy": "WARNING", "httpcore": "INFO", "hpack": "INFO", "multipart": "INFO",
                   "python_multipart": "INFO", "filelock": "INFO", "asyncio": "INFO", "kombu": "INFO",
                   "amqp": "INFO", "PIL": "INFO", "watchfiles": "INFO", "celery.bootsteps": "INFO",
                   "alembic.runtime.plugins": "WARNING"}
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FILE_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
JSON_FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s %(message)s"
CONTEXT_FIELDS = ("request_id", "task_id", "run_id")
# Immutable by use: every bind sets a new dict, so the shared empty default is never changed.
_context: ContextVar[dict[str, str] | None] = ContextVar("marketsync_log_context", default=None)


def bind_context(**values: object) -> Token[dict[str, str] | None]:
    """Add ids (request_id, task_id, run_id) to every log line of this context; reset with the returned token."""
    return _context.set({**(_context.get() or {}), **{k: str(v) for k, v in values.items() if v is not None}})


def reset_context(token: Token[dict[str, str] | None]) -> None:
    """Drop the ids bound by `bind_context`."""
    _context.reset(token)


def clear_context() -> None:
    """Forget every bound id (a worker thread starting its next task)."""
    _context.set(None)


class AddContext(logging.Filter):
    """Put the bound ids on the record, so JSON lines carry them as fields (empty ones are left out)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Copy the context's ids onto the record; never drop it."""
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def is_request_line(record: logging.LogRecord) -> bool:
    """Whether a record is an ordinary request-level line (warnings and errors never are)."""
    return record.levelno < logging.WARNING and any(
        record.name == name or record.name.startswith(name + ".") for name in REQUEST_LOGGERS)


class DropRequestLines(logging.Filter):
    """Keep request-level lines off the terminal (they still reach the log file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Drop a request-level line."""
        return not is_request_line(record)


class RedactMessage(logging.Filter):
    """Redact secret-looking values from the whole message: httpx logs URLs, which may carry tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted; never drop the record."""
        if record.args:
            record.msg, record.args = redact(record.getMessage()) or "", ()
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg) or ""
        return True


def normalized_level(level: str | None) -> str:
    """Return a level name logging knows (case-insensitive), INFO for anything else."""
    name = (level or "").strip().upper()
    return name if name in LEVELS else "INFO"


def _formatters(json: bool) -> dict[str, dict[str, Any]]:
    if not json:
        return {"console": {"format": CONSOLE_FORMAT, "datefmt": "%H:%M:%S"}, "file": {"format": FILE_FORMAT}}
    # The message is redacted by the filter before it is formatted; extra fields are our ids only.
    formatter = {"()": "pythonjsonlogger.json.JsonFormatter", "format": JSON_FORMAT,
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}
    return {"console": formatter, "file": formatter}


def logging_config(level: str, log_file: str | None = None, log_format: str = "text") -> dict[str, Any]:
    """Return the dictConfig for a terminal at `level` and, when given, a DEBUG log file (text or JSON lines)."""
    level = normalized_level(level)
    console_filters = ["context", "redact"] + ([] if level == "DEBUG" else ["no_request_lines"])
    handlers: dict[str, dict[str, Any]] = {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "level": level,
                    "formatter": "console", "filters": console_filters},
    }
    if log_file:
        handlers["file"] = {"class": "logging.FileHandler", "filename": log_file, "encoding": "utf-8",
                            "delay": True, "level": "DEBUG", "formatter": "file", "filters": ["context", "redact"]}
    # uvicorn's and Celery's own loggers lose any handler of theirs and propagate to ours.
    own = {name: {"handlers": [], "propagate": True, "level": "NOTSET"}
           for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.task", "celery.redirected")}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": RedactMessage}, "no_request_lines": {"()": DropRequestLines},
                    "context": {"()": AddContext}},
        "formatters": _formatters(log_format == "json"),
        "handlers": handlers,
        "root": {"level": "DEBUG" if log_file else level, "handlers": list(handlers)},
        "loggers": {**own, **{name: {"level": cap} for name, cap in QUIET_LIBRARIES.items()}},
    }


def configured() -> tuple[str, str, str]:
    """Return LOG_LEVEL, LOG_FILE and LOG_FORMAT from the settings, or the environment while they are invalid."""
    try:
        from marketsync.settings import get_settings

        settings = get_settings()
        return str(settings.LOG_LEVEL), settings.LOG_FILE, settings.LOG_FORMAT
    except Exception:  # invalid settings are reported by the command itself; log meanwhile
        log_format = "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "text"
        return normalized_level(os.environ.get("LOG_LEVEL")), os.environ.get("LOG_FILE", ""), log_format


def setup_logging(level: str | None = None, log_file: str | None = None) -> None:
    """Configure this process's logging from the settings (LOG_LEVEL, LOG_FILE, LOG_FORMAT) unless given."""
    configured_level, configured_file, log_format = configured()
    level = configured_level if level is None else level
    log_file = configured_file if log_file is None else log_file
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
    logging.config.dictConfig(logging_config(level, log_file or None, log_format))
