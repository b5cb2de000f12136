"""Deals or invoices found by title, for the bind form: title, stage, sum, company/contact."""

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

from console.operations.bindings import OwnerCandidate
from console.ui.formatting import money_text
from console.ui.models.indexes import HorizontalHeaders
from console.ui.untrusted import shown

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


def _party(candidate: OwnerCandidate) -> str:
    parts = []
    if candidate.company_id:
        parts.append(
            QCoreApplication.translate("OwnerTableModel", "company {id}").format(
                id=candidate.company_id
            )
        )
    if candidate.contact_name:
        parts.append(candidate.contact_name)
    elif candidate.contact_id:
        parts.append(
            QCoreApplication.translate("OwnerTableModel", "contact {id}").format(
                id=candidate.contact_id
            )
        )
    return ", ".join(parts)


class OwnerTableModel(HorizontalHeaders, QAbstractTableModel):
    """Columns: id, title, stage, sum, company/contact."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OwnerCandidate] = []
        self._cells: list[tuple[str, ...]] = []
        self._headers = (
            QCoreApplication.translate("OwnerTableModel", "Id"),
            QCoreApplication.translate("OwnerTableModel", "Title"),
            QCoreApplication.translate("OwnerTableModel", "Stage"),
            QCoreApplication.translate("OwnerTableModel", "Sum"),
            QCoreApplication.translate("OwnerTableModel", "Company/contact"),
        )

    def set_candidates(self, candidates: Sequence[OwnerCandidate]) -> None:
        self.beginResetModel()
        self._rows = list(candidates)
        self._cells = [
            (
                str(c.id),
                c.title,
                c.stage_name or c.stage,
                money_text(c.amount, c.currency) if c.amount is not None else "",
                _party(c),
            )
            for c in self._rows
        ]
        self.endResetModel()

    def candidates(self) -> list[OwnerCandidate]:
        return list(self._rows)

    def candidate(self, row: int) -> OwnerCandidate | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(self._cells[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
