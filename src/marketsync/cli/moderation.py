"""`marketsync moderation check --user EMAIL [--json]`: judge the cabinet's catalog now (rules, and the model when
MODERATION_LLM_URL is set) and print one verdict per product: `<sku>: approve` or `<sku>: reject: <reasons>`, or
with --json one JSON object a line {"sku", "verdict", "reasons"} (reasons in English, each led by its rule).
Exit 0 when every product was judged, rejections included; 1 with a one-line reason otherwise."""

from __future__ import annotations

import json

import typer

from marketsync.cli.common import account_of, fail, session
from marketsync.moderation.messages import english
from marketsync.moderation.service import ModerationError, judge

app = typer.Typer(help="Moderation before publishing.", no_args_is_help=True)


@app.command("check")
def check(user: str = typer.Option(..., "--user", help="The user's e-mail."),
          as_json: bool = typer.Option(False, "--json", help="One JSON object a line.")) -> None:
    """Judge every product of the user's cabinet and print one verdict per product."""
    try:
        with session() as s:
            verdicts = judge(s, account_id=account_of(s, user))
    except ModerationError as exc:
        fail(exc.message)
    for verdict in verdicts:
        reasons = [english(reason) for reason in verdict.reasons]
        if as_json:
            typer.echo(json.dumps({"sku": verdict.sku, "verdict": verdict.verdict, "reasons": reasons},
                                  ensure_ascii=False))
        else:
            typer.echo(f"{verdict.sku}: {verdict.verdict}" + (f": {'; '.join(reasons)}" if reasons else ""))
