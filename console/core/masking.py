"""How secrets are shown to people: never their characters, never their length."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

MASK = "••••••"

# /rest/<user id>/<code>/[method]: the code is the secret, the rest helps tell webhooks apart.
_WEBHOOK_PATH = re.compile(r"^/rest/(?P<user>\d+)/[^/]+(?:/(?P<method>[A-Za-z0-9_.]*))?/?$")


def mask_secret(value: str | None) -> str:
    """``""`` when there is no secret, else the fixed mask."""
    return MASK if value else ""


def mask_webhook_url(url: str) -> str:
    """The webhook URL with its code masked, keeping scheme, host and user id."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    if not parts.scheme or not host:
        return MASK
    if ":" in host:
        host = f"[{host}]"
    # Userinfo, query and fragment are dropped: any of them may carry a credential.
    netloc = f"{host}:{port}" if port is not None else host
    match = _WEBHOOK_PATH.match(parts.path)
    if match is None:
        return f"{parts.scheme}://{netloc}/{MASK}"
    method = match.group("method") or ""
    return f"{parts.scheme}://{netloc}/rest/{match.group('user')}/{MASK}/{method}"


def fingerprint(value: str) -> str:
    """A short, stable, non-reversible tag of ``value`` (``sha256:`` + 8 hex digits)."""
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]
