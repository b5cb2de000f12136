"""Resend a stored event as its sender made it, with the credentials put back.

The store keeps only fingerprints of the application token and the Horoshop URL secret,
so a replay reads the profile's current ones from the keyring and re-inserts them.
Access and refresh tokens were never kept and stay ``[redacted]``.

Security note: the token goes wherever ``base_url`` points. When the operator replays
to a foreign URL (``--to``) it still carries their own application token, which is what
that URL needs to accept it; replay only to endpoints you trust with that token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

import httpx

from console.core.credentials import SecretKind
from console.core.masking import fingerprint
from console.core.profiles import ProfileRepository
from console.listener.parsing import FORM_TYPE, JSON_TYPE
from console.listener.redaction import is_fingerprint
from console.store.model import EventSource, StoredEvent

REPLAY_HEADER = "X-B24-Console-Replay"
# Headers worth resending: the rest (Host, Content-Length, ...) describe the old connection.
_KEPT_HEADERS = frozenset({"user-agent"})


@dataclass(frozen=True)
class ReplayRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def _secret(
    profiles: ProfileRepository | None, profile: str | None, kind: SecretKind
) -> str | None:
    if profiles is None or profile is None:
        return None
    return profiles.secret(profile, kind) or None


def _restore_form_token(raw: bytes, token: str) -> bytes:
    pieces = raw.split(b"&")
    for index, piece in enumerate(pieces):
        key, sep, value = piece.partition(b"=")
        if sep and key in (b"auth%5Bapplication_token%5D", b"auth[application_token]"):
            decoded = value.decode("latin-1").replace("%3A", ":").replace("%3a", ":")
            if is_fingerprint(decoded):
                pieces[index] = key + b"=" + quote_plus(token).encode("ascii")
    return b"&".join(pieces)


def _restore_json_token(raw: bytes, token: str) -> bytes:
    try:
        payload: Any = json.loads(raw)
    except ValueError:
        return raw
    auth = payload.get("auth") if isinstance(payload, dict) else None
    if not isinstance(auth, dict):
        return raw
    current = auth.get("application_token")
    if not isinstance(current, str) or not is_fingerprint(current):
        return raw
    auth["application_token"] = token
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def build_replay(
    event: StoredEvent, *, base_url: str, profiles: ProfileRepository | None
) -> ReplayRequest:
    """The request that re-delivers ``event`` to ``base_url`` (scheme://host[:port][/prefix]).

    Method, path, content type and body are the stored ones; fingerprints are swapped
    for the profile's current secrets when ``profiles`` is given.
    """
    method = event.method.upper() if event.method.upper() in ("POST", "PUT") else "POST"
    path = event.path or ""
    body = event.raw_body
    content_type = event.content_type
    if event.source is EventSource.HOROSHOP:
        content_type = content_type or JSON_TYPE
        secret = _secret(profiles, event.profile, SecretKind.HOROSHOP_SECRET)
        if secret:
            head, _, last = path.rpartition("/")
            if is_fingerprint(last) or last == fingerprint(secret):
                path = f"{head}/{quote(secret, safe='')}"
    else:
        token = _secret(profiles, event.profile, SecretKind.APPLICATION_TOKEN)
        is_json = bool(content_type) and "json" in (content_type or "").lower()
        if not content_type:
            is_json = body.lstrip()[:1] == b"{"
            content_type = JSON_TYPE if is_json else FORM_TYPE
        if token:
            body = _restore_json_token(body, token) if is_json else _restore_form_token(body, token)
    headers = {name: value for name, value in event.headers if name.lower() in _KEPT_HEADERS}
    if content_type:
        headers["Content-Type"] = content_type
    headers[REPLAY_HEADER] = str(event.id)
    return ReplayRequest(method=method, url=base_url.rstrip("/") + path, headers=headers, body=body)


def send_replay(request: ReplayRequest, *, timeout: float = 10.0) -> int:
    """Send it; returns the HTTP status. Network errors propagate as ``httpx.HTTPError``."""
    response = httpx.request(
        request.method, request.url, headers=request.headers, content=request.body, timeout=timeout
    )
    return response.status_code
