"""Social sign-in use cases: which providers are on, the provider round trip (connectors.oauth), and what a
returning identity does to our users (accounts.linking decides): sign in, link, ask to confirm, or create."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse

from marketsync.accounts import telegram
from marketsync.accounts.linking import Action, Decision, can_unlink, decide
from marketsync.accounts.models import Account, AccountMember, OAuthIdentity, User, UserRole
from marketsync.accounts.rbac import ensure_roles
from marketsync.accounts.service import find_user
from marketsync.connectors.oauth import client as oauth_client
from marketsync.connectors.oauth import telegram_widget
from marketsync.connectors.oauth.config import PROVIDERS, ProviderConfig
from marketsync.connectors.oauth.identity import FailureKind, ProviderError, ProviderIdentity
from marketsync.db import utcnow
from marketsync.settings import Settings, get_settings

__all__ = ["PROVIDERS", "FailureKind", "ProviderError", "ProviderIdentity", "enabled_providers", "finish",
           "identities_of", "resolve", "start", "unlink", "verify_telegram"]

SIGN_IN_PROVIDERS = (*PROVIDERS, "telegram")
TITLES = {"vk": "VK ID", "yandex": "Яндекс ID", "google": "Google", "telegram": "Telegram", "evotor": "Эвотор"}
PERMANENT = frozenset({"evotor"})  # shown on the profile, never unlinked here: the Evotor app owns it


def provider_config(provider: str, settings: Settings | None = None) -> ProviderConfig:
    """Return a provider's client and endpoints from the settings (`<P>_CLIENT_ID`, `<P>_AUTHORIZE_URL`, ...)."""
    s = settings or get_settings()
    prefix = provider.upper()
    return ProviderConfig(
        name=provider, client_id=getattr(s, f"{prefix}_CLIENT_ID"), client_secret=getattr(s, f"{prefix}_CLIENT_SECRET"),
        authorize_url=getattr(s, f"{prefix}_AUTHORIZE_URL"), token_url=getattr(s, f"{prefix}_TOKEN_URL"),
        userinfo_url=getattr(s, f"{prefix}_USERINFO_URL"), jwks_url=s.GOOGLE_JWKS_URL, issuer=s.GOOGLE_ISSUER,
        timeout=min(s.HTTP_TIMEOUT_SECONDS, 15.0))


def enabled_providers(settings: Settings | None = None) -> list[str]:
    """Return the providers whose buttons show: a client id configured (Telegram: the bot and its username)."""
    s = settings or get_settings()
    names = [name for name in PROVIDERS if getattr(s, f"{name.upper()}_CLIENT_ID")]
    if s.BOT_TOKEN and s.TELEGRAM_BOT_USERNAME:
        names.append("telegram")
    return names


def callback_url(provider: str) -> str:
    """Return the redirect_uri registered at the provider: BASE_URL/auth/{provider}/callback."""
    return f"{get_settings().BASE_URL.rstrip('/')}/auth/{provider}/callback"


def telegram_login_url() -> str:
    """Return the Telegram login page for our bot, answering to /auth/telegram/callback."""
    s = get_settings()
    bot_id = (s.BOT_TOKEN or "").split(":", 1)[0]
    return f"{s.TELEGRAM_LOGIN_URL}?" + urlencode({"bot_id": bot_id, "origin": s.BASE_URL.rstrip("/"),
                                                    "request_access": "write",
                                                    "return_to": callback_url("telegram")})


async def start(request: Request, provider: str) -> RedirectResponse:
    """Answer the 302 to the provider with state, PKCE (and Google's nonce) kept in this browser's session."""
    return await oauth_client.authorize_redirect(request, provider_config(provider), callback_url(provider))


async def finish(request: Request, provider: str) -> ProviderIdentity:
    """Check the callback and fetch who signed in; raise ProviderError with the reason otherwise."""
    return await oauth_client.complete(request, provider_config(provider))


def verify_telegram(query: dict[str, str]) -> ProviderIdentity:
    """Check the Login Widget's fields with BOT_TOKEN; raise ProviderError when forged or older than a day."""
    return telegram_widget.verify(query, get_settings().BOT_TOKEN or "")


def owner_of(session: Session, provider: str, subject: str) -> int | None:
    """Return the user id an identity belongs to, if any."""
    return session.scalar(select(OAuthIdentity.user_id).where(OAuthIdentity.provider == provider,
                                                              OAuthIdentity.subject == subject))


