"""What the account forms bring and how they are checked: the form field type, the client's address (the
limits count per address) and the field checks every account form shares (password, name, phone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request

from marketsync.accounts.service import password_problem
from marketsync.web.i18n import gettext as _

MAX_NAME_LENGTH = 200
MAX_PHONE_LENGTH = 32

FormStr = Annotated[str, Form()]


def client_address(request: Request) -> str | None:
    """Return the address the request came from (the limits count per client address)."""
    return request.client.host if request.client else None


def password_errors(password: str, password_confirm: str) -> dict[str, str]:
    """Check a new password and its repetition; return field errors."""
    if password_problem(password):
        return {"password": _("The password must have 8 to 256 characters.")}
    if password != password_confirm:
        return {"password_confirm": _("The passwords do not match.")}
    return {}


def profile_errors(name: str, phone: str) -> dict[str, str]:
    """Check the optional name and phone fields; return field errors."""
    errors: dict[str, str] = {}
    if len(name) > MAX_NAME_LENGTH:
        errors["name"] = _("The name is too long.")
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone and (len(phone) > MAX_PHONE_LENGTH or not 10 <= len(digits) <= 15
                  or any(not (ch.isdigit() or ch in "+-() ") for ch in phone)):
        errors["phone"] = _("Enter a phone number such as +7 900 123-45-67.")
    return errors
