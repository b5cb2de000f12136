"""What every item model here shares: the index type Qt passes, the "no parent" index, and
fixed column headers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

# Qt hands models either kind of index.
Index = QModelIndex | QPersistentModelIndex
# Qt's "no parent" index; one shared instance as the default argument.
NO_PARENT = QModelIndex()


class HorizontalHeaders:
    """Column headers from ``self._headers``; list it before the Qt model base class."""

    _headers: Sequence[str]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None
