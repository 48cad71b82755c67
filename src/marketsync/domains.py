"""Domain names as nginx, certbot and links need them: a Cyrillic domain in its ASCII (punycode) form."""

from __future__ import annotations

import idna


def domain_to_ascii(domain: str) -> str:
    """The ASCII form of a domain (мои-товары.рф → xn----8sbfwtmcso8g.xn--p1ai); ASCII names come back lower-cased.

    Raises ValueError for a name that is not a valid domain (IDNA 2008 with UTS #46 mapping, as browsers do)."""
    name = domain.strip().rstrip(".")
    if not name:
        raise ValueError("empty domain name")
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"not a valid domain name: {domain!r} ({exc})") from exc
