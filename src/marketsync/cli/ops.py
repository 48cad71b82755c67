"""`marketsync ops`: the read-only switch that stops every write to every external system, and the status."""

from __future__ import annotations

from enum import StrEnum

import typer

from marketsync.cli.common import session
from marketsync.ops import service

app = typer.Typer(help="Operations: read-only mode and the circuit breakers.", no_args_is_help=True)


class OnOff(StrEnum):
    """The two positions of a switch."""

    on = "on"
    off = "off"


@app.command("read-only")
def read_only(state: OnOff = typer.Argument(..., help="on: stop every write to every external system; off: resume.")
              ) -> None:
    """Turn read-only mode on or off for every cabinet, worker and page (each notices within seconds)."""
    with session() as s:
        service.set_read_only(s, enabled=state is OnOff.on)
    if state is OnOff.on:
        typer.echo("read-only mode is on: no write leaves for any external system; reads and pages go on")
    else:
        typer.echo("read-only mode is off: writes resume with the next sync")


@app.command("status")
def status() -> None:
    """Print the read-only switch and every circuit breaker that is not closed."""
    with session() as s:
        typer.echo(f"read-only: {'on' if service.read_only(s) else 'off'}")
        for breaker in service.breaker_states(s):
            if breaker.state != "closed":
                typer.echo(f"breaker {breaker.key}: {breaker.state} since {breaker.changed_at:%Y-%m-%d %H:%M} UTC")
