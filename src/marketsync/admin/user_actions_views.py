"""Admin actions on one user: activate, suspend, password reset link, re-sent invitation, delete.

Each redirects back to the user's page (the list after a delete) with a flash message; the guard rails
(admin.guards) refuse acting on oneself or, unless one is the instance owner, on the instance owner."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse

from marketsync.accounts.mail import send_token_mail
from marketsync.accounts.service import activate, delete_user, suspend
from marketsync.accounts.views import client_address
from marketsync.admin.guards import refusal, refuse, target_user, user_page
from marketsync.web.deps import CurrentUser, DbSession, require_permission
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash

router = APIRouter()
WRITE = [require_permission("users.write")]


def _back(user_id: int) -> RedirectResponse:
    return RedirectResponse(user_page(user_id), status_code=303)


@router.post("/users/{user_id}/activate", dependencies=WRITE)
def activate_user(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Let a pending or suspended user in (the admin vouches for the e-mail)."""
    target = target_user(session, user_id)
    if message := refusal(session, actor, target, "activate"):
        return refuse(request, target, message)
    if target.status == "active":
        flash(request, _("%(email)s is already active.", email=target.email), "info")
    else:
        activate(session, target)
        flash(request, _("%(email)s is active and can sign in.", email=target.email))
    return _back(target.id)


@router.post("/users/{user_id}/suspend", dependencies=WRITE)
def suspend_user(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Suspend a user: their sessions end at once and their cabinets' syncs pause."""
    target = target_user(session, user_id)
    if message := refusal(session, actor, target, "suspend"):
        return refuse(request, target, message)
    if target.status == "suspended":
        flash(request, _("%(email)s is already suspended.", email=target.email), "info")
    else:
        suspend(session, target)
        flash(request, _("%(email)s is suspended and signed out everywhere.", email=target.email), "warning")
    return _back(target.id)


@router.post("/users/{user_id}/reset-password", dependencies=WRITE)
def reset_password(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks,
                   user_id: int) -> RedirectResponse:
    """Mail the user a link to choose a new password."""
    target = target_user(session, user_id)
    if message := refusal(session, actor, target, "reset-password"):
        return refuse(request, target, message)
    if target.status == "suspended":  # the public form refuses them too: activate first
        flash(request, _("%(email)s is suspended. Activate the user first.", email=target.email), "warning")
        return _back(target.id)
    if not send_token_mail(background, session, target, "reset", client=client_address(request)):
        flash(request, _("Too many mails were sent to %(email)s. Try again in an hour.", email=target.email),
              "warning")
        return _back(target.id)
    flash(request, _("A link to choose a new password was sent to %(email)s.", email=target.email))
    return _back(target.id)


@router.post("/users/{user_id}/send-invite", dependencies=WRITE)
def send_invite(request: Request, session: DbSession, actor: CurrentUser, background: BackgroundTasks,
                user_id: int) -> RedirectResponse:
    """Mail a pending user a new invitation link (the previous link stops working)."""
    target = target_user(session, user_id)
    if message := refusal(session, actor, target, "send-invite"):
        return refuse(request, target, message)
    if target.status != "pending":
        flash(request, _("%(email)s has already joined; an invitation is only for a pending user.",
                         email=target.email), "warning")
        return _back(target.id)
    if not send_token_mail(background, session, target, "invite", client=client_address(request)):
        flash(request, _("Too many mails were sent to %(email)s. Try again in an hour.", email=target.email),
              "warning")
        return _back(target.id)
    flash(request, _("A new invitation was sent to %(email)s.", email=target.email))
    return _back(target.id)


@router.post("/users/{user_id}/delete", dependencies=[require_permission("users.delete")])
def delete(request: Request, session: DbSession, actor: CurrentUser, user_id: int) -> RedirectResponse:
    """Delete a user and every cabinet they were the last owner of, with all its data."""
    target = target_user(session, user_id)
    if message := refusal(session, actor, target, "delete"):
        return refuse(request, target, message)
    email = target.email
    cabinets = delete_user(session, target)
    flash(request, _("%(email)s is deleted. Cabinets removed with all their data: %(count)s.", email=email,
                     count=len(cabinets)), "info")
    return RedirectResponse("/admin/users", status_code=303)
