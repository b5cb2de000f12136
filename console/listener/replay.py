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
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import httpx

from console.core.credentials import SecretKind
from console.core.masking import MASK, fingerprint, is_legacy_fingerprint
from console.listener.parsing import FORM_TYPE, JSON_TYPE
from console.store.model import EventSource, StoredEvent, Verification

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
    # Why a secret was not put back (rejected event, old fingerprint, no keyring).
    notes: tuple[str, ...] = ()

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


_TOKEN_FORM_KEY = "auth[application_token]"  # noqa: S105 - a key name
# Verification states whose stored credential was the profile's own when it arrived: only
# these get a secret back. A rejected event goes back exactly as it came, whatever its
# fingerprint says, so no replay can turn a forgery into a verified event.
_AUTHENTIC = frozenset({Verification.VERIFIED, Verification.MALFORMED})


def _stored_form_token(raw: bytes) -> list[tuple[int, int, str]]:
    """``(start, end, value)`` of each ``auth[application_token]`` value in a form body.

    Split as the listener's parser splits (and as redaction wrote it): the line break that
    ends many bodies is not part of the last value.
    """
    body_end = len(raw.rstrip(b"\r\n"))
    found: list[tuple[int, int, str]] = []
    start = 0
    while start <= body_end:
        end = raw.find(b"&", start, body_end)
        if end < 0:
            end = body_end
        key, sep, _value = raw[start:end].partition(b"=")
        if sep and unquote_plus(key.decode("latin-1")) == _TOKEN_FORM_KEY:
            value_start = start + len(key) + 1
            value = unquote_plus(raw[value_start:end].decode("latin-1"))
            found.append((value_start, end, value))
        start = end + 1
    return found


def _restore_form_token(raw: bytes, token: str) -> tuple[bytes, list[str]]:
    # Only the fingerprint of this very token is put back: any other fingerprint is of a
    # token the sender had and the profile does not (a forgery, or an older token).
    expected = fingerprint(token)
    out: list[bytes] = []
    copied = 0
    stored: list[str] = []
    for start, end, value in _stored_form_token(raw):
        stored.append(value)
        if value == expected:
            out += [raw[copied:start], quote_plus(token).encode("ascii")]
            copied = end
    if not out:
        return raw, stored
    out.append(raw[copied:])
    return b"".join(out), stored


def _restore_json_token(raw: bytes, token: str) -> tuple[bytes, list[str]]:
    try:
        payload: Any = json.loads(raw)
    except ValueError:
        return raw, []
    auth = payload.get("auth") if isinstance(payload, dict) else None
    if not isinstance(auth, dict) or not isinstance(auth.get("application_token"), str):
        return raw, []
    stored = auth["application_token"]
    # As for forms: only the fingerprint of this very token is swapped for it.
    if stored != fingerprint(token):
        return raw, [stored]
    auth["application_token"] = token
    return json.dumps(payload, ensure_ascii=False).encode("utf-8"), [stored]


def _withheld(stored: list[str], what: str) -> str | None:
    """Why a stored credential was not replaced by the secret, for the operator."""
    if any(is_legacy_fingerprint(value) for value in stored):
        return (
            f"the event was stored with an old, unkeyed fingerprint of the {what}: "
            "sent without the secret"
        )
    if stored:
        return f"the stored {what} is not the profile's current one: sent as stored"
    return None


def build_replay(
    event: StoredEvent, *, base_url: str, profiles: SecretSource | None
) -> ReplayRequest:
    """The request that re-delivers ``event`` to ``base_url`` (scheme://host[:port][/prefix]).

    Method, path, content type and body are the stored ones; fingerprints are swapped
    for the profile's current secrets when ``profiles`` is given and the event was
    authentic when it arrived (verified, or malformed from the right sender). ``notes``
    on the result say why a secret was not put back.
    """
    method = event.method.upper() if event.method.upper() in ("POST", "PUT") else "POST"
    path = event.path or ""
    shown_path = path
    url_secret = ""
    body = event.raw_body
    content_type = event.content_type
    notes: list[str] = []
    authentic = event.verification in _AUTHENTIC
    if not authentic:
        notes.append("the event was rejected when it arrived: resent exactly as stored")
    elif profiles is None:
        notes.append("no access to the keyring: sent without secrets")
    if event.source is EventSource.HOROSHOP:
        content_type = content_type or JSON_TYPE
        secret = _secret(profiles, event.profile, SecretKind.HOROSHOP_SECRET) if authentic else None
        # The secret is the last segment of the path, before any query (which may hold "/").
        route, question, query = path.partition("?")
        head, _, last = route.rpartition("/")
        # Restored only where the stored segment is this secret's fingerprint: any other
        # segment is a secret the sender had and the profile does not.
        if secret and last == fingerprint(secret):
            url_secret = quote(secret, safe="")
            path = f"{head}/{url_secret}{question}{query}"
            shown_path = f"{head}/{MASK}{question}{query}"
        elif secret:
            note = _withheld([unquote(last)], "URL secret")
            if note:
                notes.append(note)
    else:
        token = (
            _secret(profiles, event.profile, SecretKind.APPLICATION_TOKEN) if authentic else None
        )
        is_json = bool(content_type) and "json" in (content_type or "").lower()
        if not content_type:
            is_json = body.lstrip()[:1] == b"{"
            content_type = JSON_TYPE if is_json else FORM_TYPE
        if token:
            restore = _restore_json_token if is_json else _restore_form_token
            body, stored = restore(body, token)
            if body == event.raw_body:
                note = _withheld(stored, "application token")
                if note:
                    notes.append(note)
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
        notes=tuple(notes),
    )


def send_replay(request: ReplayRequest, *, timeout: float = 10.0) -> int:
    """Send it; returns the HTTP status. Network errors propagate as ``httpx.HTTPError``."""
    response = httpx.request(
        request.method, request.url, headers=request.headers, content=request.body, timeout=timeout
    )
    return response.status_code


def deliver_replay(request: ReplayRequest, *, timeout: float = 10.0) -> tuple[int, str]:
    """Send it; ``(status, body text)``. Network errors propagate as ``httpx.HTTPError``."""
    response = httpx.request(
        request.method, request.url, headers=request.headers, content=request.body, timeout=timeout
    )
    return response.status_code, response.text
