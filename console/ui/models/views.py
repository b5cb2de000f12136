"""The sidebar's saved views: the built-in ones and the operator's own, each with a count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    Qt,
)

from console.core.settings import SavedView
from console.ui.models.indexes import Index
from console.ui.untrusted import tooltip

QueryRole = Qt.ItemDataRole.UserRole + 1
CountRole = Qt.ItemDataRole.UserRole + 2
BuiltinRole = Qt.ItemDataRole.UserRole + 3


@dataclass(frozen=True)
class FeedView:
    name: str
    query: str
    builtin: bool


def builtin_views() -> list[FeedView]:
    """All, Rejected, Malformed, Horoshop, Catch-up, Pinned: each is just a query."""

    return [
        FeedView(QCoreApplication.translate("SavedViewListModel", "All"), "", True),
        FeedView(
            QCoreApplication.translate("SavedViewListModel", "Rejected"), "state:rejected", True
        ),
        FeedView(
            QCoreApplication.translate("SavedViewListModel", "Malformed"), "state:malformed", True
        ),
        FeedView(
            QCoreApplication.translate("SavedViewListModel", "Horoshop"), "source:horoshop", True
        ),
        FeedView(
            QCoreApplication.translate("SavedViewListModel", "Catch-up"), "source:catch-up", True
        ),
        FeedView(QCoreApplication.translate("SavedViewListModel", "Pinned"), "pinned:yes", True),
    ]


class SavedViewListModel(QAbstractListModel):
    """Built-in views first, then the operator's; counts arrive later from a job."""

    def __init__(self, saved: list[SavedView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._views: list[FeedView] = builtin_views() + [
            FeedView(view.name, view.query, False) for view in saved
        ]
        self._counts: list[int | None] = [None] * len(self._views)

    def views(self) -> list[FeedView]:
        return list(self._views)

    def saved_views(self) -> list[SavedView]:
        """The operator's own views, as settings keep them."""
        return [SavedView(name=v.name, query=v.query) for v in self._views if not v.builtin]

    def view(self, row: int) -> FeedView | None:
        return self._views[row] if 0 <= row < len(self._views) else None

    def row_of_query(self, query: str) -> int | None:
        for row, view in enumerate(self._views):
            if view.query.strip() == query.strip():
                return row
        return None

    def row_of_name(self, name: str) -> int | None:
        for row, view in enumerate(self._views):
            if view.name == name:
                return row
        return None

    def add(self, name: str, query: str) -> int:
        """Add (or replace, by name) an operator view; returns its row."""
        existing = self.row_of_name(name)
        if existing is not None and not self._views[existing].builtin:
            self._views[existing] = FeedView(name, query, False)
            self._counts[existing] = None
            self.dataChanged.emit(self.index(existing), self.index(existing))
            return existing
        row = len(self._views)
        self.beginInsertRows(QModelIndex(), row, row)
        self._views.append(FeedView(name, query, False))
        self._counts.append(None)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> bool:
        view = self.view(row)
        if view is None or view.builtin:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._views[row]
        del self._counts[row]
        self.endRemoveRows()
        return True

    def set_counts(self, counts: dict[str, int]) -> None:
        """Counts keyed by query (several views may share one query)."""
        for row, view in enumerate(self._views):
            count = counts.get(view.query)
            if count is not None and count != self._counts[row]:
                self._counts[row] = count
                self.dataChanged.emit(self.index(row), self.index(row))

    def add_to_count(self, query: str, amount: int) -> None:
        """``amount`` more events match ``query``: raise the known counts of its views."""
        for row, view in enumerate(self._views):
            count = self._counts[row]
            if view.query == query and count is not None:
                self._counts[row] = count + amount
                self.dataChanged.emit(self.index(row), self.index(row))

    def count(self, row: int) -> int | None:
        return self._counts[row] if 0 <= row < len(self._counts) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._views)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._views):
            return None
        view = self._views[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return view.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(
                view.query
                or QCoreApplication.translate(
                    "SavedViewListModel", "every event (duplicates hidden)"
                )
            )
        if role == QueryRole:
            return view.query
        if role == CountRole:
            return self._counts[index.row()]
        if role == BuiltinRole:
            return view.builtin
        return None
