"""Run the `marketsync` CLI in this process, as a script would: exit code and output."""

from __future__ import annotations

from typer.testing import CliRunner

from marketsync.cli.app import app

runner = CliRunner()
EMAIL = "cli@example.ru"


def cli(*args: str) -> tuple[int, str]:
    """Run one command; return its exit code and what it printed."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output
