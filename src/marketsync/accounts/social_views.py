"""Social sign-in pages: /auth/{vk,yandex,google}/login and /callback, /auth/telegram/callback (the Login
Widget's fields), and /auth/link (the owner of an e-mail confirms a new identity with their password or a mailed
link). Every failure lands on /login with a message and no session."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, BackgroundTasks, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marketsync.accounts import social, throttle
from marketsync.accounts.linking import Action
from marketsync.accounts.mail import send_token_mail
from marketsync.accounts.schemas import FormStr, client_address
from marketsync.accounts.service import LoginOutcome, check_login, find_user
from marketsync.accounts.social import FailureKind, ProviderError, ProviderIdentity
from marketsync.accounts.tokens import Purpose, TokenError, consume, peek
from marketsync.web.deps import DbSession, OptionalUser, start_session
from marketsync.web.i18n import gettext as _
from marketsync.web.templating import flash, render

if TYPE_CHECKING:
    from marketsync.accounts.models import User

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["pages"])
PENDING = "social_pending"  # the identity waiting for its e-mail's owner to confirm, in the signed session cookie
HOME = "/"


def _failure_text(kind: FailureKind, title: str) -> str:
    return {
        FailureKind.CANCELLED: _("You cancelled signing in with %(provider)s.", provider=title),
        FailureKind.STATE: _("The sign-in with %(provider)s could not be checked: it was started in another "
                             "browser, altered or already finished. Try again.", provider=title),
        FailureKind.REFUSED: _("%(provider)s refused the sign-in: its code was already used, has expired or was "
                               "issued for another page. Try again.", provider=title),
        FailureKind.INVALID: _("The answer from %(provider)s could not be verified. Try again.", provider=title),
        FailureKind.UNAVAILABLE: _("%(provider)s is not answering right now. Try again later or sign in with "
                                   "your e-mail.", provider=title),
    }[kind]


def _fail(request: Request, provider: str, error: ProviderError, signed_in: bool) -> RedirectResponse:
    # The detail (the provider's error code, what did not verify) is for the operator; the person gets the kind.
    log.warning("sign-in with %s failed: %s", provider, error)
    kind = error.kind
    flash(request, _failure_text(kind, social.TITLES[provider]), "danger")
    return RedirectResponse("/profile" if signed_in else "/login", status_code=303)


def _check_provider(provider: str, *, telegram: bool = False) -> None:
    allowed = social.PROVIDERS if not telegram else ("telegram",)
    if provider not in allowed:
        raise HTTPException(404)


@router.get("/{provider}/login")
async def provider_login(request: Request, provider: str) -> Response:
    """Send the browser to the provider's consent page (302) with state, PKCE and, for Google, a nonce."""
    if provider == "telegram":
        if "telegram" not in social.enabled_providers():
            raise HTTPException(404)
        return RedirectResponse(social.telegram_login_url(), status_code=302)
    _check_provider(provider)
    if provider not in social.enabled_providers():
        raise HTTPException(404)
    return await social.start(request, provider)


@router.get("/telegram/callback")
def telegram_callback(request: Request, session: DbSession, user: OptionalUser) -> Response:
    """Sign in (or link) the Telegram person whose widget fields carry a valid hash from the last day."""
    if "hash" not in request.query_params:
        # Telegram's own page (a plain link, no widget script) returns the fields in the URL's fragment
        # (#tgAuthResult=...), which never reaches a server: a script of ours moves them into the query.
        return render(request, "accounts/telegram_return.html", {})
    try:
        identity = social.verify_telegram(dict(request.query_params))
    except ProviderError as exc:
        return _fail(request, "telegram", exc, user is not None)
    return _arrive(request, session, identity, user)


@router.get("/{provider}/callback")
async def provider_callback(request: Request, provider: str, session: DbSession, user: OptionalUser) -> Response:
    """Finish a provider's sign-in: state, code (once, for this redirect, with the PKCE verifier), who it is."""
    _check_provider(provider)
    try:
        identity = await social.finish(request, provider)
    except ProviderError as exc:
        return _fail(request, provider, exc, user is not None)
    return _arrive(request, session, identity, user)


def _arrive(request: Request, session: DbSession, identity: ProviderIdentity, user: OptionalUser) -> Response:
    title = social.TITLES[identity.provider]
    decision, target = social.resolve(session, identity, user)
    if decision.action is Action.TAKEN:
        flash(request, _("This %(provider)s account is already linked to another MarketSync user.",
                         provider=title), "danger")
        return RedirectResponse("/profile", status_code=303)
    if decision.action is Action.CONFIRM and decision.user_id is not None:
        request.session[PENDING] = social.pending_payload(identity, decision.user_id)
        return RedirectResponse("/auth/link", status_code=303)
    if decision.action in {Action.LINK, Action.ALREADY_LINKED} and user is not None:
        flash(request, _("%(provider)s is linked to your account.", provider=title))
        return RedirectResponse("/profile", status_code=303)
    if target is None or target.status != "active":
        flash(request, _("Your account is suspended. Contact support."), "danger")
        return RedirectResponse("/login", status_code=303)
    response = RedirectResponse(HOME, status_code=303)
    start_session(session, request, response, target)
    return response


