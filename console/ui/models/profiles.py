"""Connection profiles as a table: default mark, name, portal, sign-in, other domains."""

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

from console.core.profiles import AuthMode, Profile
from console.ui.models.indexes import HorizontalHeaders
from console.ui.untrusted import shown

_Index = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


class ProfileTableModel(HorizontalHeaders, QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Profile] = []
        self._cells: list[tuple[str, ...]] = []
        self._default: str | None = None
        self._headers = (
            QCoreApplication.translate("ProfileTableModel", "Default"),
            QCoreApplication.translate("ProfileTableModel", "Name"),
            QCoreApplication.translate("ProfileTableModel", "Portal"),
            QCoreApplication.translate("ProfileTableModel", "Sign-in"),
            QCoreApplication.translate("ProfileTableModel", "Other domains"),
        )

    def set_profiles(self, profiles: Sequence[Profile], default: str | None) -> None:
        self.beginResetModel()
        self._rows = sorted(profiles, key=lambda p: p.name)
        self._default = default
        self._cells = [
            (
                "★" if p.name == default else "",
                p.name,
                p.portal_url,
                QCoreApplication.translate("ProfileTableModel", "inbound webhook")
                if p.auth_mode is AuthMode.WEBHOOK
                else QCoreApplication.translate("ProfileTableModel", "OAuth app"),
                ", ".join(p.extra_domains),
            )
            for p in self._rows
        ]
        self.endResetModel()

    @property
    def default(self) -> str | None:
        return self._default

    def profile(self, row: int) -> Profile | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, name: str) -> int | None:
        return next((r for r, p in enumerate(self._rows) if p.name == name), None)

    def rowCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(self._cells[index.row()][index.column()])
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
