"""Who may send payment notifications: the connection's address, or the client X-Forwarded-For names when the
connection comes from a proxy we trust (FORWARDED_ALLOW_IPS, the variable uvicorn's --forwarded-allow-ips
reads; "*" trusts any), checked against YOOKASSA_ALLOWED_NETWORKS. Pure."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Parse a comma list of addresses and networks ("77.75.156.11,185.71.76.0/27"); raise ValueError on junk."""
    return [ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket ("::ffff:77.75.153.10") is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: str, trusted: str) -> bool:
    if trusted.strip() == "*":
        return True
    parsed = _address(address)
    if parsed is None:  # uvicorn also lets a literal name (a unix socket path) be trusted
        return address in {item.strip() for item in trusted.split(",")}
    try:
        return any(parsed in network for network in parse_networks(trusted))
    except ValueError:
        return False


def client_address(peer: str | None, forwarded_for: str | None, trusted: str) -> str | None:
    """Return the sender's address: the peer, unless it is a trusted proxy; then the right-most address of
    X-Forwarded-For that is not a trusted proxy itself (the left part is whatever the client wrote)."""
    if peer is None or not forwarded_for or not _trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


def allowed(address: str | None, networks: Sequence[Network]) -> bool:
    """Whether an address lies in one of the networks (an unparseable address never does)."""
    parsed = _address(address or "")
    return parsed is not None and any(parsed.version == net.version and parsed in net for net in networks)
