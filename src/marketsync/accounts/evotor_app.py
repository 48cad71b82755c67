"""The Evotor app's account link: a seller who installs MarketSync in the Evotor market gets (or links) a user
here, and the Evotor cloud token it delivers becomes their cabinet's Evotor connection.

The identity is an OAuthIdentity(provider="evotor", subject=<Evotor userId>) whose `secret` keeps, encrypted,
the token we answered, so a replayed registration answers the same token and creates nothing. Refusals are
EvotorAppError carrying the HTTP status and Evotor error code the webhooks answer with
(documentation-api/responses.yaml); the web layer only turns them into `{"errors": [...]}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketsync.accounts import throttle
from marketsync.accounts.models import OAuthIdentity, User
from marketsync.accounts.service import (
    AccountError,
    LoginOutcome,
    check_login,
    create_user,
    find_user,
    normalize_email,
    primary_account_id,
)
from marketsync.connections.service import ConnectionSetupError, save_connection
from marketsync.security import decrypt_json, encrypt_json, new_token

PROVIDER = "evotor"
USER_ID = re.compile(r"^[0-9]{2}-[0-9]{15}\Z")  # definitions.yaml#/userId
PLACEHOLDER_DOMAIN = "users.evotor.invalid"  # .invalid never resolves: nothing is ever mailed there

# Evotor error codes (responses.yaml). 404 has no documented body: the status is reused as the code, as the
# sandbox's emulated cloud does.
WRONG_TOKEN = 1001
WRONG_CREDENTIALS = 1006
SYNTAX_ERROR = 2001
FIELD_MISSING = 2002
ALREADY_REGISTERED = 2005
NOT_FOUND = 404

NAME_MAX = 200  # users.name
PHONE_MAX = 32  # users.phone


class EvotorAppError(Exception):
    """A webhook refusal: HTTP status, Evotor error code and an optional reason and field name."""

    def __init__(self, status: int, code: int, reason: str | None = None, subject: str | None = None) -> None:
        super().__init__(f"{status} {code} {reason or ''} {subject or ''}".strip())
        self.status = status
        self.code = code
        self.reason = reason
        self.subject = subject

    def body(self) -> dict[str, Any]:
        """Return Evotor's error envelope `{"errors": [{"code", "reason"?, "subject"?}]}`."""
        error: dict[str, Any] = {"code": self.code}
        if self.reason:
            error["reason"] = self.reason
        if self.subject:
            error["subject"] = self.subject
        return {"errors": [error]}


@dataclass(frozen=True)
class Link:
    """A user linked to an Evotor userId, with the token Evotor uses for them; `created` when new now."""

    user: User
    evotor_user_id: str
    token: str
    created: bool


def missing(subject: str) -> EvotorAppError:
    """Return the 400 for a required field that is absent."""
    return EvotorAppError(400, FIELD_MISSING, "missing", subject)


def incorrect(subject: str) -> EvotorAppError:
    """Return the 400 for a field whose value we cannot use."""
    return EvotorAppError(400, FIELD_MISSING, "incorrect", subject)


def required_text(body: dict[str, Any], field: str) -> str:
    """Return a required non-empty string field of a webhook body, or raise the 400 naming it."""
    value = body.get(field)
    if value is None or value == "":
        raise missing(field)
    if not isinstance(value, str) or not value.strip():
        raise incorrect(field)
    return value.strip()


def evotor_user_id(body: dict[str, Any]) -> str:
    """Return the body's `userId` when it has Evotor's form (NN-NNNNNNNNNNNNNNN), else raise the 400."""
    value = body.get("userId")
    if value is None or value == "":
        raise missing("userId")
    if not isinstance(value, str) or not USER_ID.match(value):  # exactly, untrimmed: it is a link's key
        raise incorrect("userId")
    return value


def _optional_text(body: dict[str, Any], field: str, limit: int) -> str | None:
    value = body.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # a phone typed as digits may arrive as a JSON number
    if not isinstance(value, str) or len(value.strip()) > limit:
        raise incorrect(field)
    return value.strip()


def placeholder_email(user_id: str) -> str:
    """Return the address of a user Evotor registered without an e-mail (unique per Evotor userId)."""
    return f"evotor-{user_id}@{PLACEHOLDER_DOMAIN}"


def find_identity(session: Session, user_id: str) -> OAuthIdentity | None:
    """Return the link of an Evotor userId, if any."""
    return session.scalar(select(OAuthIdentity).where(OAuthIdentity.provider == PROVIDER,
                                                      OAuthIdentity.subject == user_id))


def _token_of(identity: OAuthIdentity) -> str:
    return str(decrypt_json(identity.secret or "")["token"])


