"""A body cut at the size limit inside a token's value keeps no part of that token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.core.masking import fingerprint
from console.core.settings import ListenerSettings
from console.listener.redaction import REDACTED, redact_unparsed_body
from console.store import Verification
from tests.listener.conftest import APP_TOKEN, HOROSHOP_SECRET, Running

LIMIT = ListenerSettings().max_body_bytes
TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
TOKEN_KEYS = ("access_token", "refresh_token", "application_token")
# How many characters of the token make it in before the cut.
KEPT = (1, 8, 20, len(TOKEN) - 1)


def pieces(token: str, size: int = 8) -> list[str]:
    """Every run of ``size`` characters of ``token``."""
    return [token[start : start + size] for start in range(len(token) - size + 1)]


def json_body(key: str, kept: int, token: str = TOKEN) -> bytes:
    """A JSON body over the limit whose first ``LIMIT`` bytes end ``kept`` chars into ``token``."""
    head = b'{"event": "ONSALEORDERSAVED", "pad": "'
    member = f'", "auth": {{"{key}": "'.encode()
    pad = LIMIT - len(head) - len(member) - kept
    return head + b"a" * pad + member + token.encode() + b'"}, "tail": "' + b"b" * 70_000 + b'"}'


def form_body(key: str, kept: int, token: str = TOKEN) -> bytes:
    head = b"event=ONSALEORDERSAVED&pad="
    pair = f"&auth%5B{key}%5D=".encode()
    pad = LIMIT - len(head) - len(pair) - kept
    return head + b"a" * pad + pair + token.encode() + b"&tail=" + b"b" * 70_000


def chunked(body: bytes) -> Iterator[bytes]:
    # No Content-Length: the listener reads up to the limit and keeps what it read.
    for start in range(0, len(body), 65_536):
        yield body[start : start + 65_536]


def assert_no_part_of(token: str, raw: bytes, kept: int) -> None:
    text = raw.decode("latin-1")
    for piece in pieces(token):
        assert piece not in text, f"{piece!r} of the token stored"
    # Nor a fingerprint of the part that was read: for a short part, trying every
    # prefix reverses it.
    assert fingerprint(token[:kept]) not in text


@pytest.mark.parametrize("kept", KEPT)
@pytest.mark.parametrize("key", TOKEN_KEYS)
@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
@pytest.mark.parametrize("route", ["/bitrix/shop", f"/horoshop/{HOROSHOP_SECRET}"])
def test_body_cut_inside_a_token_keeps_no_part_of_it(
    running: Running, route: str, form: bool, key: str, kept: int
) -> None:
    body = form_body(key, kept) if form else json_body(key, kept)
    assert body[:LIMIT].endswith(TOKEN[:kept].encode())
    content_type = "application/x-www-form-urlencoded" if form else "application/json"

    response = running.client.post(
        route, content=chunked(body), headers={"Content-Type": content_type}
    )

    assert response.status_code == 413
    event = running.only_event()
    assert event.verification in (Verification.REJECTED, Verification.MALFORMED)
    assert len(event.raw_body) > LIMIT - 100
    assert_no_part_of(TOKEN, event.raw_body, kept)
    assert REDACTED.encode() in event.raw_body or b"%5Bredacted%5D" in event.raw_body
    running.assert_serving()


@pytest.mark.parametrize(
    "tail",
    [
        # Cut right after the backslash of an escape, and right after a whole escape.
        f':"{TOKEN[:12]}\\',
        f':"{TOKEN[:12]}\\"{TOKEN[12:24]}',
        f':"{TOKEN[:12]}\\u00',
        # Cut right after the opening quote: nothing of the token yet, nothing to redact.
        ':"',
        # Whitespace around the colon, as some encoders write it.
        f' :  "{TOKEN[:20]}',
    ],
)
@pytest.mark.parametrize("key", TOKEN_KEYS)
def test_unterminated_json_value_is_redacted_to_the_end(key: str, tail: str) -> None:
    raw = f'{{"auth": {{"domain": "x", "{key}"{tail}'.encode()
    cleaned = redact_unparsed_body(raw, truncated=True)
    assert cleaned.startswith(f'{{"auth": {{"domain": "x", "{key}"'.encode())
    text = cleaned.decode("latin-1")
    for piece in pieces(TOKEN):
        assert piece not in text
    assert TOKEN[:12] not in text


def test_terminated_members_before_the_cut_are_still_fingerprinted() -> None:
    raw = (
        f'{{"auth": {{"application_token": "{APP_TOKEN}", "access_token": "{TOKEN}", '
        f'"refresh_token": "{TOKEN[:10]}'
    ).encode()
    cleaned = redact_unparsed_body(raw, truncated=True)
    assert fingerprint(APP_TOKEN).encode() in cleaned
    assert APP_TOKEN.encode() not in cleaned and TOKEN[:8].encode() not in cleaned
    assert cleaned.endswith(b'"refresh_token": "[redacted]"')


def test_a_complete_form_body_still_fingerprints_its_last_value() -> None:
    # Only a body that was cut loses its last value: a whole one keeps the fingerprint,
    # which tells the operator which token the sender used.
    raw = f"event=X&auth%5Bapplication_token%5D={APP_TOKEN}".encode()
    assert fingerprint(APP_TOKEN).encode() in redact_unparsed_body(raw).replace(b"%3A", b":")
    cut = redact_unparsed_body(raw, truncated=True)
    assert APP_TOKEN.encode() not in cut and fingerprint(APP_TOKEN).encode() not in cut
