"""Who sent a request when the listener sits behind a reverse proxy.

Behind a TLS proxy every connection comes from the proxy, and the sender's address is
only in ``X-Forwarded-For``. That header is whatever the previous hop wrote, so it is
believed only from a configured proxy address; from anyone else it is ignored (and
noted), since otherwise any sender could name whatever address it liked.

Each trusted proxy appends the address it saw to the right of the list. Read from the
right, the hops are believable while they are trusted proxies; the first address that is
not one is the client (the right-most untrusted hop). Anything to its left was written
by the client itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from console.core.net import parse_network
from console.listener.failures import FailureLog
from console.listener.limits import error_response

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _address(text: str) -> IPAddress | None:
    """An address as a hop writes it: bare, ``[v6]``, ``v4:port`` or ``[v6]:port``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


# The one sender that every request counts as whose right-most X-Forwarded-For hop, the
# one our own proxy wrote, cannot be read.
UNREADABLE_SENDER = "an unknown sender (unreadable X-Forwarded-For)"


@dataclass(frozen=True, slots=True)
class ClientAddress:
    """Where a request came from, and what to note about how that was decided."""

    address: str | None
    # True when the address was taken from X-Forwarded-For of a trusted proxy.
    forwarded: bool = False
    # Set when the header was present but not believed, or not usable: the reason.
    problem: str | None = None
    # Whom the per-sender cap counts the request against; None when no proxy stands
    # between (the connection caps count the peer then).
    sender: str | None = None


class TrustedProxies:
    """The configured proxy addresses, and the client address of a request through them."""

    def __init__(self, networks: Iterable[IPNetwork] = ()) -> None:
        self.networks = tuple(networks)

    @classmethod
    def parse(cls, entries: Sequence[str]) -> TrustedProxies:
        return cls(parse_network(entry) for entry in entries)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, peer: str | None) -> bool:
        if not self.networks or peer is None:
            return False
        address = _address(peer)
        return address is not None and self._trusted(address)

    def _trusted(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)

    def client(self, peer: str | None, forwarded_for: Sequence[str]) -> ClientAddress:
        """The client of a request from ``peer`` carrying these ``X-Forwarded-For`` values.

        Several headers count as one list, in order (RFC 9110 field combination).
        """
        if not forwarded_for:
            return ClientAddress(peer)
        if not self.trusts(peer):
            return ClientAddress(
                peer, problem=f"X-Forwarded-For from {peer}, which is not a trusted proxy"
            )
        hops = [hop for value in forwarded_for for hop in value.split(",")]
        nearest = peer
        for read, hop in enumerate(reversed(hops)):
            address = _address(hop)
            if address is None:
                problem = f"unreadable X-Forwarded-For hop {hop.strip()[:60]!r}"
                if read == 0:
                    # Our own proxy wrote nonsense: the sender is unknown, not the proxy,
                    # and every such request counts as that one unknown sender.
                    return ClientAddress(peer, problem=problem, sender=UNREADABLE_SENDER)
                # The hop to the right of it wrote nonsense: it is the last one known.
                return ClientAddress(nearest, forwarded=True, problem=problem, sender=nearest)
            nearest = str(address)
            if not self._trusted(address):
                return ClientAddress(nearest, forwarded=True, sender=nearest)
        # Every hop is a proxy of ours: the left-most is as far back as anyone says.
        return ClientAddress(nearest, forwarded=True, sender=nearest)


# The client of a request, as :func:`client_addresses` decided it.
CLIENT = web.RequestKey("b24_client", ClientAddress)


def client_addresses(proxies: TrustedProxies, failures: FailureLog, per_client: int | None) -> Any:
    """Which client sent each request: the peer, or behind a trusted proxy its
    X-Forwarded-For. Through a proxy, ``per_client`` requests at once from one client
    stand in for the per-address connection cap (the proxy holds every connection)."""
    in_flight: dict[str, int] = {}

    @web.middleware
    async def resolve_client(request: web.Request, handler: Any) -> web.StreamResponse:
        client = proxies.client(request.remote, request.headers.getall("X-Forwarded-For", []))
        request[CLIENT] = client
        if client.problem is not None:
            # A warning: a proxy left out of --trusted-proxy makes every event look as if
            # the proxy sent it. Folded to one line a minute, whoever sends the header.
            failures.note("X-Forwarded-For not used", client.problem)
        sender = client.sender
        if sender is None or per_client is None:
            response: web.StreamResponse = await handler(request)
            return response
        if in_flight.get(sender, 0) >= per_client:
            failures.note(
                "request refused: too many at once from one client",
                f"{sender} (through {request.remote}) already has {per_client}",
            )
            return error_response(429, f"more than {per_client} requests at once from {sender}")
        in_flight[sender] = in_flight.get(sender, 0) + 1
        try:
            response = await handler(request)
            return response
        finally:
            left = in_flight[sender] - 1
            if left:
                in_flight[sender] = left
            else:
                del in_flight[sender]

    return resolve_client
