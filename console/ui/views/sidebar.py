"""The sidebar: saved views with live counts; picking one sets the query bar.

Counts are read in a job ("view-counts" lane) and refreshed at most every
:data:`COUNT_REFRESH_MS` while events arrive, so a flood of events costs one count
query per view every couple of seconds, not one per event. Between those reads each
batch of new rows is counted into the views it matches as it reaches the feed, so a
view's count never trails a row the feed already shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QElapsedTimer,
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QPainter, QPalette
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from console.store.model import FeedRow
from console.store.querylang import parse_query
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import shortcut
from console.ui.models.feed import row_matches
from console.ui.models.indexes import Index
from console.ui.models.views import CountRole, QueryRole, SavedViewListModel
from console.ui.views.pages import Confirm, ask

COUNT_REFRESH_MS = 2000


class _CountDelegate(QStyledItemDelegate):
    """Paints the view's count right-aligned in a muted colour beside its name."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), hint.height() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        count = index.data(CountRole)
        if count is None:
            return
        rect: QRect = option.rect.adjusted(0, 0, -8, 0)
        painter.save()
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(palette.color(QPalette.ColorGroup.Active, role))
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"{count:,}"
        )
        painter.restore()


def count_views(context: ConsoleContext, queries: list[str]) -> dict[str, int]:
    """Runs in a job: one store count per distinct query."""
    store = context.store
    if store is None:
        return {}
    return {query: store.count(parse_query(query).filter) for query in dict.fromkeys(queries)}


