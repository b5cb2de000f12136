"""A parsed payload as a lazy tree: key, value, type.

Nodes are made when the view first asks for them, one at a time, so a payload with
10,000 keys costs only the rows on screen. Each node keeps its display strings, so
``data()`` does no work beyond a lookup.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    Qt,
)

from console.core.phpform import flatten_php
from console.listener.payload_diff import child_path, kind_of
from console.ui.models.indexes import NO_PARENT, HorizontalHeaders, Index
from console.ui.untrusted import TEXT_LIMIT, shown, tooltip

# Long strings are cut for the cell; "copy value" still copies all of it.
_CELL_CHARS = 300

KEY_COLUMN, VALUE_COLUMN, TYPE_COLUMN = range(3)
# The full value (JSON for containers) and the path, for copy actions.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2


def _members(value: Any) -> list[tuple[str | int, Any]]:
    if isinstance(value, dict):
        return [(str(key), child) for key, child in value.items()]
    if isinstance(value, list | tuple):
        return list(enumerate(value))
    return []


def value_text(value: Any) -> str:
    """What "copy value" gives: strings as they are, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(
        value, ensure_ascii=False, indent=2 if isinstance(value, dict | list) else None
    )


def cell_text(value: Any) -> str:
    """One line for the value column."""
    if isinstance(value, dict):
        return f"{{{len(value)}}}"
    if isinstance(value, list | tuple):
        return f"[{len(value)}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if not text:
        # An empty string must not look like a missing value.
        return '""'
    return shown(text, limit=_CELL_CHARS)


class _Node:
    __slots__ = ("cells", "children", "members", "parent", "path", "row", "value")

    def __init__(
        self, parent: _Node | None, row: int, key: str | int, value: Any, path: str
    ) -> None:
        self.parent = parent
        self.row = row
        self.value = value
        self.path = path
        label = f"[{key}]" if isinstance(key, int) else shown(key)
        self.cells = (label, cell_text(value), kind_of(value))
        # Filled on first use: the (key, value) pairs and the nodes made so far.
        self.members: list[tuple[str | int, Any]] | None = None
        self.children: list[_Node | None] | None = None

    def count(self) -> int:
        if self.members is None:
            self.members = _members(self.value)
            self.children = [None] * len(self.members)
        return len(self.members)

    def child(self, row: int) -> _Node:
        self.count()
        assert self.children is not None and self.members is not None
        node = self.children[row]
        if node is None:
            key, value = self.members[row]
            node = _Node(self, row, key, value, child_path(self.path, key))
            self.children[row] = node
        return node


class PayloadTreeModel(HorizontalHeaders, QAbstractItemModel):
    """Read-only tree over any JSON-like value; the root's members are the top rows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, 0, "", None, "")
        self._headers = (self.tr("Key"), self.tr("Value"), self.tr("Type"))

    def set_payload(self, payload: Any) -> None:
        self.beginResetModel()
        self._root = _Node(None, 0, "", payload, "")
        self.endResetModel()

    def payload(self) -> Any:
        return self._root.value

    def _node(self, index: Index) -> _Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._node(parent).child(row))

    def parent(self, child: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid():
            return QModelIndex()
        up = self._node(child).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return self._node(parent).count()

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 3

    def hasChildren(self, parent: Index = NO_PARENT) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        value = self._node(parent).value
        return isinstance(value, dict | list | tuple) and len(value) > 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return node.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(node.cells[index.column()])
        if role == VALUE_ROLE:
            return value_text(node.value)
        if role == PATH_ROLE:
            return node.path
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def has_at_most(value: Any, limit: int) -> bool:
    """True when ``value`` holds at most ``limit`` keys and items in all (stops early)."""
    seen = 0
    stack = [value] if isinstance(value, dict | list | tuple) else []
    while stack:
        node = stack.pop()
        members = node.values() if isinstance(node, dict) else node
        for child in members:
            seen += 1
            if seen > limit:
                return False
            if isinstance(child, dict | list | tuple):
                stack.append(child)
    return True


def form_lines(payload: Any) -> str:
    """A decoded form payload as ``key = value`` lines with PHP bracket keys.

    Each key and value is :func:`shown` on its line: a value with a newline in it cannot
    fake a line of its own, and a 1 MB value does not make a 1 MB line to lay out (the
    tree's "Copy value" and the Raw tab keep it whole).
    """
    if not isinstance(payload, dict):
        return ""
    return "\n".join(
        f"{shown(key)} = {shown(value, limit=TEXT_LIMIT)}" for key, value in flatten_php(payload)
    )
