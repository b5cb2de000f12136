"""The store's payload text from orjson is the json encoder's text, byte for byte (issue 20)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.listener.parsing import BodyKind, decode_body
from console.store.rows import _MAYBE_DIFFERENT, encode_payload
from tests.benchmarks.bench_listener import TS_MARK, event_body_template

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)

TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()) | st.sampled_from('null.eE09\\"/')
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(TEXT | st.integers(-3, 3), children, max_size=4)
    ),
    max_leaves=20,
)


class _Flag(enum.StrEnum):
    ON = "on"


@dataclass
class _Point:
    x: int


@settings(max_examples=2000, deadline=None)
@given(VALUES)
@example({"total": 1e-05, "big": 1e16, "nan": float("nan"), "inf": float("-inf")})
@example({"at": datetime(2026, 1, 2, tzinfo=UTC), "flag": _Flag.ON, "p": _Point(1)})
@example({"s": "\ud800", "n": 2**70, 1: "int key"})
@example(1e-05)
@example([1, 1e-05])
@example({"a": [float("nan")]})
def test_payload_text_is_the_json_encoders(value: Any) -> None:
    expected = None if value is None else ENCODER.encode(value)
    assert encode_payload(value) == expected


def test_an_order_payload_takes_the_fast_path() -> None:
    """A real event (a bitrix24.com domain, a hex member_id) must not fall back to json."""
    raw = event_body_template("ukrainian").replace(TS_MARK, "1714649632").encode()
    payload = decode_body(BodyKind.FORM, raw, max_depth=32, max_keys=2000)
    assert _MAYBE_DIFFERENT.search(orjson.dumps(payload)) is None
    assert encode_payload(payload) == ENCODER.encode(payload)
