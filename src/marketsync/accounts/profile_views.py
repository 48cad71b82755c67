"""The signed-in user's own pages: profile, edit (with a phone code by SMS), change password, delete."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts import social, throttle
from marketsync.accounts.rbac import user_roles
from marketsync.accounts.schemas import FormStr, client_address, password_errors, profile_errors
from marketsync.accounts.service import cabinets_of, delete_user, end_sessions, send_phone_code, set_password
from marketsync.accounts.tokens import Purpose, TokenError, check_code
from marketsync.db import utcnow
from marketsync.security import verify_password
from marketsync.web.deps import CurrentUser, DbSession, end_session, session_token_hash, start_session
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

router = APIRouter(prefix="/profile", tags=["pages"])


@router.get("", response_class=HTMLResponse)
def profile(request: Request, session: DbSession, user: CurrentUser) -> Response:
    """Show who is signed in, their cabinets and roles."""
    cabinets = cabinets_of(session, user.id)
    identities = social.identities_of(session, user.id)
    linked = {row["provider"] for row in identities}
    linkable = [(name, social.TITLES[name]) for name in social.enabled_providers() if name not in linked]
    return render(request, "profile/index.html",
                  {"me": user, "cabinets": cabinets, "roles": sorted(user_roles(session, user.id)),
                   "identities": identities, "linkable": linkable})


@router.get("/edit", response_class=HTMLResponse)
def edit_page(request: Request, user: CurrentUser) -> Response:
    """Show the form to change name and phone."""
    return render(request, "profile/edit.html", {"values": {"name": user.name or "", "phone": user.phone or ""},
                                                 "errors": {}})


@router.post("/edit", response_class=HTMLResponse)
def edit(request: Request, session: DbSession, user: CurrentUser, name: FormStr = "",
         phone: FormStr = "") -> Response:
    """Save name and phone; a new phone number gets a confirmation code by SMS."""
    name, phone = name.strip(), phone.strip()
    errors = profile_errors(name, phone)
    if errors:
        return render(request, "profile/edit.html", {"values": {"name": name, "phone": phone}, "errors": errors},
                      status_code=400)
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone and phone != user.phone and not throttle.reserve_message(f"tel:{digits}", client_address(request)):
        return render(request, "profile/edit.html", {"values": {"name": name, "phone": phone}, "errors": {
            "phone": _("Too many codes were sent to this number. Try again in an hour.")}}, status_code=429)
    user.name = name or None
    if (phone or None) != user.phone:
        user.phone = phone or None
        user.phone_confirmed_at = None
        if phone:
            send_phone_code(session, user=user, phone=phone,
                            text=lambda code: _("MarketSync code: %(code)s", code=code))
            flash(request, _("We sent a code to %(phone)s. Enter it to confirm the number.", phone=phone), "info")
            return RedirectResponse("/profile/confirm-phone", status_code=303)
    flash(request, _("Your profile is saved."))
    return RedirectResponse("/profile", status_code=303)


@router.get("/confirm-phone", response_class=HTMLResponse)
def confirm_phone_page(request: Request, user: CurrentUser) -> Response:
    """Ask for the code sent to the new phone number."""
    return render(request, "profile/confirm_phone.html", {"phone": user.phone, "errors": {}})


@router.post("/confirm-phone", response_class=HTMLResponse)
def confirm_phone(request: Request, session: DbSession, user: CurrentUser, code: FormStr = "") -> Response:
    """Check the SMS code (five tries) and mark the phone confirmed."""
    try:
        check_code(session, user, code, Purpose.PHONE)
    except TokenError as exc:
        message = _("The code has expired. Save the number again to get a new one.") if exc.reason == "expired" \
            else _("Wrong code.")
        return render(request, "profile/confirm_phone.html", {"phone": user.phone, "errors": {"code": message}},
                      status_code=400)
    user.phone_confirmed_at = utcnow()
    flash(request, _("Your phone number is confirmed."))
    return RedirectResponse("/profile", status_code=303)


@router.get("/change-password", response_class=HTMLResponse)
def change_password_page(request: Request, user: CurrentUser) -> Response:
    """Show the form to change the password."""
    return render(request, "profile/change_password.html", {"errors": {}})


@router.post("/change-password", response_class=HTMLResponse)
def change_password(request: Request, session: DbSession, user: CurrentUser, current_password: FormStr = "",
                    password: FormStr = "", password_confirm: FormStr = "") -> Response:
    """Change the password after checking the current one; every other session of the user ends."""
    if not throttle.reserve_password_check(user.id):
        return render(request, "profile/change_password.html",
                      {"errors": {"current_password": _("Too many wrong passwords. Wait a minute and try again.")}},
                      status_code=429, headers={"Retry-After": "60"})
    errors = password_errors(password, password_confirm)
    if not verify_password(current_password, user.password_hash):
        errors = {"current_password": _("The current password is wrong.")}
    if errors:
        return render(request, "profile/change_password.html", {"errors": errors}, status_code=400)
    set_password(session, user, password)
    end_sessions(session, user.id, keep_token_hash=session_token_hash(request))
    response = RedirectResponse("/profile", status_code=303)
    start_session(session, request, response, user)  # a privilege change: this session gets a new id too
    flash(request, _("Your password has been changed. Other devices have been signed out."))
    return response


@router.get("/delete", response_class=HTMLResponse)
def delete_page(request: Request, user: CurrentUser) -> Response:
    """Explain what deleting the account removes and ask for the password."""
    return render(request, "profile/delete.html", {"errors": {}})


@router.post("/delete", response_class=HTMLResponse)
def delete(request: Request, session: DbSession, user: CurrentUser, password: FormStr = "") -> Response:
    """Delete the user (and the cabinets they were the last owner of) after checking the password."""
    if not throttle.reserve_password_check(user.id):
        return render(request, "profile/delete.html",
                      {"errors": {"password": _("Too many wrong passwords. Wait a minute and try again.")}},
                      status_code=429, headers={"Retry-After": "60"})
    if not verify_password(password, user.password_hash):
        return render(request, "profile/delete.html", {"errors": {"password": _("The password is wrong.")}},
                      status_code=400)
    if "system" in user_roles(session, user.id):
        return render(request, "profile/delete.html",
                      {"errors": {"form": _("The instance owner cannot be deleted from the web.")}}, status_code=403)
    response = RedirectResponse("/login", status_code=303)
    end_session(session, request, response)
    delete_user(session, user)
    flash(request, _("Your account has been deleted."), "info")
    return response
