"""`marketsync billing …`: a cabinet's balance, manual credits and the daily tariff charge from the command line
(`--user EMAIL` is that user's primary cabinet)."""

from __future__ import annotations

from decimal import Decimal

import typer

from marketsync.accounts.service import AccountError
from marketsync.billing.service import BillingError, balance_for_email, charge_daily, credit_by_email
from marketsync.cli.common import fail, session
from marketsync.db import get_engine

app = typer.Typer(help="Balances, manual credits and the tariff charge.", no_args_is_help=True)


@app.command("balance")
def balance(user: str = typer.Option(..., "--user", help="The user's e-mail: their primary cabinet.")) -> None:
    """Print the cabinet's balance alone, as one number (e.g. 1250.00), for scripts."""
    try:
        with session() as s:
            typer.echo(f"{balance_for_email(s, user):.2f}")
    except AccountError as exc:
        fail(str(exc))


@app.command("credit")
def credit(user: str = typer.Option(..., "--user", help="The user's e-mail: their primary cabinet."),
           amount: str = typer.Option(..., "--amount", help="Rubles, at most two decimals; a minus debits."),
           reason: str = typer.Option(..., "--reason", help="Why: kept in the ledger with the entry.")) -> None:
    """Add a manual adjustment to the cabinet's balance; print the new balance."""
    try:
        with session() as s:
            new_balance = credit_by_email(s, email=user, amount_text=amount, reason=reason)
    except AccountError as exc:
        fail(str(exc))
    except BillingError as exc:
        fail({"amount": f"the amount {amount!r} is not a non-zero number of rubles with at most two decimals",
              "reason": "give a reason of 1 to 500 characters"}.get(exc.key, exc.key))
    typer.echo(f"{new_balance:.2f}")


@app.command("charge-daily")
def charge_daily_now() -> None:
    """Run the tariff charge for today now (each cabinet is charged once a day, so a second run charges nothing)."""
    report = charge_daily(get_engine())
    typer.echo(f"{report.day.isoformat()}: charged {len(report.charged)} cabinet(s), "
               f"{sum(report.charged.values(), Decimal('0.00')):.2f} RUB; already charged {len(report.already)}; "
               f"free {len(report.free)}; paused (balance spent) {len(report.paused)}")
    for account_id, amount in sorted(report.charged.items()):
        typer.echo(f"  cabinet {account_id}: -{amount:.2f}")
