"""Small read-only tables: request headers, and the rows of the Entity tab."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QObject,
    Qt,
)
from PySide6.QtGui import QColor

from console.ui.models.indexes import NO_PARENT, HorizontalHeaders, Index
from console.ui.untrusted import shown, tooltip


class TextTableModel(HorizontalHeaders, QAbstractTableModel):
    """Rows of display strings under fixed headers; an optional colour per cell.

    ``colors`` maps (row, column) to a CSS colour shown as the cell's decoration (the
    status swatch). Subclasses only name their columns.
    """

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[tuple[str, ...]] = []
        self._colors: dict[tuple[int, int], QColor] = {}

    def set_rows(
        self,
        rows: Sequence[Sequence[str]],
        colors: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.beginResetModel()
        width = len(self._headers)
        # Headers, basket lines, shipments: every cell came from a sender or the portal.
        self._rows = [
            tuple(shown(cell) for cell in (list(row) + [""] * width)[:width]) for row in rows
        ]
        self._colors = {}
        for cell, name in (colors or {}).items():
            color = QColor(name)
            if color.isValid():
                self._colors[cell] = color
        self.endResetModel()

    def rows(self) -> list[tuple[str, ...]]:
        return list(self._rows)

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._rows[index.row()][index.column()])
        if role == Qt.ItemDataRole.DecorationRole:
            return self._colors.get((index.row(), index.column()))
        return None


class HeadersTableModel(TextTableModel):
    """Request headers: name, value (credential headers were redacted at intake)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([self.tr("Name"), self.tr("Value")], parent)

    def set_headers(self, headers: Sequence[tuple[str, str]]) -> None:
        self.set_rows([(name, value) for name, value in headers])
