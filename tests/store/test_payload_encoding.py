"""The store's payload text from orjson is the json encoder's text, byte for byte (issue 20)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from console.store.rows import encode_payload

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
def test_payload_text_is_the_json_encoders(value: Any) -> None:
    expected = None if value is None else ENCODER.encode(value)
    assert encode_payload(value) == expected
