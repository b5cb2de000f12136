"""Credentials the client understands, and the portal-address rules.

The client never reads profiles or the keyring itself: callers build one of these
(see :mod:`console.bitrix.connect`) and, for OAuth, pass a callback that stores a
renewed token pair.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from console.bitrix.errors import InvalidPortalUrl
from console.core.net import is_loopback_host


def portal_base_url(url: str) -> str:
    """``https://host[:port]`` of a portal address; refuses anything but HTTPS off loopback.

    The path is dropped: REST lives at ``/rest/`` on the portal root.
    """
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = parts.hostname
    if not host:
        raise InvalidPortalUrl("the portal address has no host name")
    if scheme not in ("https", "http"):
        raise InvalidPortalUrl(f"the portal address must use https, not {scheme}")
    if scheme == "http" and not is_loopback_host(host):
        # Webhook codes and tokens travel in the URL or body: never in clear text.
        raise InvalidPortalUrl("the portal address must use https (plain http only for loopback)")
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidPortalUrl("the portal address has an invalid port") from exc
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


@dataclass(frozen=True)
class TokenPair:
    """A new access/refresh token pair from the OAuth server."""

    access_token: str
    refresh_token: str
    expires_at: datetime | None = None
    # The OAuth server to renew this pair at, as the answer named it (regional portals use
    # oauth.bitrix24.tech); None when the answer had no usable one.
    server_endpoint: str | None = None

    def __repr__(self) -> str:  # tokens must never reach a log through repr()
        return (
            f"TokenPair(expires_at={self.expires_at!r}, server_endpoint={self.server_endpoint!r})"
        )


@dataclass(frozen=True)
class WebhookAuth:
    """An inbound webhook: ``{portal}/rest/{user_id}/{code}/``."""

    portal_url: str
    user_id: int
    code: str = field(repr=False)

    @classmethod
    def from_url(cls, url: str) -> WebhookAuth:
        """Parse a full webhook address as Bitrix24 shows it."""
        parts = urlsplit(url.strip())
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) < 3 or segments[0] != "rest" or not segments[1].isdigit():
            raise InvalidPortalUrl("a webhook address looks like https://portal/rest/USER/CODE/")
        base = portal_base_url(f"{parts.scheme}://{parts.netloc}")
        return cls(portal_url=base, user_id=int(segments[1]), code=segments[2])


OnRefresh = Callable[[TokenPair], None]


@dataclass(frozen=True)
class OAuthAuth:
    """An application's tokens; ``on_refresh`` receives every renewed pair to store it."""

    portal_url: str
    client_id: str
    client_secret: str = field(repr=False)
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    server_endpoint: str = "https://oauth.bitrix.info/rest/"
    on_refresh: OnRefresh | None = field(default=None, repr=False)


Auth = WebhookAuth | OAuthAuth
