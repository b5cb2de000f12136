"""Fuzzing the shapes an attacker tried (issue 8): whatever arrives, no known secret is
stored in any spelling, and nothing a sender does produces a 5xx other than 503."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.listener.conftest import APP_TOKEN, FORM, HOROSHOP_SECRET, all_events
from tests.listener.test_hardening import Armed, assert_nothing_on_disk, spellings

SECRET = st.sampled_from([APP_TOKEN, HOROSHOP_SECRET])
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x9F, categories=["Cc"]), max_size=3)


def _percent(value: str, upper: bool, times: int) -> str:
    out = "".join(f"%{b:02X}" if upper else f"%{b:02x}" for b in value.encode())
    for _ in range(times - 1):
        out = out.replace("%", "%25")
    return out


@st.composite
def spelled(draw: st.DrawFn, value: str) -> str:
    """``value`` as a form value: plain, percent-encoded in either case, encoded twice."""
    how = draw(st.sampled_from(["plain", "quote", "upper", "lower", "double"]))
    if how == "plain":
        return value
    if how == "quote":
        return quote_plus(value)
    return _percent(value, how == "upper", 2 if how == "double" else 1)


TOKEN_KEYS = st.sampled_from(
    [
        "auth[application_token]",
        "auth%5Bapplication_token%5D",
        "auth%5bapplication_token%5d",
        "auth[application_token][]",
        "auth%255Bapplication_token%255D",
        "auth[application_token%00]",
        "auth[access_tok%65n]",
        "application_token",
        "x",
    ]
)


@st.composite
def form_body(draw: st.DrawFn) -> bytes:
    pairs = ["event=ONSALEORDERSAVED", "data[FIELDS][ID]=" + quote(draw(CONTROL) + "7")]
    for _ in range(draw(st.integers(1, 3))):  # duplicated credential keys
        key = draw(TOKEN_KEYS)
        pairs.append(f"{key}={draw(spelled(draw(SECRET)))}{quote(draw(CONTROL))}")
    pairs.append("auth[domain]=" + quote(draw(CONTROL)) + "x")
    draw(st.randoms()).shuffle(pairs)
    return "&".join(pairs).encode() + draw(st.sampled_from([b"", b"\n", b"\r\n"]))


@st.composite
def json_body(draw: st.DrawFn) -> bytes:
    secret = draw(SECRET)
    number = draw(st.sampled_from(["1", "NaN", "Infinity", "-Infinity", "1e999", "2.5"]))
    escaped = json.dumps(secret, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        escaped = '"' + "".join(f"\\u{ord(c):04x}" for c in secret) + '"'
    key = draw(st.sampled_from(["application_token", "token", secret, "a\\u0000b"]))
    ctrl = json.dumps(draw(CONTROL))
    return (
        f'{{"event": {ctrl}, "data": {{"FIELDS": {{"ID": {number}}}}}, '
        f'"auth": {{"{key}": {escaped}, "domain": {ctrl}}}}}'
    ).encode()


@pytest.fixture
def armed(tmp_path: Path) -> Iterator[Armed]:
    instance = Armed(tmp_path)
    try:
        yield instance
    finally:
        instance.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    body=st.one_of(form_body(), json_body()),
    as_json=st.booleans(),
    secret=SECRET,
    where=st.sampled_from(["query", "header", "header name", "path", "none"]),
    ctrl=CONTROL,
)
def test_no_secret_is_ever_stored(
    armed: Armed, body: bytes, as_json: bool, secret: str, where: str, ctrl: str
) -> None:
    path = "/bitrix/shop"
    headers = {"Content-Type": "application/json"} if as_json else dict(FORM)
    headers["X-Note"] = quote(ctrl) + "n"
    if where == "query":
        path += "?t=" + quote(secret) + quote(ctrl)
    elif where == "header":
        headers["X-Whatever"] = "v=" + secret
    elif where == "header name":
        headers["X-" + secret] = "1"
    elif where == "path":
        path = "/bitrix/" + quote(secret, safe="")
    response = armed.client.post(path, content=body, headers=headers)
    assert response.status_code < 500 or response.status_code == 503
    assert_nothing_on_disk(armed.db)
    for event in all_events(armed.store):
        dumped = event.model_dump_json(exclude={"raw_body"}).encode() + event.raw_body
        for value in (APP_TOKEN, HOROSHOP_SECRET):
            for spelling in spellings(value):
                assert spelling not in dumped
