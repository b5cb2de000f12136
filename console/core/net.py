"""Address checks shared by the client, the profiles, the listener and the sandbox."""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` (brackets allowed).

    Loopback is the only place plain HTTP may go and the only place the listener binds
    without ``--public``.
    """
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """``"10.0.0.5"`` or ``"10.0.0.0/24"`` (IPv4 or IPv6) as a network.

    Host names are refused: a name would be resolved once, and a proxy that moved would
    stay trusted at its old address. Raises ``ValueError`` with the accepted forms.
    """
    cleaned = text.strip().strip("[]")
    try:
        return ipaddress.ip_network(cleaned, strict=False)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24, ::1)"
        ) from None


def parse_public_base_url(text: str) -> str:
    """``https://host[:port][/prefix]`` without a trailing slash, query or fragment.

    HTTPS only: a cloud Bitrix24 portal does not deliver to plain HTTP. Raises
    ``ValueError`` saying what to write instead.
    """
    from urllib.parse import urlsplit

    cleaned = text.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValueError(
            f"{text!r} is not a public HTTPS address: write it as https://events.example.com"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{text!r}: give only https://host[:port][/path], nothing after it")
    return cleaned