def _pending(request: Request) -> tuple[ProviderIdentity, int] | None:
    return social.pending_identity(request.session.get(PENDING))


@router.get("/link", response_class=HTMLResponse)
def link_page(request: Request, session: DbSession) -> Response:
    """Ask the owner of the e-mail to confirm the new identity: their password, or a link by mail."""
    pending = _pending(request)
    if pending is None:
        flash(request, _("The sign-in waiting for confirmation has expired. Start again."), "info")
        return RedirectResponse("/login", status_code=303)
    identity, _user_id = pending
    return render(request, "accounts/link_confirm.html",
                  {"provider": social.TITLES[identity.provider], "email": identity.email, "error": None})


@router.post("/link", response_class=HTMLResponse)
def link_with_password(request: Request, session: DbSession, password: FormStr = "") -> Response:
    """Check the account's password (throttled like /login), link the identity and sign the owner in."""
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/auth/link", status_code=303)
    identity, user_id = pending
    email = identity.email or ""
    context = {"provider": social.TITLES[identity.provider], "email": email}
    if not throttle.reserve_attempt(email, client_address(request)):
        return render(request, "accounts/link_confirm.html",
                      {**context, "error": _("Too many wrong passwords. Wait a minute and try again.")},
                      status_code=429, headers={"Retry-After": "60"})
    outcome, user = check_login(session, email=email, password=password)
    if outcome is not LoginOutcome.OK or user is None or user.id != user_id:
        return render(request, "accounts/link_confirm.html", {**context, "error": _("Wrong password.")},
                      status_code=400)
    return _finish_link(request, session, identity, user)


def _finish_link(request: Request, session: DbSession, identity: ProviderIdentity, user: User) -> Response:
    request.session.pop(PENDING, None)
    if not social.confirm_link(session, identity, user):
        flash(request, _("This %(provider)s account is already linked to another MarketSync user.",
                         provider=social.TITLES[identity.provider]), "danger")
        return RedirectResponse("/login", status_code=303)
    response = RedirectResponse(HOME, status_code=303)
    start_session(session, request, response, user)
    flash(request, _("%(provider)s is linked to your account.", provider=social.TITLES[identity.provider]))
    return response


@router.post("/link/mail", response_class=HTMLResponse)
def link_by_mail(request: Request, session: DbSession, background: BackgroundTasks) -> Response:
    """Mail the e-mail's owner a single-use link that finishes the linking in this browser."""
    pending = _pending(request)
    if pending is None:
        return RedirectResponse("/auth/link", status_code=303)
    identity, user_id = pending
    owner = find_user(session, identity.email or "")
    if owner is not None and owner.id == user_id:
        send_token_mail(background, session, owner, "link", client=client_address(request))
    return render(request, "accounts/message.html",
                  {"heading": _("Check your mail"), "tone": "",
                   "text": _("We sent a link to %(email)s. Open it in this browser to link %(provider)s.",
                             email=identity.email, provider=social.TITLES[identity.provider])})


@router.get("/link/confirm", response_class=HTMLResponse)
def link_confirm_page(request: Request, session: DbSession, token: str = "") -> Response:
    """Show the mailed link's button (a mail scanner fetching the link spends nothing)."""
    try:
        peek(session, token, Purpose.LINK)
    except TokenError:
        return _link_gone(request)
    pending = _pending(request)
    provider = social.TITLES[pending[0].provider] if pending else ""
    return render(request, "accounts/link_mailed.html", {"token": token, "provider": provider,
                                                         "ready": pending is not None})


@router.post("/link/confirm", response_class=HTMLResponse)
def link_confirm(request: Request, session: DbSession, token: FormStr = "") -> Response:
    """Use the mailed link up and link the identity this browser is holding, for that link's user only."""
    pending = _pending(request)
    if pending is None:
        return _link_gone(request)
    identity, user_id = pending
    try:
        user = consume(session, token, Purpose.LINK)
    except TokenError:
        return _link_gone(request)
    if user.id != user_id or user.status != "active":
        return _link_gone(request)
    return _finish_link(request, session, identity, user)


def _link_gone(request: Request) -> HTMLResponse:
    return render(request, "accounts/message.html",
                  {"heading": _("The link does not work"), "tone": "danger",
                   "text": _("The link is not valid, has been used or has expired, or this browser did not start "
                             "the sign-in. Sign in with the service again."),
                   "link_url": "/login", "link_label": _("Sign in")}, status_code=400)


@router.post("/link/cancel")
def link_cancel(request: Request) -> Response:
    """Forget the identity waiting for confirmation."""
    request.session.pop(PENDING, None)
    return RedirectResponse("/login", status_code=303)
