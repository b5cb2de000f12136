"""A small list model for the forms' combo boxes: text, value, optional colour swatch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from console.ui.untrusted import shown, tooltip

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Choice:
    text: str
    value: object
    color: str | None = None
    tooltip: str = ""


def swatch_icon(color: str | None, size: int = 14) -> QIcon:
    """A filled square of ``color`` with a thin border; a hollow one when there is none."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor(90, 90, 90))
    fill = QColor(color) if color else QColor()
    if fill.isValid():
        painter.setBrush(fill)
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


class ChoiceModel(QAbstractListModel):
    """Choices for a combo box; icons are made once in :meth:`set_choices`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices: list[Choice] = []
        self._icons: list[QIcon | None] = []

    def set_choices(self, choices: Sequence[Choice]) -> None:
        self.beginResetModel()
        self._choices = list(choices)
        self._icons = [swatch_icon(c.color) if c.color is not None else None for c in choices]
        self.endResetModel()

    def choices(self) -> list[Choice]:
        return list(self._choices)

    def value(self, row: int) -> object:
        return self._choices[row].value if 0 <= row < len(self._choices) else None

    def row_of(self, value: object) -> int:
        for row, choice in enumerate(self._choices):
            if choice.value == value:
                return row
        return -1

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._choices)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._choices):
            return None
        choice = self._choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # Status names, deal titles, profiles: the portal's or a file's words.
            return shown(choice.text)
        if role == Qt.ItemDataRole.EditRole:
            return choice.text
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(choice.tooltip) or None
        if role == VALUE_ROLE:
            return choice.value
        return None
