"""Remove credentials from an event before anything is stored.

Access and refresh tokens are replaced by a marker; the application token by its
fingerprint, so the operator can still tell which token a sender used without the store
holding it. Both the parsed payload and the raw body are cleaned: the raw body is what
the inspector shows and what replay resends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from console.core.masking import fingerprint
from console.core.phpform import encode_php_form
from console.core.secret_spellings import MIN_SCRUBBED_SECRET_CHARS, SecretSpellings

REDACTED = "[redacted]"
# Keys whose value is a bearer credential: never kept in any form.
_DROPPED_KEYS = frozenset({"access_token", "refresh_token"})
# Keys whose value identifies the sender: kept as a fingerprint.
_FINGERPRINTED_KEYS = frozenset({"application_token"})
_SENSITIVE_KEYS = _DROPPED_KEYS | _FINGERPRINTED_KEYS

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
_SENSITIVE_HEADER_WORDS = ("token", "secret")

# A JSON string member named like a credential, for bodies that did not parse. The value
# ends with its closing quote or, in a body cut at the size limit, runs unterminated to the
# end of the buffer, maybe in half an escape (group 4 is then empty): that part of a token
# must go as well.
_JSON_MEMBER = re.compile(
    rb'"(access_token|refresh_token|application_token)"(\s*:\s*)"((?:[^"\\]|\\.)*\\?)("|\Z)',
    re.DOTALL,
)


def _replacement(key: str, value: str) -> str:
    if key in _DROPPED_KEYS:
        return REDACTED
    if not value:
        return value
    # A value that already looks like a fingerprint is hashed all the same: replay puts
    # the real token back where it finds that token's fingerprint, so a sender who sends
    # a known fingerprint (the inspector shows them) must not have it stored as such.
    return fingerprint(value)


def redact_payload(payload: Any) -> int:
    """Replace credential values anywhere in ``payload`` in place.

    Returns how many credential members it met (changed or not): truthy when any was.
    """
    met = 0
    stack = [payload]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _SENSITIVE_KEYS and isinstance(value, str | int | float):
                    met += 1
                    new = _replacement(key, str(value))
                    if new != value:
                        node[key] = new
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(child for child in node if isinstance(child, dict | list))
    return met


@lru_cache(maxsize=256)
def _form_key_leaf(encoded_key: bytes) -> str:
    """The last bracket segment of a form key: ``auth%5Baccess_token%5D`` -> ``access_token``.

    Cached: the same few keys come with every event, and only keys holding ``token`` get here.
    """
    key = unquote_plus(encoded_key.decode("latin-1"))
    if key.endswith("]"):
        start = key.rfind("[")
        if start >= 0:
            return key[start + 1 : -1]
    return key


@lru_cache(maxsize=256)
def _form_value(text: str) -> bytes:
    """``text`` percent-encoded as a form value (cached: the same fingerprint every event)."""
    if text == REDACTED:
        return _REDACTED_FORM_VALUE
    return quote_plus(text).encode("ascii")


_REDACTED_FORM_VALUE = quote_plus(REDACTED).encode("ascii")


def redact_form_body(raw: bytes, *, truncated: bool = False) -> bytes:
    """The form body with credential values replaced, every other byte and the order kept."""
    return _redact_form_pairs(raw, truncated=truncated)[0]


def redact_parsed_form_body(raw: bytes, payload: Any, credentials_met: int) -> bytes:
    """The raw body of a parsed form, with no credential left in it.

    The byte-level pass finds keys written plainly, as every real sender writes them. A
    key spelt with needless escapes (``auth[access_tok%65n]``) slips past it; when the
    pass found fewer credential pairs than the parsed payload held, the body is rebuilt
    from the already redacted payload instead.
    """
    cleaned, pairs_met = _redact_form_pairs(raw)
    if pairs_met >= credentials_met:
        return cleaned
    return encode_php_form(payload).encode("ascii")


def _redact_form_pairs(raw: bytes, *, truncated: bool = False) -> tuple[bytes, int]:
    """``(cleaned body, credential pairs met)``: see :func:`redact_form_body`.

    Works pair by pair on the encoded bytes, so it also cleans bodies that failed to
    parse (bad UTF-8, too many keys, too deep). Only the pairs around an occurrence of
    ``token`` are looked at; the rest of the body is copied as it is. ``truncated`` says
    the body was cut at the size limit, so its last value may be only part of a token.
    """
    lowered = raw.lower()
    # The form parser drops the line break that ends many bodies (``curl -d @file``); the
    # last value here must be the one it parsed, or its fingerprint would not be the
    # token's and a replay could not put the token back.
    body_end = len(raw.rstrip(b"\r\n"))
    found = lowered.find(b"token")
    if found < 0:
        return raw, 0
    out: list[bytes] = []
    copied = 0
    met = 0
    while found >= 0:
        # The pair holding this occurrence: from the "&" before it to the "&" after it.
        start = raw.rfind(b"&", 0, found) + 1
        end = raw.find(b"&", found)
        if end < 0:
            end = body_end
        equals = raw.find(b"=", start, end)
        # An occurrence in the value (or a pair without "=") names no credential.
        if equals >= 0 and b"token" in lowered[start:equals]:
            leaf = _form_key_leaf(raw[start:equals])
            if leaf in _SENSITIVE_KEYS:
                met += 1
                value = raw[equals + 1 : end].decode("latin-1")
                decoded = unquote_plus(value, encoding="utf-8", errors="replace")
                new = _replacement(leaf, decoded)
                if truncated and end >= body_end and decoded:
                    # Part of a value identifies nothing, and the fingerprint of a short
                    # part can be reversed by trying every prefix: drop it instead.
                    new = REDACTED
                if new != decoded:
                    out.append(raw[copied : equals + 1])
                    out.append(_form_value(new))
                    copied = end
        found = lowered.find(b"token", end)
    if not out:
        return raw, met
    out.append(raw[copied:])
    return b"".join(out), met


def _redact_json_match(match: re.Match[bytes]) -> bytes:
    key = match.group(1).decode("ascii")
    if not match.group(4):
        # Unterminated: the body was cut inside this value. As for a cut form value, the
        # part is dropped rather than fingerprinted.
        new = REDACTED if match.group(3) else ""
    else:
        try:
            value = json.loads(b'"' + match.group(3) + b'"')
        except ValueError:
            value = match.group(3).decode("utf-8", "replace")
        new = _replacement(key, value)
    encoded = json.dumps(new).encode("utf-8")
    return b'"' + match.group(1) + b'"' + match.group(2) + encoded


def redact_json_body(raw: bytes, payload: Any, payload_changed: int) -> bytes:
    """The JSON body re-serialized from the redacted payload, only when a token was present."""
    if not payload_changed:
        return raw
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def redact_unparsed_body(raw: bytes, *, truncated: bool = False) -> bytes:
    """Best effort for a body nobody could parse: clean form pairs and JSON string members.

    ``truncated``: the body was cut at the size limit (see :func:`redact_form_body`).
    """
    cleaned = redact_form_body(raw, truncated=truncated)
    if b"token" in cleaned:
        cleaned = _JSON_MEMBER.sub(_redact_json_match, cleaned)
    return cleaned


def redact_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Mask headers that carry credentials (by name)."""
    result: list[tuple[str, str]] = []
    for name, value in headers:
        lower = name.lower()
        if lower in _SENSITIVE_HEADERS or any(word in lower for word in _SENSITIVE_HEADER_WORDS):
            value = REDACTED
        result.append((name, value))
    return result


