"""The fast form paths give exactly what their first versions gave.

The parser against the parse_qsl-based one (results and errors), and the listener's raw
form-body redaction against the split-every-pair one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote, unquote_plus

from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.core.phpform import (
    FormParseError,
    _unquote_value,
    nest_pairs,
    parse_php_form,
    split_bracket_key,
    split_form_pairs,
)
from console.listener.redaction import _SENSITIVE_KEYS, _replacement, redact_form_body


def reference_split_bracket_key(key: str) -> list[str]:
    """The bracket splitter as first written: one bracket pair at a time."""
    head, sep, rest = key.partition("[")
    if not sep or not head:
        return [key]
    parts = [head]
    rest = "[" + rest
    while rest:
        if not rest.startswith("["):
            return [key]
        close = rest.find("]")
        if close < 0:
            return [key]
        parts.append(rest[1:close])
        rest = rest[close + 1 :]
    return parts


def reference_parse(body: str, max_depth: int, max_keys: int) -> dict[str, Any]:
    """parse_php_form as first written, on urllib's parse_qsl."""
    body = body.rstrip("\r\n")  # trailing line breaks are not part of any value
    try:
        pairs = parse_qsl(
            body,
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=max_keys + 1,
            errors="strict",
        )
    except ValueError as exc:
        if "Max number of fields" in str(exc):
            raise FormParseError(f"more than {max_keys} keys") from exc
        raise FormParseError(f"not a valid form body: {exc}") from exc
    return nest_pairs(
        [(key, value) for key, value in pairs], max_depth=max_depth, max_keys=max_keys
    )


def outcome(parse: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "ok", parse(*args)
    except FormParseError as exc:
        return "error", str(exc)


# Form syntax, escapes good and bad, multi-byte text: what makes the two parsers differ if
# anything does.
pieces = st.sampled_from(
    [
        "&", "=", "+", "[", "]", "[]", "%", "%5B", "%5D", "%5b", "%26", "%3D", "%2B", "%20",
        "%C3%A9", "%C3", "%A9", "%ff", "%zz", "%e2%82%ac", "%F0%9F%98%80", "a", "b", "0", "1",
        "é", "Ж", "€", "😀", " ", "auth", "data", "FIELDS", "%25", "%%", "%0A", "%0d",
        "\n", "\r", "\t", "_", "%D0%B6", "%d1%97", "%4", "==",
    ]
)  # fmt: skip
bodies = st.lists(pieces | st.text(max_size=3), max_size=40).map("".join)
keys = st.lists(st.sampled_from(["a", "b", "[", "]", "[]", "][", "0", "é", "%5B"]), max_size=12)


@settings(max_examples=500)
@given(bodies, st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=12))
@example("a=%ff%fe", 32, 2000)
@example("a[b]c=1&a[b][c]=2&a[]=3&a[]=4&&&x", 32, 2000)
@example("&&&", 32, 2)
@example("a=1&b=2&c=3", 32, 2)
@example("a[%5B]=1&a%5B%5D%5B%5D=2&+a+[+]=%2B", 2, 2000)
def test_fast_parser_matches_parse_qsl(body: str, max_depth: int, max_keys: int) -> None:
    def fast(body: str, max_depth: int, max_keys: int) -> dict[str, Any]:
        return parse_php_form(body, max_depth=max_depth, max_keys=max_keys)

    assert outcome(fast, body, max_depth, max_keys) == outcome(
        reference_parse, body, max_depth, max_keys
    )


@settings(max_examples=300)
@given(bodies)
def test_split_form_pairs_matches_parse_qsl(body: str) -> None:
    try:
        expected: Any = [
            (tuple(split_bracket_key(key)), value)
            for key, value in parse_qsl(body, keep_blank_values=True, errors="strict")
        ]
    except UnicodeDecodeError as exc:
        expected = str(exc)
    try:
        found: Any = split_form_pairs(body, max_fields=10_000)
    except UnicodeDecodeError as exc:
        found = str(exc)
    assert found == expected


@settings(max_examples=500)
@given(keys.map("".join))
def test_split_bracket_key_matches_the_first_version(key: str) -> None:
    assert split_bracket_key(key) == reference_split_bracket_key(key)