class SavedViewsPanel(QWidget):
    """A ``QListView`` over :class:`SavedViewListModel`.

    Signals: ``view_chosen(str)`` with the view's query; ``counts_updated()``.
    """

    view_chosen = Signal(str)
    counts_updated = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._current_query = ""
        self.model = SavedViewListModel(context.settings.window.saved_views, self)
        self.list = QListView(self)
        self.list.setObjectName("savedViews")
        self.list.setModel(self.model)
        self.list.setItemDelegate(_CountDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.clicked.connect(self._clicked)
        self.list.activated.connect(self._clicked)
        # Arrow keys move through the views as clicks do; a query typed in the bar moves the
        # highlight without choosing the view again (see set_current_query).
        self._following_query = False
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        title = QLabel(self.tr("Views"), self)
        title.setObjectName("viewsTitle")
        title.setStyleSheet("font-weight: bold; padding: 4px 6px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(title)
        layout.addWidget(self.list)

        self.save_action = QAction(self.tr("&Save current query as view…"), self)
        self.save_action.triggered.connect(self.save_current_query)
        self.confirm: Confirm = ask
        self.menu: QMenu | None = None
        # The keyboard's ways to the same menu and to removing a view of one's own.
        for keys in ("Shift+F10", "Menu"):
            shortcut(keys, self.list, self.menu_for_current, Qt.ShortcutContext.WidgetShortcut)
        shortcut("Delete", self.list, self.remove_current, Qt.ShortcutContext.WidgetShortcut)

        self._since_refresh = QElapsedTimer()
        # Rows or pins changed after the running count job read the store: its answer
        # may predate them (see _counts_arrived).
        self._changed_while_counting = False
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(COUNT_REFRESH_MS)
        self._throttle.timeout.connect(self.refresh_counts)
        context.ready.connect(self.refresh_counts)
        if context.console is not None:
            self.refresh_counts()

    def set_current_query(self, query: str) -> None:
        """Highlight the view whose query is ``query`` (or none)."""
        self._current_query = query
        row = self.model.row_of_query(query)
        selection = self.list.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self.model.index(row)
        if self.list.currentIndex() != index:
            self._following_query = True
            try:
                self.list.setCurrentIndex(index)
            finally:
                self._following_query = False

    def select_view(self, name: str) -> bool:
        row = self.model.row_of_name(name)
        if row is None:
            return False
        self.list.setCurrentIndex(self.model.index(row))
        self._clicked(self.model.index(row))
        return True

    def current_view_name(self) -> str | None:
        index = self.list.currentIndex()
        view = self.model.view(index.row()) if index.isValid() else None
        return view.name if view is not None else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._following_query and current.isValid():
            query = current.data(QueryRole)
            if isinstance(query, str) and query != self._current_query:
                self._clicked(current)

    def _clicked(self, index: QModelIndex) -> None:
        query = index.data(QueryRole)
        if isinstance(query, str):
            self._current_query = query
            self.view_chosen.emit(query)

    # -- counts -------------------------------------------------------------------------

    def note_event(self, rows: Sequence[FeedRow] = ()) -> None:
        """Events arrived (``rows``, the batch the feed shows now) or a pin changed.

        The rows are counted into the views they match at once; the counts are read
        again now when they were not in the last COUNT_REFRESH_MS, else once that much
        time has passed (a pin, or a view only the store can match, waits that long)."""
        self._count_rows(rows)
        self._changed_while_counting = True
        if self._throttle.isActive():
            return  # a refresh is planned, and it will see this event too
        elapsed = self._since_refresh.elapsed() if self._since_refresh.isValid() else None
        if elapsed is None or elapsed >= COUNT_REFRESH_MS:
            self.refresh_counts()
        else:
            self._throttle.start(COUNT_REFRESH_MS - int(elapsed))

    def refresh_counts(self) -> None:
        if self._context.store is None:
            return
        self._since_refresh.start()
        self._changed_while_counting = False
        context = self._context
        queries = [view.query for view in self.model.views()]
        context.jobs.submit(
            lambda _c: count_views(context, queries),
            on_done=self._counts_arrived,
            on_error=lambda exc: context.message.emit(str(exc)),
            lane="view-counts",
        )

    def _count_rows(self, rows: Sequence[FeedRow]) -> None:
        if not rows:
            return
        filters = {query: parse_query(query).filter for query in self._counted_queries()}
        for query, flt in filters.items():
            added = sum(1 for row in rows if row_matches(flt, row) is True)
            if added:
                self.model.add_to_count(query, added)

    def _counted_queries(self) -> set[str]:
        return {
            view.query
            for row, view in enumerate(self.model.views())
            if self.model.count(row) is not None
        }

    def _counts_arrived(self, counts: dict[str, int]) -> None:
        if self._changed_while_counting:
            # The store may have been read before the rows counted in meanwhile: keep the
            # higher count until a read that nothing overtook (planned here) settles it.
            for row, view in enumerate(self.model.views()):
                shown = self.model.count(row)
                if shown is not None and view.query in counts:
                    counts[view.query] = max(counts[view.query], shown)
            self.note_event()
        self.model.set_counts(counts)
        self.counts_updated.emit()

    # -- operator's views ---------------------------------------------------------------

    def _context_menu(self, position: QPoint) -> None:
        self._popup(self.list.indexAt(position), position)

    def menu_for_current(self) -> None:
        """Shift+F10 or the Menu key: the menu of the current view, beside it."""
        index = self.list.currentIndex()
        rect = self.list.visualRect(index) if index.isValid() else self.list.viewport().rect()
        self._popup(index, rect.bottomLeft() if index.isValid() else rect.topLeft())

    def _popup(self, index: QModelIndex, position: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addAction(self.save_action)
        view = self.model.view(index.row()) if index.isValid() else None
        if view is not None and not view.builtin:
            remove = menu.addAction(self.tr("&Remove view “%1”").replace("%1", view.name))
            remove.triggered.connect(lambda: self.remove_view(index.row()))
        self.menu = menu
        menu.popup(self.list.viewport().mapToGlobal(position))

    def remove_current(self) -> None:
        """Delete: remove the current view after asking; a built-in one says it stays."""
        index = self.list.currentIndex()
        view = self.model.view(index.row()) if index.isValid() else None
        if view is None:
            return
        if view.builtin:
            self._context.message.emit(
                self.tr("“%1” is a built-in view and cannot be removed.").replace("%1", view.name)
            )
            return
        if self.confirm(
            self,
            self.tr("Remove view"),
            self.tr("Remove the view “%1”? Its events stay in the store.").replace("%1", view.name),
        ):
            self.remove_view(index.row())

    def save_current_query(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save view"),
            self.tr("Name for the query “%1”:").replace(
                "%1", self._current_query or self.tr("(everything)")
            ),
        )
        if ok and name.strip():
            self.add_view(name.strip()[:64], self._current_query)

    def add_view(self, name: str, query: str) -> None:
        row = self.model.add(name, query)
        self.list.setCurrentIndex(self.model.index(row))
        self._persist()
        self.refresh_counts()

    def remove_view(self, row: int) -> None:
        if self.model.remove(row):
            self._persist()

    def _persist(self) -> None:
        settings = self._context.settings
        settings.window.saved_views = self.model.saved_views()
        snapshot = settings.model_copy(deep=True)

        def save(_c: object) -> None:
            from console.core.settings import save_settings

            save_settings(snapshot)

        self._context.jobs.submit(
            save,
            on_error=lambda exc: self._context.message.emit(
                self.tr("Could not save the views: %1").replace("%1", str(exc))
            ),
            lane="save-settings",
        )