# The most bytes one character of a secret takes in a single spelling: a Python bytes
# repr of a four-byte UTF-8 character (``\xf0\x9f\x98\x80``).
_LONGEST_CHAR_SPELLING = 16


def _fingerprint_bytes(secret: str) -> bytes:
    return fingerprint(secret).encode("ascii")


class SecretScrubber:
    """Replaces the listener's known secret values by their fingerprints, wherever they are.

    Key-based redaction only finds a credential where a sender names it; a secret sent
    under another key, twice, in the query, a header, a multipart part or the path would
    reach the store in clear. This pass looks for the values themselves, in every spelling
    a body, URL or header may use (:mod:`console.core.secret_spellings`), and is applied
    to every text of the record before it is stored.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self._spellings = SecretSpellings(secrets, min_chars=MIN_SCRUBBED_SECRET_CHARS)
        self._regex = self._spellings.pattern
        self._tail = self._spellings.prefix_at_end()

    def __bool__(self) -> bool:
        return self._regex is not None

    def cut_partial_tail(self, data: bytes) -> bytes:
        """A body cut at the size limit, less a start of a secret it may end with.

        A whole secret is found wherever it is; the first characters of one, cut off by
        the limit, match nothing, yet would tell a reader most of it. Any spelling of any
        prefix of a secret at the very end is dropped (at worst a few bytes of something
        else that happens to look like one).
        """
        if self._tail is None or not data:
            return data
        longest = len(self._spellings.secrets[0])
        window = max(0, len(data) - _LONGEST_CHAR_SPELLING * longest)
        match = self._tail.search(data, window)
        return data if match is None else data[: match.start()]

    def scrub_bytes(self, data: bytes) -> bytes:
        return self._spellings.replace_bytes(data, _fingerprint_bytes)

    def scrub_text(self, text: str) -> str:
        return self._spellings.replace_text(text, _fingerprint_bytes)

    def scrub_value(self, value: Any) -> Any:
        """A decoded payload with every string (keys too) scrubbed; containers rebuilt."""
        if self._regex is None:
            return value
        if isinstance(value, str):
            return self.scrub_text(value)
        if isinstance(value, dict):
            return {self.scrub_text(str(k)): self.scrub_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub_value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.scrub_value(item) for item in value)
        return value

    def scrub_fields(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Every text, byte string and payload among a record's fields, scrubbed.

        Works on all fields, not a list of them, so a field added later is covered too.
        """
        if self._regex is None:
            return fields
        # Nearly every event holds no secret outside its credential keys: one search over
        # all of its text, joined, decides whether anything needs rebuilding.
        texts: list[str] = []
        blobs: list[bytes] = []
        for value in fields.values():
            if isinstance(value, bytes):
                blobs.append(value)
            else:
                _collect_texts(value, texts)
        blobs.append("\x00".join(texts).encode("utf-8", "surrogatepass"))
        if not any(self._spellings.found_in(blob) for blob in blobs):
            return fields
        return {
            name: self.scrub_bytes(value) if isinstance(value, bytes) else self.scrub_value(value)
            for name, value in fields.items()
        }


def _collect_texts(value: Any, out: list[str]) -> None:
    """Every string in ``value`` (keys of mappings too), appended to ``out``."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for key, child in node.items():
                out.append(str(key))
                stack.append(child)
        elif isinstance(node, list | tuple):
            stack.extend(node)
