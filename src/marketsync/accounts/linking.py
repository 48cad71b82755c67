"""Pure: what a provider sign-in does, given who owns the identity, who is signed in and who owns the e-mail.

An identity whose e-mail belongs to a user is never attached to that user on the provider's word, verified or not
(that is how accounts are taken over): the owner confirms with their password or a mailed link first."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """The outcome of a provider sign-in."""

    SIGN_IN = "sign_in"  # a known identity: sign its user in
    LINK = "link"  # a signed-in user added a new identity
    ALREADY_LINKED = "already_linked"  # a signed-in user came back with an identity they already have
    TAKEN = "taken"  # a signed-in user came with an identity of another user: refused
    CONFIRM = "confirm"  # a new identity with the e-mail of an existing user: they must confirm first
    CREATE = "create"  # a new person: a new user, signed in at once


@dataclass(frozen=True)
class Decision:
    """What to do, for which user, and whether the new user takes the provider's e-mail."""

    action: Action
    user_id: int | None = None
    take_email: bool = False


def decide(*, identity_owner: int | None, signed_in: int | None, email_owner: int | None,
           email: str | None, email_verified: bool) -> Decision:
    """Decide what a provider sign-in does (see the module docstring for the one rule that matters)."""
    if identity_owner is not None:
        if signed_in is None:
            return Decision(Action.SIGN_IN, identity_owner)
        if signed_in == identity_owner:
            return Decision(Action.ALREADY_LINKED, identity_owner)
        return Decision(Action.TAKEN, signed_in)
    if signed_in is not None:
        return Decision(Action.LINK, signed_in)
    if email_owner is not None:
        return Decision(Action.CONFIRM, email_owner)
    # The e-mail is unused here (email_owner is None); it is taken only when the provider says it is verified.
    return Decision(Action.CREATE, None, take_email=bool(email) and email_verified)


def can_unlink(*, has_password: bool, identities: int) -> bool:
    """Whether one sign-in identity may go: something else must still let the user in."""
    return identities > 1 or has_password
