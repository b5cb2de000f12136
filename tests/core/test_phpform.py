from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.core.phpform import (
    FormParseError,
    encode_php_form,
    parse_php_form,
    split_bracket_key,
)


def test_seed_event_body_nests_into_dicts(samples_dir: Any) -> None:
    body = (samples_dir / "bitrix-onsaleordersaved-webhook.form").read_text().strip()
    parsed = parse_php_form(body)
    assert parsed["event"] == "ONSALEORDERSAVED"
    assert parsed["data"]["FIELDS"] == {"ID": "300", "XML_ID": "", "ACTION": "save"}
    assert parsed["auth"]["application_token"] == "51856fefc120afa4b628cc82d3935cce"
    assert parsed["auth"]["client_endpoint"] == "https://some-domain.bitrix24.com/rest/"


def test_digit_keys_become_lists_and_empty_brackets_append() -> None:
    assert parse_php_form("a[0]=x&a[1]=y") == {"a": ["x", "y"]}
    assert parse_php_form("a[]=x&a[]=y") == {"a": ["x", "y"]}
    assert parse_php_form("a[1]=x") == {"a": {"1": "x"}}


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("a", ["a"]),
        ("a[b][c]", ["a", "b", "c"]),
        ("a[]", ["a", ""]),
        ("a[b", ["a[b"]),
        ("[x]", ["[x]"]),
        ("a[b]c", ["a[b]c"]),
    ],
)
def test_split_bracket_key(key: str, parts: list[str]) -> None:
    assert split_bracket_key(key) == parts


def test_a_trailing_newline_from_a_file_is_not_part_of_the_last_value(
    samples_dir: Any,
) -> None:
    body = (samples_dir / "bitrix-onsaleordersaved-webhook.form").read_text()
    assert body.endswith("\n")
    parsed = parse_php_form(body)
    assert parsed["auth"]["application_token"] == "51856fefc120afa4b628cc82d3935cce"
    assert parse_php_form("a=1&b=%0A\r\n") == {"a": "1", "b": "\n"}


def test_limits_are_enforced() -> None:
    with pytest.raises(FormParseError, match="deeper"):
        parse_php_form("a" + "[x]" * 40 + "=1")
    with pytest.raises(FormParseError, match="keys"):
        parse_php_form("&".join(f"k{i}=1" for i in range(2001)))


def test_invalid_percent_encoded_utf8_is_refused() -> None:
    with pytest.raises(FormParseError):
        parse_php_form("a=%ff%fe")


leaf = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
key = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
tree = st.recursive(
    leaf,
    lambda children: (
        st.dictionaries(key, children, min_size=1, max_size=4)
        | st.lists(children, min_size=1, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(key, tree, max_size=5))
def test_encode_then_parse_round_trips(data: dict[str, Any]) -> None:
    assert parse_php_form(encode_php_form(data)) == data


@given(st.text(max_size=300))
def test_parser_never_fails_with_anything_but_form_parse_error(body: str) -> None:
    with contextlib.suppress(FormParseError):
        parse_php_form(body)
