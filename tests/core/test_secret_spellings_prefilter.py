"""The prefilter in front of the secret search (issue 20) never hides a spelling.

:meth:`SecretSpellings.may_match` lets the full case-insensitive search run only on data
that could hold a secret. These tests compare the prefiltered search with the full
pattern alone over random data holding secrets in every spelling, whole and mixed
character by character, among bytes chosen to look like escapes.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

from hypothesis import given, settings
from hypothesis import strategies as st

from console.core.secret_spellings import SecretSpellings
from tests.benchmarks.bench_listener import OTHER_SECRETS, TOKEN, event_body_template
from tests.support.secret_spellings import SECRET_BASE, spellings

MIN_CHARS = 8
SECRET_ALPHABET = st.sampled_from(
    [*"0123456789abcdefXYZ-_.~ %/+&='\"\\\n\x01", "é", "к", "ї", "€", "😀", "\ud800"]
)
SECRETS = st.lists(
    st.text(alphabet=SECRET_ALPHABET, min_size=MIN_CHARS, max_size=14), min_size=1, max_size=3
)
# Bytes that look like the start of an escape, or sit next to one in real bodies.
NOISE = st.sampled_from(
    [b"%", b"%25", b"%2", b"%5B", b"%D0%BA", b"\\", b"\\u", b"\\u00", b"\\x", b"+", b"&", b"="]
    + [bytes([b]) for b in b"0123456789abcdefABCDEFuUxX"]
)


def _char_spelling(char: str, how: int) -> bytes:
    """One character in one of the spellings the search knows."""
    encoded = char.encode("utf-8", "surrogatepass")
    percent = "".join(f"%{byte:02x}" for byte in encoded)
    options = [
        encoded,
        encoded.swapcase(),
        percent.encode(),
        percent.upper().encode(),
        percent.replace("%", "%25").encode(),
        json.dumps(char).encode("utf-8", "surrogatepass")[1:-1],
        "".join(f"\\u{ord(c):04X}" for c in char).encode() if ord(char) < 0x10000 else encoded,
        repr(encoded)[2:-1].encode(),
        b"+" if char == " " else encoded,
    ]
    return options[how % len(options)]


@st.composite
def spelled(draw: st.DrawFn, secret: str) -> bytes:
    """``secret`` in a whole spelling the tests of issue 8 use, or mixed per character."""
    if draw(st.booleans()) and "\ud800" not in secret:
        whole = [*spellings(secret).values(), quote(secret, safe=""), quote_plus(secret)]
        chosen = draw(st.sampled_from(whole))
        return chosen[2:-1].encode() if chosen.startswith("b'") else chosen.encode()
    return b"".join(_char_spelling(char, draw(st.integers(0, 20))) for char in secret)


@st.composite
def data_with_secrets(draw: st.DrawFn) -> tuple[list[str], bytes]:
    secrets = draw(SECRETS)
    parts: list[bytes] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["noise", "bytes", "secret", "broken"]))
        if kind == "noise":
            parts.append(draw(NOISE))
        elif kind == "bytes":
            parts.append(draw(st.binary(max_size=12)))
        else:
            spelling = draw(spelled(draw(st.sampled_from(secrets))))
            if kind == "broken" and len(spelling) > 1:
                # One byte less: the prefilter may say yes, the full search decides.
                cut = draw(st.integers(0, len(spelling) - 1))
                spelling = spelling[:cut] + spelling[cut + 1 :]
            parts.append(spelling)
    return secrets, b"".join(parts)


def _mark(secret: str) -> bytes:
    return b"<" + secret.encode("utf-8", "surrogatepass").hex().encode() + b">"


def _full(found: SecretSpellings, data: bytes) -> bytes:
    """What the full search alone replaces."""
    assert found.pattern is not None
    return found.pattern.sub(lambda match: _mark(found.secret_of(match)), data)


@settings(max_examples=1500, deadline=None)
@given(data_with_secrets())
def test_the_prefiltered_search_agrees_with_the_full_one(case: tuple[list[str], bytes]) -> None:
    secrets, data = case
    found = SecretSpellings(secrets, min_chars=MIN_CHARS)
    assert found.pattern is not None
    full_hit = found.pattern.search(data) is not None
    if full_hit:
        assert found.may_match(data)
    assert found.found_in(data) == full_hit
    assert found.replace_bytes(data, _mark) == _full(found, data)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_spelled_secret_inside_a_realistic_body_is_found(data: st.DataObject) -> None:
    """Every spelling, anywhere in a Ukrainian order body, with the listener's secret set."""
    secrets = [TOKEN, *OTHER_SECRETS, SECRET_BASE]
    found = SecretSpellings(secrets, min_chars=MIN_CHARS)
    body = event_body_template("ukrainian").encode()
    secret = data.draw(st.sampled_from(secrets))
    at = data.draw(st.integers(0, len(body)))
    planted = body[:at] + data.draw(spelled(secret)) + body[at:]
    assert found.found_in(planted)
    assert found.replace_bytes(planted, _mark) == _full(found, planted)


def test_an_ordinary_order_body_needs_no_full_search() -> None:
    """The point of the prefilter: real bodies without secrets skip the costly search."""
    found = SecretSpellings([TOKEN, *OTHER_SECRETS], min_chars=MIN_CHARS)
    for kind in ("ascii", "ukrainian"):
        body = event_body_template(kind).replace(TOKEN, "not-the-token").encode()
        assert not found.may_match(body)
        text = re.sub(rb"%[0-9A-F]{2}", b"", body)
        assert not found.may_match(text)
