"""An event as a ``curl`` command line the operator can paste into a shell.

The command re-delivers the event the way replay would (:func:`build_replay`): same
method, path, content type and body. By default nothing secret is in it: the Horoshop
URL secret and credential-looking headers are masked, and the body keeps the token
fingerprint the store holds. With secrets, the replay rules decide what goes back in:
only a fingerprint of the profile's own current token (or URL secret) is swapped for it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from console.core.masking import MASK
from console.listener.replay import ReplayRequest, SecretSource, build_replay
from console.store.model import StoredEvent

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SENSITIVE_WORDS = ("token", "secret", "password", "auth", "key", "signature")


@dataclass(frozen=True)
class CurlCommand:
    """``text`` is one shell line; ``secrets_included`` says whether it must be kept safe."""

    text: str
    secrets_included: bool

    def __repr__(self) -> str:
        # The text may hold a credential: keep it out of logs and tracebacks.
        return f"CurlCommand(secrets_included={self.secrets_included})"


def is_sensitive_header(name: str) -> bool:
    """Headers whose value may be a credential, judged by the name alone."""
    lower = name.lower()
    return lower in _SENSITIVE_HEADERS or any(word in lower for word in _SENSITIVE_WORDS)


def _printf_escape(body: bytes) -> str:
    """``body`` as a printf format string that prints exactly those bytes."""
    out: list[str] = []
    for byte in body:
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif char == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)


def curl_for_request(request: ReplayRequest, *, reveal: bool) -> str:
    """The command line for ``request``; ``reveal=False`` masks URL secrets and headers.

    A UTF-8 body goes inline with ``--data-binary``; any other body is piped in through
    ``printf`` with octal escapes, so the bytes arrive exactly as stored.
    """
    url = request.url if reveal else request.shown_url
    parts = ["curl", "-sS", "-X", request.method, shlex.quote(url)]
    for name, value in request.headers.items():
        shown = value if reveal or not is_sensitive_header(name) else MASK
        parts += ["-H", shlex.quote(f"{name}: {shown}")]
    prefix = ""
    if request.body:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" not in text:
            parts += ["--data-binary", shlex.quote(text)]
        else:
            prefix = f"printf {shlex.quote(_printf_escape(request.body))} | "
            parts += ["--data-binary", "@-"]
    return prefix + " ".join(parts)


def build_curl(
    event: StoredEvent, *, base_url: str, secrets: SecretSource | None = None
) -> CurlCommand:
    """``event`` as a curl command to ``base_url``.

    Without ``secrets`` the command holds none. With them (the operator confirmed) the
    replay rules put back the profile's current secrets where the event carried them.
    """
    request = build_replay(event, base_url=base_url, profiles=secrets)
    included = secrets is not None and (bool(request.url_secret) or request.body != event.raw_body)
    return CurlCommand(curl_for_request(request, reveal=included), included)
