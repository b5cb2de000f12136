"""Key-by-key comparison of two payloads: what was added, removed or changed, and where.

Dicts are compared by key, lists by index. A key whose value changed type (an object
became a string, a list became an object) is CHANGED, and the children of either side
appear below it as removed or added. Paths read like ``data.FIELDS.ID`` and
``products[0].title``, the same as the payload tree's "copy path".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any, Final


class Mark(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


class _Missing:
    """The value of a key on the side that does not have it."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def child_path(parent: str, key: str | int) -> str:
    """``parent`` extended by a dict key or a list index, as a JavaScript-like path."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if _PLAIN_KEY.fullmatch(key) or key.isdigit():
        return f"{parent}.{key}" if parent else key
    quoted = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{quoted}"]'


def kind_of(value: Any) -> str:
    """A JSON type name: object, array, string, number, boolean, null."""
    if value is MISSING:
        return ""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "string"


@dataclass
class DiffNode:
    """One key of the comparison; ``children`` are its members when either side is a container."""

    key: str
    path: str
    left: Any
    right: Any
    mark: Mark
    type_changed: bool = False
    children: list[DiffNode] = field(default_factory=list)


def _is_container(value: Any) -> bool:
    return isinstance(value, dict | list | tuple)


def _members(value: Any) -> list[tuple[str | int, Any]]:
    if isinstance(value, dict):
        return [(str(key), child) for key, child in value.items()]
    if isinstance(value, list | tuple):
        return list(enumerate(value))
    return []


def _label(key: str | int) -> str:
    return f"[{key}]" if isinstance(key, int) else key


def _one_sided(key: str | int, path: str, value: Any, mark: Mark) -> DiffNode:
    left, right = (value, MISSING) if mark is Mark.REMOVED else (MISSING, value)
    node = DiffNode(_label(key), path, left, right, mark)
    node.children = [
        _one_sided(child_key, child_path(path, child_key), child, mark)
        for child_key, child in _members(value)
    ]
    return node


def _compare(key: str | int, path: str, left: Any, right: Any) -> DiffNode:
    if left is MISSING:
        return _one_sided(key, path, right, Mark.ADDED)
    if right is MISSING:
        return _one_sided(key, path, left, Mark.REMOVED)
    left_kind, right_kind = kind_of(left), kind_of(right)
    node = DiffNode(_label(key), path, left, right, Mark.SAME)
    if left_kind != right_kind:
        node.mark = Mark.CHANGED
        node.type_changed = True
        node.children = [
            _one_sided(k, child_path(path, k), v, Mark.REMOVED) for k, v in _members(left)
        ] + [_one_sided(k, child_path(path, k), v, Mark.ADDED) for k, v in _members(right)]
        return node
    if _is_container(left):
        left_members = dict(_members(left))
        right_members = dict(_members(right))
        keys = list(left_members) + [k for k in right_members if k not in left_members]
        node.children = [
            _compare(
                k, child_path(path, k), left_members.get(k, MISSING), right_members.get(k, MISSING)
            )
            for k in keys
        ]
        if any(child.mark is not Mark.SAME for child in node.children):
            node.mark = Mark.CHANGED
        return node
    if left != right:
        node.mark = Mark.CHANGED
    return node


def diff_payloads(left: Any, right: Any) -> DiffNode:
    """The comparison of two whole payloads; the root's children are the top-level keys."""
    return _compare("", "", left, right)


def count_marks(root: DiffNode) -> dict[Mark, int]:
    """How many leaf keys carry each mark (containers are not counted)."""
    counts = dict.fromkeys(Mark, 0)
    stack = [root]
    while stack:
        node = stack.pop()
        if node.children:
            stack.extend(node.children)
        elif node is not root:
            counts[node.mark] += 1
    return counts