@given(st.text(max_size=60))
def test_split_bracket_key_matches_the_first_version_on_any_text(key: str) -> None:
    assert split_bracket_key(key) == reference_split_bracket_key(key)


def test_repeated_keys_come_from_the_cache_but_results_stay_independent() -> None:
    first = parse_php_form("a%5Bb%5D=1")
    first["a"]["b"] = "changed"
    assert parse_php_form("a%5Bb%5D=1") == {"a": {"b": "1"}}


def test_a_bad_key_fails_every_time() -> None:
    # A failed decode is not cached: the second request is refused the same way.
    for _ in range(2):
        try:
            parse_php_form("%ff=1")
        except FormParseError as exc:
            assert "not a valid form body" in str(exc)
        else:
            raise AssertionError("bad UTF-8 in a key was accepted")


def reference_redact_form_body(raw: bytes) -> bytes:
    """Raw form-body redaction as first written: split every pair, re-join.

    One change since: the line break that ends many bodies stays outside the last value,
    as the form parser drops it (the value's fingerprint must be the token's).
    """
    if b"token" not in raw.lower():
        return raw
    body = raw.rstrip(b"\r\n")
    if len(body) != len(raw):
        return reference_redact_form_body(body) + raw[len(body) :]
    pieces = raw.split(b"&")
    changed = False
    for index, piece in enumerate(pieces):
        key, sep, value = piece.partition(b"=")
        if not sep or b"token" not in key.lower():
            continue
        name = unquote_plus(key.decode("latin-1"))
        if name.endswith("]") and name.rfind("[") >= 0:
            name = name[name.rfind("[") + 1 : -1]
        if name not in _SENSITIVE_KEYS:
            continue
        decoded = unquote_plus(value.decode("latin-1"), encoding="utf-8", errors="replace")
        new = _replacement(name, decoded)
        if new != decoded:
            pieces[index] = key + b"=" + quote_plus(new).encode("ascii")
            changed = True
    return b"&".join(pieces) if changed else raw


form_pieces = st.sampled_from(
    [
        "&", "=", "auth[access_token]=", "auth%5Brefresh_token%5D=", "auth%5bapplication_TOKEN%5d=",
        "application_token=", "token=", "TOKEN", "[", "]", "%5B", "%5D", "x", "sha256:", "%ff",
        "%C3%A9", "é", "+", "auth[domain]=", "[redacted]", "access_token", "=token",
    ]
)  # fmt: skip
form_bodies = st.lists(form_pieces | st.text(max_size=4), max_size=30).map("".join)


@settings(max_examples=500)
@given(form_bodies.map(lambda text: text.encode("utf-8")) | st.binary(max_size=60))
@example(b"auth%5Baccess_token%5D=abc&auth%5Brefresh_token%5D=def&auth%5Bapplication_token%5D=x")
@example(b"token&access_token=1&&access_token=&x=token&application_token=sha256:0123abcd")
@example(b"auth[access_token]=\n")
def test_form_body_redaction_matches_the_first_version(raw: bytes) -> None:
    assert redact_form_body(raw) == reference_redact_form_body(raw)


value_pieces = st.sampled_from(
    [
        "%", "%2", "%25", "%41", "%4g", "%D0%B6", "%d0", "%B6", "%ff", "%C3%A9", "%0A",
        "=", "==", "=41", "\n", "\r", "\t", " ", "_", "a", "é", "Ж", "\ud800",
    ]
)  # fmt: skip


def decoded(decode: Any, value: str) -> tuple[str, str]:
    try:
        return "ok", decode(value)
    except UnicodeDecodeError as exc:
        return "error", str(exc)


@settings(max_examples=3000)
@given(st.lists(value_pieces | st.text(max_size=2), max_size=24).map("".join))
@example("%4%41")
@example("%%41")
@example("a%")
@example("%D0%B6%D0")
def test_fast_value_decoding_matches_unquote(value: str) -> None:
    """Issue 20's quoted-printable path gives unquote's value, or unquote's very error."""
    assert decoded(_unquote_value, value) == decoded(
        lambda text: unquote(text, errors="strict"), value
    )
