"""Admin actions on one user: activate, suspend, password reset link, re-sent invitation, delete.

Each redirects back to the user's page (the list after a delete) with a flash message; the rules (who may act
on whom, which status allows what) are admin.service's."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse

from marketsync.accounts.mail import send_token_mail
from marketsync.accounts.schemas import client_address
from marketsync.admin import service
from marketsync.admin.guards import refuse, target_user, user_page
from marketsync.admin.service import Outcome
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash

router = APIRouter()
WRITE = [require_permission("users.write")]


def _back(request: Request, user_id: int, outcome: Outcome) -> RedirectResponse:
    flash(request, outcome.message, outcome.tone)
    return RedirectResponse(user_page(user_id), status_code=303)


@router.post("/users/{user_id}/activate", dependencies=WRITE)
def activate_user(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Let a pending or suspended user in (the admin vouches for the e-mail)."""
    target = target_user(session, user_id)
    return _back(request, target.id, service.activate_user(session, actor, target))


@router.post("/users/{user_id}/suspend", dependencies=WRITE)
def suspend_user(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Suspend a user: their sessions end at once and their cabinets' syncs pause."""
    target = target_user(session, user_id)
    return _back(request, target.id, service.suspend_user(session, actor, target))


def _mail(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks, user_id: int,
          kind: str, sent: str) -> RedirectResponse:
    target = target_user(session, user_id)
    if (refused := service.mail_refusal(session, actor, target, kind)) is not None:
        return _back(request, target.id, refused)
    if not send_token_mail(background, session, target, kind, client=client_address(request)):
        sent, tone = _("Too many mails were sent to %(email)s. Try again in an hour."), "warning"
    else:
        tone = "success"
    return _back(request, target.id, Outcome(sent % {"email": target.label}, tone))


@router.post("/users/{user_id}/reset-password", dependencies=WRITE)
def reset_password(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks,
                   user_id: int) -> RedirectResponse:
    """Mail the user a link to choose a new password."""
    return _mail(request, session, actor, background, user_id, "reset",
                 _("A link to choose a new password was sent to %(email)s."))


@router.post("/users/{user_id}/send-invite", dependencies=WRITE)
def send_invite(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks,
                user_id: int) -> RedirectResponse:
    """Mail a pending user a new invitation link (the previous link stops working)."""
    return _mail(request, session, actor, background, user_id, "invite",
                 _("A new invitation was sent to %(email)s."))


@router.post("/users/{user_id}/delete", dependencies=[require_permission("users.delete")])
def delete(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Delete a user and every cabinet they were the last owner of, with all its data."""
    target = target_user(session, user_id)
    outcome = service.delete_target(session, actor, target)
    if outcome.refused:
        return refuse(request, target, outcome.message)
    flash(request, outcome.message, outcome.tone)
    return RedirectResponse("/admin/users", status_code=303)
