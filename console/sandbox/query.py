"""List-method mechanics shared by every ``*.list``: select, filter, order and paging."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.sandbox.errors import RestError

PAGE_SIZE = 50

# Longest prefixes first, so ">=" is not read as ">" followed by "=field".
_OPERATORS = ("!@", ">=", "<=", "!=", "=%", "%", "@", ">", "<", "=", "!")


class UnknownField(RestError):
    """A filter names a field the entity does not have."""

    def __init__(self, name: str) -> None:
        # The sale and crm.orderentity lists answer with an SQL-ish code-0 error.
        super().__init__("0", f"Unknown field definition `{name}`")
        self.name = name


@dataclass
class Page:
    """One page of a list answer; ``total``/``next`` are None when not reported."""

    items: list[dict[str, Any]]
    total: int | None
    next: int | None


def split_operator(key: str) -> tuple[str, str]:
    """``">=dateUpdate"`` -> ``(">=", "dateUpdate")``; no prefix means ``"="``."""
    for op in _OPERATORS:
        if key.startswith(op) and len(key) > len(op):
            return op, key[len(op) :]
    return "=", key


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _as_datetime(value: Any, tz: Any) -> datetime | None:
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    # A date without an offset is in the portal's time zone, as on a real portal.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _compare(left: Any, right: Any, tz: Any) -> int | None:
    """Three-way compare with the portal's loose typing; None when incomparable."""
    if left is None or right is None:
        return None
    ln, rn = _as_number(left), _as_number(right)
    if ln is not None and rn is not None:
        return (ln > rn) - (ln < rn)
    ld, rd = _as_datetime(left, tz), _as_datetime(right, tz)
    if ld is not None and rd is not None:
        return (ld > rd) - (ld < rd)
    ls, rs = str(left), str(right)
    return (ls > rs) - (ls < rs)


def _values(raw: Any) -> list[Any]:
    if isinstance(raw, list):
        return raw
    if isinstance(raw, Mapping):
        return list(raw.values())
    return [raw]


def _field(item: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    if name in item:
        return True, item[name]
    folded = name.casefold()
    for key, value in item.items():
        if key.casefold() == folded:
            return True, value
    return False, None


def matches(item: Mapping[str, Any], filters: Mapping[str, Any], tz: Any) -> bool:
    """True when ``item`` passes every ``filter`` condition (conditions are ANDed)."""
    for key, wanted in filters.items():
        op, name = split_operator(str(key))
        known, value = _field(item, name)
        if not known:
            raise UnknownField(name)
        if op in ("@", "!@"):
            inside = any(_compare(value, w, tz) == 0 for w in _values(wanted))
            if inside != (op == "@"):
                return False
            continue
        if op in ("%", "=%"):
            if str(wanted).strip("%").casefold() not in str(value or "").casefold():
                return False
            continue
        if isinstance(wanted, list | Mapping) and op in ("=", "!", "!="):
            inside = any(_compare(value, w, tz) == 0 for w in _values(wanted))
            if inside != (op == "="):
                return False
            continue
        if op in ("=", "!", "!=") and (wanted is None or wanted == ""):
            empty = value is None or value == ""
            if empty != (op == "="):
                return False
            continue
        cmp = _compare(value, wanted, tz)
        if cmp is None:
            return False
        ok = {
            "=": cmp == 0,
            "!": cmp != 0,
            "!=": cmp != 0,
            ">": cmp > 0,
            ">=": cmp >= 0,
            "<": cmp < 0,
            "<=": cmp <= 0,
        }[op]
        if not ok:
            return False
    return True


def _sort_key(value: Any, tz: Any) -> tuple[int, Any]:
    number = _as_number(value)
    if number is not None:
        return (1, number)
    moment = _as_datetime(value, tz)
    if moment is not None:
        return (2, moment.timestamp())
    if value is None:
        return (0, 0)
    return (3, str(value))


def order_items(items: list[dict[str, Any]], order: Any, tz: Any) -> list[dict[str, Any]]:
    """Stable multi-key sort by ``{"field": "asc"|"desc", …}`` (first key most significant)."""
    if not isinstance(order, Mapping):
        return items
    result = list(items)
    for name, direction in reversed(list(order.items())):
        descending = str(direction).strip().casefold() == "desc"
        field_name = str(name)

        def key(item: dict[str, Any], field_name: str = field_name) -> tuple[int, Any]:
            return _sort_key(_field(item, field_name)[1], tz)

        result.sort(key=key, reverse=descending)
    return result


def select_fields(item: Mapping[str, Any], select: Any) -> dict[str, Any]:
    """Keep only the selected fields; an empty select or ``*`` keeps everything."""
    names = _values(select) if select not in (None, "", [], {}) else []
    if not names or "*" in names:
        return dict(item)
    picked: dict[str, Any] = {}
    for name in names:
        known, value = _field(item, str(name))
        if known:
            picked[str(name)] = value
    return picked


def parse_start(raw: Any) -> int:
    """``start`` as the portal reads it: a number or numeric string; junk counts as 0."""
    number = _as_number(raw)
    return int(number) if number is not None else 0


def run_list(
    rows: Iterable[dict[str, Any]],
    params: Mapping[str, Any],
    tz: Any,
    default_order: Mapping[str, str] | None = None,
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Page:
    """Apply ``filter``, ``order``, paging (``start``, ``-1`` = keyset mode) and ``select``."""
    filters = params.get("filter") or {}
    if not isinstance(filters, Mapping):
        raise RestError("0", "filter must be an object")
    found = [row for row in rows if matches(row, filters, tz)]
    found = order_items(found, params.get("order") or default_order or {}, tz)
    start = parse_start(params.get("start", 0))
    if start < 0:
        # start=-1: no COUNT(*) (total 0) and no paging; the caller pages by id itself.
        window, total, next_start = found[:PAGE_SIZE], 0, None
    else:
        window = found[start : start + PAGE_SIZE]
        total = len(found)
        next_start = start + PAGE_SIZE if start + PAGE_SIZE < total else None
    select = params.get("select")
    items = [select_fields(shape(row) if shape else row, select) for row in window]
    return Page(items, total, next_start)
