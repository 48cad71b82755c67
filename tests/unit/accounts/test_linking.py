"""Who a provider sign-in makes the person: the e-mail of an existing user never links by itself."""

from __future__ import annotations

import pytest

from marketsync.accounts.linking import Action, Decision, can_unlink, decide


@pytest.mark.parametrize(("case", "expected"), [
    # A known identity signs its user in, whatever the e-mail says now.
    (dict(identity_owner=7, signed_in=None, email_owner=9, email="x@y.ru", email_verified=True),
     Decision(Action.SIGN_IN, 7)),
    (dict(identity_owner=7, signed_in=7, email_owner=None, email=None, email_verified=False),
     Decision(Action.ALREADY_LINKED, 7)),
    # Someone else's identity never moves to the signed-in user.
    (dict(identity_owner=7, signed_in=8, email_owner=None, email=None, email_verified=False),
     Decision(Action.TAKEN, 8)),
    # A signed-in user adding a service: theirs.
    (dict(identity_owner=None, signed_in=8, email_owner=9, email="x@y.ru", email_verified=True),
     Decision(Action.LINK, 8)),
    # The e-mail of a user, verified or not: that user must confirm first.
    (dict(identity_owner=None, signed_in=None, email_owner=9, email="x@y.ru", email_verified=True),
     Decision(Action.CONFIRM, 9)),
    (dict(identity_owner=None, signed_in=None, email_owner=9, email="x@y.ru", email_verified=False),
     Decision(Action.CONFIRM, 9)),
    # A new person: the e-mail is taken only when verified.
    (dict(identity_owner=None, signed_in=None, email_owner=None, email="x@y.ru", email_verified=True),
     Decision(Action.CREATE, None, take_email=True)),
    (dict(identity_owner=None, signed_in=None, email_owner=None, email="x@y.ru", email_verified=False),
     Decision(Action.CREATE, None, take_email=False)),
    (dict(identity_owner=None, signed_in=None, email_owner=None, email=None, email_verified=True),
     Decision(Action.CREATE, None, take_email=False)),
])
def test_decide(case: dict, expected: Decision) -> None:  # type: ignore[type-arg]
    assert decide(**case) == expected


@pytest.mark.parametrize(("has_password", "identities", "allowed"), [
    (True, 1, True), (False, 2, True), (False, 1, False), (False, 0, False)])
def test_the_last_way_in_is_never_unlinked(has_password: bool, identities: int, allowed: bool) -> None:
    assert can_unlink(has_password=has_password, identities=identities) is allowed