def resolve(session: Session, identity: ProviderIdentity, signed_in: User | None) -> tuple[Decision, User | None]:
    """Apply what a returning identity does; return the decision and the user to sign in (None: nobody yet)."""
    email_owner = find_user(session, identity.email) if identity.email else None
    decision = decide(identity_owner=owner_of(session, identity.provider, identity.subject),
                      signed_in=signed_in.id if signed_in else None,
                      email_owner=email_owner.id if email_owner else None,
                      email=identity.email, email_verified=identity.email_verified)
    if decision.action in {Action.SIGN_IN, Action.ALREADY_LINKED}:
        return decision, session.get(User, decision.user_id)
    if decision.action is Action.LINK and signed_in is not None:
        link(session, signed_in, identity)
        return decision, signed_in
    if decision.action is Action.CREATE:
        try:
            return decision, _create(session, identity, take_email=decision.take_email)
        except IntegrityError:
            # Two callbacks of one new person raced and the other created them (the unique identity refused
            # this one); nothing else was written in this unit of work, so the rollback loses nothing.
            session.rollback()
            owner = owner_of(session, identity.provider, identity.subject)
            if owner is None:
                raise
            return Decision(Action.SIGN_IN, owner), session.get(User, owner)
    return decision, None  # CONFIRM and TAKEN: nobody is signed in and nothing is written


def link(session: Session, user: User, identity: ProviderIdentity) -> None:
    """Attach an identity to a user (the caller has proven the user agrees)."""
    session.add(OAuthIdentity(provider=identity.provider, subject=identity.subject, user_id=user.id))
    if user.name is None and identity.name:
        user.name = identity.name[:200]
    session.flush()


def _create(session: Session, identity: ProviderIdentity, *, take_email: bool) -> User:
    if identity.provider == telegram.PROVIDER:
        # The same person as the bot's (one user per Telegram id): the bot's code makes them.
        user = telegram.register_telegram_person(session, int(identity.subject), identity.name)
    else:
        user = User(email=identity.email if take_email else None, password_hash=None,
                    name=(identity.name or None) and identity.name[:200], status="active",
                    email_confirmed_at=utcnow() if take_email else None)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role_id=ensure_roles(session)["user"].id))
        session.add(OAuthIdentity(provider=identity.provider, subject=identity.subject, user_id=user.id))
        session.flush()
    if telegram.cabinet_of(session, user.id) is None:  # the web cabinet needs one; the bot's person may have none
        account = Account(name=user.name or user.label)
        session.add(account)
        session.flush()
        session.add(AccountMember(account_id=account.id, user_id=user.id, role="owner"))
        session.flush()
    return user


def identities_of(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Return the user's linked identities for the profile: id, provider, title, since, unlinkable."""
    rows = session.scalars(select(OAuthIdentity).where(OAuthIdentity.user_id == user_id)
                           .order_by(OAuthIdentity.id)).all()
    user = session.get(User, user_id)
    ways = _sign_in_identities(session, user_id)
    has_password = _password_works(user)
    return [{"id": row.id, "provider": row.provider, "title": TITLES.get(row.provider, row.provider),
             "subject": row.subject, "created_at": row.created_at,
             "unlinkable": row.provider not in PERMANENT and can_unlink(has_password=has_password, identities=ways)}
            for row in rows]


def _password_works(user: User | None) -> bool:
    # A password signs in with a confirmed e-mail only: a mistyped new address must not be the last way left.
    return bool(user and user.password_hash and user.email and user.email_confirmed_at)


def _sign_in_identities(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(OAuthIdentity).where(
        OAuthIdentity.user_id == user_id, OAuthIdentity.provider.in_(SIGN_IN_PROVIDERS))) or 0)


def unlink(session: Session, user: User, identity_id: int) -> bool:
    """Remove one of the user's identities unless it is Evotor's or the last way to sign in; return whether.

    Raise LookupError for an identity that is not the user's (the page answers 404, as for any foreign id)."""
    row = session.get(OAuthIdentity, identity_id)
    if row is None or row.user_id != user.id:
        raise LookupError(identity_id)
    if row.provider in PERMANENT:
        return False
    if not can_unlink(has_password=_password_works(user),
                      identities=_sign_in_identities(session, user.id)):
        return False
    session.delete(row)
    session.flush()
    return True


def pending_payload(identity: ProviderIdentity, user_id: int) -> dict[str, Any]:
    """Return what the browser's session keeps while the e-mail's owner confirms the link."""
    return {**asdict(identity), "user_id": user_id, "at": utcnow().timestamp()}


def pending_identity(payload: object, *, max_age_seconds: float = 1800) -> tuple[ProviderIdentity, int] | None:
    """Read a pending link back from the session (None when absent, malformed or older than half an hour)."""
    if not isinstance(payload, dict):
        return None
    try:
        if utcnow().timestamp() - float(payload["at"]) > max_age_seconds:
            return None
        identity = ProviderIdentity(provider=str(payload["provider"]), subject=str(payload["subject"]),
                                    email=payload.get("email"), email_verified=bool(payload.get("email_verified")),
                                    name=payload.get("name"))
        return identity, int(payload["user_id"])
    except (KeyError, TypeError, ValueError):
        return None


def confirm_link(session: Session, identity: ProviderIdentity, user: User) -> bool:
    """Link a pending identity once its e-mail's owner proved it is them; False when someone took it meanwhile."""
    owner = owner_of(session, identity.provider, identity.subject)
    if owner is not None:
        return owner == user.id
    link(session, user, identity)
    return True
