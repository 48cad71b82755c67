"""The console script: refuse invalid settings with a one-line reason before any command module reads them (some
build the Celery app when imported, which would otherwise end in a traceback)."""

from __future__ import annotations

import sys

from pydantic import ValidationError


def main() -> None:
    """Check the settings, then run the `marketsync` command."""
    from marketsync.settings import get_settings

    try:
        get_settings()
    except ValidationError as exc:
        reasons = "; ".join(
            f"{'.'.join(map(str, error['loc']))}: {error['msg']}" if error["loc"] else error["msg"]
            for error in exc.errors())
        print(f"error: invalid settings: {reasons}", file=sys.stderr)
        raise SystemExit(1) from None
    from marketsync.cli.app import main as run

    run()
