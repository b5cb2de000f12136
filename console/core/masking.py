"""How secrets are shown to people: never their characters, never their length."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from functools import lru_cache
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


# Fingerprints are keyed: a plain hash of a 32-hex token can be matched offline by anyone
# who sees one (the inspector shows them), and a matching forgery would then be replayed
# with the real token. The key lives in the OS keyring (see
# ``console.core.credentials.load_fingerprint_key``); 128 bits of the HMAC are shown.
FINGERPRINT_PREFIX = "hmac:"
FINGERPRINT_KEY_BYTES = 32
_FINGERPRINT_HEX = 32
_FINGERPRINT = re.compile(r"hmac:[0-9a-f]{32}")
# What fingerprints looked like before they were keyed; such a stored value never matches.
_LEGACY_FINGERPRINT = re.compile(r"sha256:[0-9a-f]{8}")


class _KeyHolder:
    """The process's fingerprint key: the installation's once installed, else a session key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: bytes | None = None
        self.persistent = False


_holder = _KeyHolder()


def set_fingerprint_key(key: bytes, *, persistent: bool = True) -> None:
    """Use ``key`` for every fingerprint from now on.

    ``persistent=False`` marks a key that lives only as long as this process: fingerprints
    made with it can never be matched again after a restart.
    """
    if len(key) < 16:
        raise ValueError("a fingerprint key needs at least 128 bits")
    with _holder.lock:
        _holder.key = bytes(key)
        _holder.persistent = persistent


def fingerprint_key() -> bytes:
    """The key in use; a random session key if none was installed yet."""
    with _holder.lock:
        if _holder.key is None:
            _holder.key = secrets.token_bytes(FINGERPRINT_KEY_BYTES)
            _holder.persistent = False
        return _holder.key


def fingerprint_key_is_persistent() -> bool:
    """Whether the key in use outlives this process (it came from the keyring)."""
    with _holder.lock:
        return _holder.key is not None and _holder.persistent


def fingerprint(value: str) -> str:
    """A stable tag of ``value`` that only this installation can compute:
    ``hmac:`` + the first 128 bits of HMAC-SHA256 under the installation key, in hex."""
    return _keyed_fingerprint(fingerprint_key(), value)


# The listener fingerprints the same application token in every event it receives; an
# HMAC is set up anew for each call. Keyed on the key too, so a new key is never served
# an old fingerprint.
@lru_cache(maxsize=256)
def _keyed_fingerprint(key: bytes, value: str) -> str:
    digest = hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return FINGERPRINT_PREFIX + digest.hexdigest()[:_FINGERPRINT_HEX]


def is_fingerprint(text: str) -> bool:
    """``text`` has the shape of a (keyed) fingerprint."""
    return _FINGERPRINT.fullmatch(text) is not None


def is_legacy_fingerprint(text: str) -> bool:
    """``text`` is an unkeyed ``sha256:`` fingerprint from before keys: it never matches."""
    return _LEGACY_FINGERPRINT.fullmatch(text) is not None
