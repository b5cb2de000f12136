"""Checking an answer against a documented shape (the fixtures under ``documented/``).

A shape is JSON:

* a string names the allowed types, ``|``-separated: ``int``, ``number`` (int or float),
  ``str``, ``bool``, ``null``, ``yn`` (``"Y"`` or ``"N"``), ``iso`` (an ISO 8601 date-time
  with its offset), ``list``, ``object``, ``any``; ``"$time"`` is the envelope's time block;
* an object lists the keys the answer must have, exactly, each with its shape; the key
  ``"$subset": true`` lets the answer carry more keys than those listed;
* ``{"$list": shape}`` is a list whose every element has that shape (``"$min"``: the
  fewest elements the answer must have, 0 by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

TIME_REQUIRED = {
    "start": "number",
    "finish": "number",
    "duration": "number",
    "processing": "number",
    "date_start": "iso",
    "date_finish": "iso",
}
TIME_OPTIONAL = {"operating_reset_at": "int", "operating": "number"}


def _is_iso(value: Any) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


_CHECKS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "yn": lambda v: v in ("Y", "N"),
    "iso": _is_iso,
    "list": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "any": lambda v: True,
}


def mismatches(value: Any, shape: Any, path: str = "$") -> list[str]:
    """Every place where ``value`` differs from ``shape``, as ``path: what`` lines."""
    if shape == "$time":
        shape = {**TIME_REQUIRED, "$optional": TIME_OPTIONAL}
    if isinstance(shape, str):
        names = shape.split("|")
        unknown = [n for n in names if n not in _CHECKS]
        if unknown:
            raise ValueError(f"{path}: unknown type {unknown} in the fixture")
        if any(_CHECKS[name](value) for name in names):
            return []
        return [f"{path}: {value!r} is not {shape}"]
    if isinstance(shape, Mapping) and "$list" in shape:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__} is not a list"]
        problems = []
        if len(value) < int(shape.get("$min", 0)):
            problems.append(f"{path}: {len(value)} elements, at least {shape['$min']} expected")
        for index, item in enumerate(value):
            problems.extend(mismatches(item, shape["$list"], f"{path}[{index}]"))
        return problems
    if isinstance(shape, Mapping):
        if not isinstance(value, Mapping):
            return [f"{path}: {type(value).__name__} is not an object"]
        optional: Mapping[str, Any] = shape.get("$optional", {})
        expected = {k: v for k, v in shape.items() if not k.startswith("$")}
        problems = []
        for key, sub in expected.items():
            if key not in value:
                problems.append(f"{path}: missing {key!r}")
            else:
                problems.extend(mismatches(value[key], sub, f"{path}.{key}"))
        for key, sub in optional.items():
            if key in value:
                problems.extend(mismatches(value[key], sub, f"{path}.{key}"))
        if not shape.get("$subset"):
            extra = sorted(set(value) - set(expected) - set(optional))
            problems.extend(f"{path}: undocumented {key!r}" for key in extra)
        return problems
    raise ValueError(f"{path}: a shape is a string or an object, not {shape!r}")
