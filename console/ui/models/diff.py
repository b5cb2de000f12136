"""Two payloads side by side in one tree: key, left value, right value, mark.

The comparison itself is :func:`console.listener.payload_diff.diff_payloads` (Qt-free,
run in a job); this model only shows its result. Changed, added and removed rows get a
background; "only differences" hides the keys that are the same on both sides.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from console.listener.payload_diff import MISSING, DiffNode, Mark
from console.ui.models.indexes import NO_PARENT, HorizontalHeaders, Index
from console.ui.models.payload import PATH_ROLE, cell_text
from console.ui.untrusted import shown, tooltip

KEY_COLUMN, LEFT_COLUMN, RIGHT_COLUMN, MARK_COLUMN = range(4)
MARK_ROLE = Qt.ItemDataRole.UserRole + 3

# Translucent, so they read on light and dark palettes alike.
_BACKGROUNDS = {
    Mark.CHANGED: QColor(230, 160, 0, 70),
    Mark.ADDED: QColor(40, 170, 70, 70),
    Mark.REMOVED: QColor(220, 50, 50, 70),
}


def _mark_label(mark: Mark) -> str:
    labels = {
        Mark.ADDED: QCoreApplication.translate("DiffTreeModel", "added"),
        Mark.REMOVED: QCoreApplication.translate("DiffTreeModel", "removed"),
        Mark.CHANGED: QCoreApplication.translate("DiffTreeModel", "changed"),
        Mark.SAME: QCoreApplication.translate("DiffTreeModel", "same"),
    }
    return labels[mark]


class _Item:
    __slots__ = ("brush", "cells", "children", "node", "parent", "row")

    def __init__(
        self, parent: _Item | None, row: int, node: DiffNode, brush: QBrush | None
    ) -> None:
        self.parent = parent
        self.row = row
        self.node = node
        left = "" if node.left is MISSING else cell_text(node.left)
        right = "" if node.right is MISSING else cell_text(node.right)
        self.cells = (shown(node.key), left, right, _mark_label(node.mark))
        self.children: list[_Item] = []
        self.brush = brush


class DiffTreeModel(HorizontalHeaders, QAbstractItemModel):
    """Read-only tree over a :class:`DiffNode`; rows built once per :meth:`set_diff`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._diff: DiffNode | None = None
        self._only_differences = False
        self._root = self._empty_root()
        self._headers: list[str] = [
            self.tr("Key"),
            self.tr("Left"),
            self.tr("Right"),
            self.tr("Change"),
        ]
        self._brushes = {mark: QBrush(color) for mark, color in _BACKGROUNDS.items()}

    @staticmethod
    def _empty_root() -> _Item:
        return _Item(None, 0, DiffNode("", "", MISSING, MISSING, Mark.SAME), None)

    def set_headers(self, left: str, right: str) -> None:
        self._headers[LEFT_COLUMN] = left
        self._headers[RIGHT_COLUMN] = right
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, LEFT_COLUMN, RIGHT_COLUMN)

    def set_diff(self, diff: DiffNode | None) -> None:
        self._diff = diff
        self._rebuild()

    def set_only_differences(self, only: bool) -> None:
        if only != self._only_differences:
            self._only_differences = only
            self._rebuild()

    @property
    def only_differences(self) -> bool:
        return self._only_differences

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._root = self._empty_root()
        if self._diff is not None:
            self._root.node = self._diff
            self._build(self._root)
        self.endResetModel()

    def _build(self, parent: _Item) -> None:
        stack = [parent]
        while stack:
            item = stack.pop()
            for child in item.node.children:
                if self._only_differences and child.mark is Mark.SAME:
                    continue
                made = _Item(item, len(item.children), child, self._brushes.get(child.mark))
                item.children.append(made)
                stack.append(made)

    def _item(self, index: Index) -> _Item:
        if not index.isValid():
            return self._root
        item = index.internalPointer()
        assert isinstance(item, _Item)
        return item

    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, self._item(parent).children[row])

    def parent(self, child: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid():
            return QModelIndex()
        up = self._item(child).parent
        if up is None or up is self._root:
            return QModelIndex()
        return self.createIndex(up.row, 0, up)

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._item(parent).children)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 4

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._item(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return item.cells[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item.cells[index.column()])
        if role == Qt.ItemDataRole.BackgroundRole:
            return item.brush
        if role == MARK_ROLE:
            return item.node.mark.value
        if role == PATH_ROLE:
            return item.node.path
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