def _link(session: Session, user: User, user_id: str) -> Link:
    """Link `user` to the Evotor userId (or reuse the existing link); 409 when it belongs to someone else."""
    identity = find_identity(session, user_id)
    if identity is not None:
        if identity.user_id != user.id:
            raise EvotorAppError(409, ALREADY_REGISTERED, "userId is linked to another user", "userId")
        return Link(user, user_id, _token_of(identity), created=False)
    token = new_token()  # 43 characters; Evotor accepts up to 128
    session.add(OAuthIdentity(provider=PROVIDER, subject=user_id, user_id=user.id,
                              secret=encrypt_json({"token": token})))
    session.flush()
    return Link(user, user_id, token, created=True)


def register(session: Session, body: dict[str, Any]) -> Link:
    """Handle `/user/create`: a new pending user with their own cabinet, or the earlier answer on a replay.

    With an e-mail the user must set a password through an invite (the caller mails it when `created`);
    without one they get a placeholder address and can only come in through Evotor until they add one."""
    user_id = evotor_user_id(body)
    email_field = _optional_text(body, "email", 254)
    name = _optional_text(body, "name", NAME_MAX)
    phone = _optional_text(body, "phone", PHONE_MAX)
    identity = find_identity(session, user_id)
    if identity is not None:  # Evotor retries when our first answer got lost: same token, nothing new
        user = session.get(User, identity.user_id)
        assert user is not None  # the identity row is deleted with its user
        return Link(user, user_id, _token_of(identity), created=False)
    if email_field is not None:
        try:
            email = normalize_email(email_field)
        except AccountError:
            raise incorrect("email") from None
        if find_user(session, email) is not None:
            # A MarketSync user already owns it: they must prove it with their password (/user/verify).
            raise EvotorAppError(409, ALREADY_REGISTERED, "email is already registered, use /user/verify", "email")
    else:
        email = placeholder_email(user_id)
        existing = find_user(session, email)
        if existing is not None:  # the link was removed but the placeholder user stayed: take them back
            return _link(session, existing, user_id)
    try:
        user = create_user(session, email=email, password=None, active=False, name=name, phone=phone)
        return _link(session, user, user_id)
    except (IntegrityError, AccountError):
        # A replay running at the same time created the user or the link first (the insert collided, or the
        # address is taken by now). Nothing else of this request is written yet: roll back and answer the
        # token it committed (a fresh read sees it).
        session.rollback()
    identity = find_identity(session, user_id)
    existing_user = session.get(User, identity.user_id) if identity is not None else None
    if identity is None or existing_user is None:
        raise EvotorAppError(409, ALREADY_REGISTERED, "email is already registered, use /user/verify", "email")
    return Link(existing_user, user_id, _token_of(identity), created=False)


def wants_invite(link: Link) -> bool:
    """Whether a registration should mail an invite (a new user with a real address to set a password)."""
    return link.created and not (link.user.email or "").endswith("@" + PLACEHOLDER_DOMAIN)


def verify(session: Session, body: dict[str, Any]) -> Link:
    """Handle `/user/verify`: check the seller's MarketSync e-mail and password, then link their Evotor userId."""
    user_id = evotor_user_id(body)
    email = required_text(body, "username")
    password = body.get("password")
    if password is None or password == "":
        raise missing("password")
    if not isinstance(password, str):
        raise incorrect("password")
    # Every call comes from Evotor's servers: counting failures per Evotor user instead of per address keeps
    # one guesser from locking out every seller installing the app, while the per-e-mail limit still holds.
    source = f"evotor:{user_id}"
    if not throttle.reserve_attempt(email, source):  # reserved before the hash is checked, atomically
        raise EvotorAppError(401, WRONG_CREDENTIALS, "too many attempts, try again in a minute")
    outcome, user = check_login(session, email=email, password=password)
    if outcome is LoginOutcome.WRONG:
        raise EvotorAppError(401, WRONG_CREDENTIALS)
    # Pending too: whoever registered an address they never confirmed must not tie their Evotor to it.
    if outcome in (LoginOutcome.SUSPENDED, LoginOutcome.PENDING) or user is None:
        raise EvotorAppError(401, WRONG_CREDENTIALS)
    return _link(session, user, user_id)


def store_cloud_token(session: Session, body: dict[str, Any]) -> tuple[int, User]:
    """Handle `/user/token`: keep the Evotor cloud token as the Evotor connection of the user's cabinet.

    No live check: Evotor waits 10 s at most, and the catalog refresh that follows tests the token anyway
    (marking the connection broken when the cloud refuses it). Returns (cabinet id, user)."""
    user_id = evotor_user_id(body)
    token = required_text(body, "token")
    identity = find_identity(session, user_id)
    user = session.get(User, identity.user_id) if identity is not None else None
    if user is None:
        raise EvotorAppError(404, NOT_FOUND, "unknown userId", "userId")
    try:
        account_id = primary_account_id(session, user.id)
    except AccountError:
        raise EvotorAppError(404, NOT_FOUND, "the user has no cabinet", "userId") from None
    try:
        save_connection(session, account_id=account_id, system="evotor", credentials={"token": token}, check=False)
    except ConnectionSetupError:
        raise incorrect("token") from None
    return account_id, user
