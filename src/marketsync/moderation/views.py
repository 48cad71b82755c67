"""The moderation queue page (/hub/moderation): the cabinet's products with their verdicts and reasons, a filter by
verdict, approve / reject one or many (checkboxes), edit a name and description, the model's suggested
description to accept, "check again", and the cabinet's rule settings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from marketsync.moderation import llm, messages
from marketsync.moderation.queue_service import (
    accept_description,
    decide,
    edit_product,
    queue,
    suggest_description,
)
from marketsync.moderation.rules import CHANNELS, RULES
from marketsync.moderation.service import VERDICTS, ModerationError, judge, rule_set, save_settings
from marketsync.web.deps import AccountId, CurrentUser, DbSession
from marketsync.web.i18n import gettext as _
from marketsync.web.i18n import local_path
from marketsync.web.templating import flash, render

router = APIRouter(tags=["moderation"])
HOME = "/hub/moderation"


def _refusal(error: ModerationError) -> str:
    return {
        "unknown_product": _("The product was not found."),
        "empty_name": _("The name cannot be empty."),
        "too_long": _("The name holds up to 500 characters, the description up to 20000."),
        "no_model": _("No language model is configured."),
        "model_failed": _("The language model wrote no description; try again later."),
        "no_suggestion": _("The model has suggested no description for this product."),
        "bad_words": _("Forbidden words: at most 1000 words of up to 100 characters each."),
        "bad_price": _("Price limits cannot be negative, and the minimum cannot be above the maximum."),
        "no_channels": _("Choose at least one marketplace."),
    }.get(error.code, error.message)


@router.get(HOME, response_class=HTMLResponse)
def moderation_queue(request: Request, session: DbSession, account_id: AccountId, verdict: str = "",
                     page: int = 1) -> HTMLResponse:
    """Show the cabinet's products with their verdicts, those of one verdict when filtered."""
    chosen = verdict if verdict in VERDICTS else ""
    result = queue(session, account_id=account_id, verdict=chosen or None, page=page)
    rules = rule_set(session, account_id)
    return render(request, "moderation/queue.html", {
        "q": result, "chosen": chosen, "say": messages.say, "rule_name": messages.rule_name,
        "channel_name": messages.channel_name, "rules": rules, "all_rules": RULES, "all_channels": CHANNELS,
        "model_on": llm.enabled(),
        "here": str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    })


def _back(next_url: str) -> RedirectResponse:
    return RedirectResponse(local_path(next_url, HOME), status_code=303)


@router.post(f"{HOME}/decide")
def decide_many(request: Request, session: DbSession, account_id: AccountId, user: CurrentUser,
                action: Annotated[str, Form()] = "", product_ids: Annotated[list[int] | None, Form()] = None,
                next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Approve or reject the checked products."""
    if action not in ("approve", "reject"):
        raise HTTPException(status_code=400)
    if not product_ids:
        flash(request, _("Tick the products first."), "warning")
        return _back(next)
    count = decide(session, account_id=account_id, product_ids=product_ids, verdict=action, who=user.email or "")
    flash(request, _("Approved: %(count)s.", count=count) if action == "approve"
          else _("Rejected: %(count)s.", count=count))
    return _back(next)


# Before /{product_id}/{action}, which would take "edit" for an action.
@router.post(HOME + "/{product_id}/edit")
def edit(request: Request, session: DbSession, account_id: AccountId, product_id: int,
         name: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
         next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Save a product's name and description and check it again."""
    try:
        verdict = edit_product(session, account_id=account_id, product_id=product_id, name=name,
                               description=description)
    except ModerationError as exc:
        if exc.code == "unknown_product":
            raise HTTPException(status_code=404) from exc
        flash(request, _refusal(exc), "danger")
        return _back(next)
    flash(request, _("The product is saved and checked again: %(verdict)s.", verdict=_verdict_word(verdict.verdict)))
    return _back(next)


@router.post(HOME + "/{product_id}/{action}")
def decide_one(request: Request, session: DbSession, account_id: AccountId, user: CurrentUser, product_id: int,
               action: str, next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Approve or reject one product, ask the model for its description or accept the suggested one."""
    try:
        if action in ("approve", "reject"):
            if not decide(session, account_id=account_id, product_ids=[product_id], verdict=action,
                          who=user.email or ""):
                raise HTTPException(status_code=404)
            flash(request, _("The product is approved.") if action == "approve" else _("The product is rejected."))
        elif action == "describe":
            suggest_description(session, account_id=account_id, product_id=product_id)
            flash(request, _("The model suggested a description: read it and accept it below the product."))
        elif action == "accept-description":
            verdict = accept_description(session, account_id=account_id, product_id=product_id)
            flash(request, _("The description is saved; the product was checked again: %(verdict)s.",
                             verdict=_verdict_word(verdict.verdict)))
        else:
            raise HTTPException(status_code=404)
    except ModerationError as exc:
        if exc.code == "unknown_product":
            raise HTTPException(status_code=404) from exc
        flash(request, _refusal(exc), "danger")
    return _back(next)


def _verdict_word(verdict: str) -> str:
    return {"approve": _("approved"), "reject": _("rejected"), "pending": _("waiting")}.get(verdict, verdict)


@router.post(f"{HOME}/check")
def check_again(request: Request, session: DbSession, account_id: AccountId,
                next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Judge every product again by the current rules (a person's verdicts stay)."""
    verdicts = judge(session, account_id=account_id, force=True)
    flash(request, _("Checked: %(count)s products.", count=len(verdicts)))
    return _back(next)


def _price(value: str) -> Decimal | None:
    text = value.strip().replace(",", ".").replace(" ", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ModerationError("bad_price", "not a price") from None


@router.post(f"{HOME}/settings")
def settings(request: Request, session: DbSession, account_id: AccountId,
             forbidden_words: Annotated[str, Form()] = "", price_min: Annotated[str, Form()] = "",
             price_max: Annotated[str, Form()] = "", rules: Annotated[list[str] | None, Form()] = None,
             channels: Annotated[list[str] | None, Form()] = None) -> RedirectResponse:
    """Save the cabinet's moderation rules (words one a line or comma-separated)."""
    words = [w for line in forbidden_words.splitlines() for w in line.split(",")]
    try:
        save_settings(session, account_id=account_id, forbidden_words=words, price_min=_price(price_min),
                      price_max=_price(price_max), enabled_rules=rules or [], channels=channels or [])
    except ModerationError as exc:
        flash(request, _refusal(exc), "danger")
        return _back(HOME)
    flash(request, _("The moderation rules are saved; press «Check again» to apply them to every product."))
    return _back(HOME)
