"""The one sanitiser for text printed to a terminal."""

from __future__ import annotations

import json

import pytest

from console.core.sanitize import capped, json_printable, printable

UNSAFE = ["\x1b", "\x07", "\x00", "\r", "\x7f", "\x9b", "\x85", "\u202e", "\u2066", "\ud800"]
# Invisible: an order id with one of these reads as another ("30\u200b0" as "300").
INVISIBLE = [
    *(chr(code) for code in range(0x200B, 0x2010)),
    *(chr(code) for code in range(0x202A, 0x202F)),
    *(chr(code) for code in range(0x2060, 0x2065)),
    "\ufeff",
    "\u061c",
]


@pytest.mark.parametrize("char", UNSAFE + INVISIBLE)
def test_every_unsafe_character_becomes_a_visible_escape(char: str) -> None:
    shown = printable(f"a{char}b")
    assert char not in shown
    assert shown.startswith("a\\") and shown.endswith("b")
    shown.encode("utf-8")  # a lone surrogate would not encode


def test_line_breaks_and_tabs_stay_unless_one_line() -> None:
    assert printable("a\nb\tc") == "a\nb\tc"
    assert printable("a\nb\tc", one_line=True) == "a\\nb\\tc"


def test_ordinary_text_is_unchanged() -> None:
    text = "Олена Коваленко, Київ: 1 200,00 ₴ — «ok» 🙂"
    assert printable(text, one_line=True) == text


def test_json_stays_the_same_json() -> None:
    value = {"name": "x\u202eexe.txt\x9b31m\x1b[2J\x7f", "ok": "Київ"}
    text = json_printable(json.dumps(value, ensure_ascii=False))
    assert json.loads(text) == value
    assert not any(char in text for char in ("\u202e", "\x9b", "\x1b", "\x7f"))
    assert "Київ" in text


def test_lone_surrogates_in_json_parse_back() -> None:
    value = ["\udc80"]
    text = json_printable(json.dumps(value, ensure_ascii=False))
    text.encode("utf-8")
    assert json.loads(text) == value


def test_look_alike_order_ids_print_differently() -> None:
    shown = {printable(text) for text in ("300", "\u202e003", "30\u200b0", "3\u206000")}
    assert len(shown) == 4
    assert printable("30\u200b0") == "30\\u200b0"


def test_capped_cuts_before_escaping_and_says_how_much_was_left_out() -> None:
    assert capped("300", 10) == ("300", 0)
    assert capped("a\nb", 10) == ("a\\nb", 0)
    assert capped("a\nb", 10, one_line=False) == ("a\nb", 0)
    head, omitted = capped("\u200b" * 1_000_000, 3)
    assert head == "\\u200b" * 3
    assert omitted == 999_997
