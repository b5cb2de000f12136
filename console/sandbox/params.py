"""Reading method parameters the way the portal does: numbers may arrive as strings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.sandbox.errors import RestError, missing_parameter, required_fields


def int_value(raw: Any) -> int | None:
    """``12``, ``"12"`` and ``12.0`` are all 12; anything else is None."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if text.lstrip("-").isdigit():
            return int(text)
    return None


def require_param(params: Mapping[str, Any], name: str) -> Any:
    """A top-level argument such as ``id``; absent or empty means error ``100``."""
    value = params.get(name)
    if value is None or value == "" or value == [] or value == {}:
        raise missing_parameter(name)
    return value


def require_int_param(params: Mapping[str, Any], name: str) -> int:
    value = int_value(require_param(params, name))
    if value is None:
        raise missing_parameter(name)
    return value


def require_fields(params: Mapping[str, Any], *, allow_empty: bool = True) -> dict[str, Any]:
    """The ``fields`` object; absent (or empty, where the method says so) is error ``100``."""
    fields = params.get("fields")
    if fields is None or fields == "" or (not allow_empty and fields in ([], {})):
        raise missing_parameter("fields")
    if fields == []:
        fields = {}  # PHP cannot tell an empty object from an empty array
    if not isinstance(fields, Mapping):
        raise RestError("100", "Invalid value for parameter {fields}")
    return dict(fields)


def check_required(fields: Mapping[str, Any], names: list[str]) -> None:
    """Error ``0`` "Required fields: a, b" naming every missing field, in declared order."""
    missing = [n for n in names if fields.get(n) in (None, "", [], {})]
    if missing:
        raise required_fields(missing)


def field_int(fields: Mapping[str, Any], name: str) -> int:
    value = int_value(fields.get(name))
    if value is None:
        raise RestError("0", f"Invalid value for field {name}")
    return value
