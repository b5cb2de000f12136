"""The status dictionary as a table: id, type, name, notify, sort, colour, xmlId, system."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from console.operations.statuses import StatusRow
from console.ui.models.choices import swatch_icon
from console.ui.models.indexes import HorizontalHeaders
from console.ui.untrusted import shown, tooltip

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()
STATUS_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class StatusColumn(enum.IntEnum):
    ID = 0
    TYPE = 1
    NAME = 2
    NOTIFY = 3
    SORT = 4
    COLOR = 5
    XML_ID = 6
    SYSTEM = 7


def display_name(row: StatusRow) -> str:
    """The name in the interface language, else English, else any, else the id."""
    return row.name or row.names.get("en") or next(iter(row.names.values()), "") or row.id


class StatusTableModel(HorizontalHeaders, QAbstractTableModel):
    """Rows of :class:`StatusRow`; ``set_type_filter("O"|"D"|None)`` shows one type."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[StatusRow] = []
        self._rows: list[StatusRow] = []
        self._cells: list[tuple[str, ...]] = []
        self._icons: list[QIcon] = []
        self._type: str | None = None
        self._headers = (
            QCoreApplication.translate("StatusTableModel", "Id"),
            QCoreApplication.translate("StatusTableModel", "Type"),
            QCoreApplication.translate("StatusTableModel", "Name"),
            QCoreApplication.translate("StatusTableModel", "Notify"),
            QCoreApplication.translate("StatusTableModel", "Sort"),
            QCoreApplication.translate("StatusTableModel", "Colour"),
            QCoreApplication.translate("StatusTableModel", "xmlId"),
            QCoreApplication.translate("StatusTableModel", "System"),
        )

    def set_rows(self, rows: Sequence[StatusRow]) -> None:
        self._all = list(rows)
        self._rebuild()

    def set_type_filter(self, status_type: str | None) -> None:
        self._type = status_type if status_type in ("O", "D") else None
        self._rebuild()

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._rows = [r for r in self._all if self._type is None or r.type == self._type]
        self._cells = [self._texts(r) for r in self._rows]
        self._icons = [swatch_icon(r.color) for r in self._rows]
        self.endResetModel()

    @staticmethod
    def _texts(row: StatusRow) -> tuple[str, ...]:
        kind = {
            "O": QCoreApplication.translate("StatusTableModel", "Order"),
            "D": QCoreApplication.translate("StatusTableModel", "Delivery"),
        }.get(row.type, row.type)
        return (
            row.id,
            kind,
            display_name(row),
            QCoreApplication.translate("StatusTableModel", "yes")
            if row.notify
            else QCoreApplication.translate("StatusTableModel", "no"),
            str(row.sort),
            row.color or "",
            row.xml_id or "",
            QCoreApplication.translate("StatusTableModel", "system") if row.system else "",
        )

    def all_rows(self) -> list[StatusRow]:
        return list(self._all)

    def status(self, row: int) -> StatusRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, status_id: str) -> int | None:
        for position, row in enumerate(self._rows):
            if row.id == status_id:
                return position
        return None

    def put(self, row: StatusRow) -> None:
        """Replace the status with ``row`` (or add it). The other rows keep the order the
        portal listed them in; only a new row, or one whose type or sort changed, moves
        (before the first row that sorts after it)."""
        rows = list(self._all)
        place = next((i for i, r in enumerate(rows) if r.id == row.id), None)
        if place is not None:
            old = rows[place]
            if (old.type, old.sort) == (row.type, row.sort):
                rows[place] = row
                self._all = rows
                self._rebuild()
                return
            del rows[place]

        def order(r: StatusRow) -> tuple[bool, int]:
            return (r.type != "O", r.sort)

        at = next((i for i, r in enumerate(rows) if order(r) > order(row)), len(rows))
        rows.insert(at, row)
        self._all = rows
        self._rebuild()

    def remove(self, status_id: str) -> None:
        self._all = [r for r in self._all if r.id != status_id]
        self._rebuild()

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(StatusColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(self._cells[row][column])
        if role == Qt.ItemDataRole.DecorationRole and column == StatusColumn.COLOR:
            return self._icons[row]
        if role == Qt.ItemDataRole.ToolTipRole and column == StatusColumn.NAME:
            names = self._rows[row].names
            return (
                tooltip("\n".join(f"{lid}: {name}" for lid, name in sorted(names.items()))) or None
            )
        if role == STATUS_ID_ROLE:
            return self._rows[row].id
        return None


class StatusNamesModel(HorizontalHeaders, QAbstractTableModel):
    """A status's names per language, editable: language id, language, name."""

    def __init__(self, languages: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        # lid -> the language's own name, from the portal's dictionary.
        self._languages = dict(languages)
        self._rows: list[list[str]] = []
        self._headers = (
            QCoreApplication.translate("StatusTableModel", "Language id"),
            QCoreApplication.translate("StatusTableModel", "Language"),
            QCoreApplication.translate("StatusTableModel", "Name"),
        )

    def set_names(self, names: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = [[lid, name] for lid, name in sorted(names.items())]
        self.endResetModel()

    def names(self) -> dict[str, str]:
        return {lid.strip(): name for lid, name in self._rows if lid.strip()}

    def add_language(self) -> int:
        """Add a row for the first language without a name; returns its row."""
        used = {lid for lid, _name in self._rows}
        lid = next((code for code in self._languages if code not in used), "")
        position = len(self._rows)
        self.beginInsertRows(_NO_PARENT, position, position)
        self._rows.append([lid, ""])
        self.endInsertRows()
        return position

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(_NO_PARENT, row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else 3

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() != 1:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        lid, name = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (lid, self._languages.get(lid, ""), name)[index.column()]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() == 1:
            return False
        text = str(value)
        row = self._rows[index.row()]
        if index.column() == 0:
            row[0] = text.strip().lower()
            changed_first, changed_last = 0, 1
        else:
            row[1] = text
            changed_first = changed_last = 2
        self.dataChanged.emit(
            self.index(index.row(), changed_first), self.index(index.row(), changed_last)
        )
        return True
