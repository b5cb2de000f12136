"""Order–deal links as a table: order, owner type, owner id."""

from __future__ import annotations

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

from console.bitrix.bindings import Binding
from console.ui.models.indexes import HorizontalHeaders
from console.ui.untrusted import shown

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


def owner_type_name(owner_type_id: int) -> str:
    return {
        2: QCoreApplication.translate("BindingTableModel", "Deal"),
        5: QCoreApplication.translate("BindingTableModel", "Invoice (old)"),
        31: QCoreApplication.translate("BindingTableModel", "Smart invoice"),
    }.get(
        owner_type_id,
        QCoreApplication.translate("BindingTableModel", "CRM type {n}").format(n=owner_type_id),
    )


class BindingTableModel(HorizontalHeaders, QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Binding] = []
        self._cells: list[tuple[str, str, str, str]] = []
        self._titles: dict[tuple[int, int], str] = {}
        self._headers = (
            QCoreApplication.translate("BindingTableModel", "Order"),
            QCoreApplication.translate("BindingTableModel", "Bound to"),
            QCoreApplication.translate("BindingTableModel", "Id"),
            QCoreApplication.translate("BindingTableModel", "Title"),
        )

    def set_bindings(self, bindings: Sequence[Binding]) -> None:
        self.beginResetModel()
        self._rows = sorted(bindings, key=lambda b: (b.order_id, b.owner_type_id, b.owner_id))
        self._cells = [
            (
                str(b.order_id),
                owner_type_name(b.owner_type_id),
                str(b.owner_id),
                self._titles.get((b.owner_type_id, b.owner_id), ""),
            )
            for b in self._rows
        ]
        self.endResetModel()

    def set_titles(self, titles: dict[tuple[int, int], str]) -> None:
        """The deals' and invoices' titles, read after the links."""
        self._titles.update(titles)
        self.set_bindings(self._rows)

    def binding(self, row: int) -> Binding | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def remove(self, binding: Binding) -> None:
        self.set_bindings([b for b in self._rows if b != binding])

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(self._cells[index.row()][index.column()])
        return None
