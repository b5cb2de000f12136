"""Resend a stored event as its sender made it, with the credentials put back.

The store keeps only fingerprints of the application token and the Horoshop URL secret,
so a replay reads the profile's current ones from the keyring and re-inserts them, only
where the stored fingerprint is that very secret's: any other one came from a sender
without it, and the event goes back as it came (and is rejected again).
Access and refresh tokens were never kept and stay ``[redacted]``.

Security note: the token goes wherever ``base_url`` points. When the operator replays
to a foreign URL (``--to``) it still carries their own application token, which is what
that URL needs to accept it; replay only to endpoints you trust with that token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, quote_plus, unquote

import httpx

from console.core.credentials import SecretKind
from console.core.masking import MASK, fingerprint
from console.listener.parsing import FORM_TYPE, JSON_TYPE
from console.store.model import EventSource, StoredEvent

REPLAY_HEADER = "X-B24-Console-Replay"
# Headers worth resending: the rest (Host, Content-Length, ...) describe the old connection.
_KEPT_HEADERS = frozenset({"user-agent"})


class SecretSource(Protocol):
    """Where replay reads a profile's current secrets: a ``ProfileRepository`` (the
    keyring) or, for the demo and tests, :class:`StaticSecrets`."""

    def secret(self, name: str, kind: SecretKind) -> str | None: ...


class StaticSecrets:
    """Fixed secrets per profile: ``{profile: {SecretKind: value}}``."""

    def __init__(self, secrets: dict[str, dict[SecretKind, str]]) -> None:
        self._secrets = {name: dict(kinds) for name, kinds in secrets.items()}

    def secret(self, name: str, kind: SecretKind) -> str | None:
        return self._secrets.get(name, {}).get(kind)


@dataclass(frozen=True)
class ReplayRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # The Horoshop secret as it appears in ``url`` ("" when there is none): ``url`` is
    # then a credential and must not be printed; :attr:`shown_url` is the one to print.
    url_secret: str = field(default="", repr=False)
    masked_url: str = field(default="", repr=False)

    def __repr__(self) -> str:
        # The default repr would show ``url`` (and so the secret) in tracebacks and logs.
        return f"ReplayRequest(method={self.method!r}, url={self.shown_url!r})"

    @property
    def shown_url(self) -> str:
        """``url`` with the URL secret masked."""
        return self.masked_url if self.url_secret else self.url

    def shown(self, text: str) -> str:
        """``text`` (say, an error about this request) with the URL secret masked."""
        if self.url_secret:
            text = text.replace(self.url, self.masked_url)
            for form in (self.url_secret, unquote(self.url_secret)):
                text = text.replace(form, MASK)
        return text


def _secret(profiles: SecretSource | None, profile: str | None, kind: SecretKind) -> str | None:
    if profiles is None or profile is None:
        return None
    return profiles.secret(profile, kind) or None


def _restore_form_token(raw: bytes, token: str) -> bytes:
    # Only the fingerprint of this very token is put back: any other fingerprint is of a
    # token the sender had and the profile does not (a forgery, or an older token), and
    # swapping it would turn a rejected event into a verified one.
    expected = fingerprint(token)
    pieces = raw.split(b"&")
    for index, piece in enumerate(pieces):
        key, sep, value = piece.partition(b"=")
        if sep and key in (b"auth%5Bapplication_token%5D", b"auth[application_token]"):
            decoded = value.decode("latin-1").replace("%3A", ":").replace("%3a", ":")
            if decoded == expected:
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
    # As for forms: only the fingerprint of this very token is swapped for it.
    if auth.get("application_token") != fingerprint(token):
        return raw
    auth["application_token"] = token
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def build_replay(
    event: StoredEvent, *, base_url: str, profiles: SecretSource | None
) -> ReplayRequest:
    """The request that re-delivers ``event`` to ``base_url`` (scheme://host[:port][/prefix]).

    Method, path, content type and body are the stored ones; fingerprints are swapped
    for the profile's current secrets when ``profiles`` is given.
    """
    method = event.method.upper() if event.method.upper() in ("POST", "PUT") else "POST"
    path = event.path or ""
    shown_path = path
    url_secret = ""
    body = event.raw_body
    content_type = event.content_type
    if event.source is EventSource.HOROSHOP:
        content_type = content_type or JSON_TYPE
        secret = _secret(profiles, event.profile, SecretKind.HOROSHOP_SECRET)
        # The secret is the last segment of the path, before any query (which may hold "/").
        route, question, query = path.partition("?")
        head, _, last = route.rpartition("/")
        # Restored only where the stored segment is this secret's fingerprint: any other
        # segment is a secret the sender had and the profile does not.
        if secret and last == fingerprint(secret):
            url_secret = quote(secret, safe="")
            path = f"{head}/{url_secret}{question}{query}"
            shown_path = f"{head}/{MASK}{question}{query}"
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
    base = base_url.rstrip("/")
    return ReplayRequest(
        method=method,
        url=base + path,
        headers=headers,
        body=body,
        url_secret=url_secret,
        masked_url=base + shown_path,
    )


def send_replay(request: ReplayRequest, *, timeout: float = 10.0) -> int:
    """Send it; returns the HTTP status. Network errors propagate as ``httpx.HTTPError``."""
    response = httpx.request(
        request.method, request.url, headers=request.headers, content=request.body, timeout=timeout
    )
    return response.status_code
