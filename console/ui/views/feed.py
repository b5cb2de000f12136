"""The feed table: fixed-height rows, the "N new events" chip, and the view stays put.

When live rows go in at the top while the operator is reading further down, the
scroll position moves by the inserted rows' height, so the rows in view (and the
selection, which Qt keeps by persistent index) do not jump; a chip over the table says
how many arrived and scrolls to the top when clicked. Once more have arrived than anyone
reads (:data:`HOLD_AFTER_ROWS`), the model holds the rest: the chip counts them, and
nothing is inserted or repainted until the operator is back at the top.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QFontMetrics, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QWidget,
)

from console.store.model import EventFilter
from console.ui.models.feed import Column, EventFeedTableModel, EventIdRole, column_titles

# Column widths are measured on this many rows, never on the whole feed.
WIDTH_SAMPLE_ROWS = 200
MIN_COLUMN_WIDTH = 48
MAX_COLUMN_WIDTH = 360
# What the summary keeps when the other columns are fitted to a narrow feed.
SUMMARY_MIN_WIDTH = 120
# Columns shown whole however narrow the feed: the time and the ids.
WHOLE_COLUMNS = frozenset({Column.RECEIVED, Column.ORDER, Column.ENTITY})
# Live rows measured per insert to widen a column (a flood measures only its newest few).
WIDEN_SAMPLE_ROWS = 20
# Rows inserted above a reading operator before the rest are held and only counted.
HOLD_AFTER_ROWS = 50


class FeedTableView(QTableView):
    """A ``QTableView`` for :class:`EventFeedTableModel`; emits ids, never widgets.

    Signals: ``current_event_changed(object)`` with the current row's event id or None;
    ``selection_size_changed(int)``; ``original_requested(int)`` when the operator
    activates a duplicate's verification cell.
    """

    current_event_changed = Signal(object)
    selection_size_changed = Signal(int)
    original_requested = Signal(int)

    def __init__(self, model: EventFeedTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._feed = model
        self._new_rows = 0
        self.setModel(model)
        self.setObjectName("feedTable")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSortingEnabled(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(QFontMetrics(self.font()).height() + 8)
        horizontal = self.horizontalHeader()
        horizontal.setStretchLastSection(True)
        horizontal.setHighlightSections(False)
        horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Sampled: widths came from rows. Locked: the operator or a saved layout chose them,
        # and live rows never widen a column again.
        self._widths_from_sample = False
        self._widths_locked = False
        # Each column's width from its rows; shown narrower (cut with "…") while the feed
        # has not the room for all of them and the summary.
        self._natural: dict[int, int] = {}
        # The widest value of each column without its title (a title may be cut, a time
        # or an id may not).
        self._data_width: dict[int, int] = {}
        horizontal.sectionResized.connect(self._section_resized)
        self._sizing = False

        self._chip = QToolButton(self)
        self._chip.setObjectName("newEventsChip")
        self._chip.setCursor(Qt.CursorShape.PointingHandCursor)
        self._chip.setStyleSheet(
            "QToolButton#newEventsChip { background: palette(highlight);"
            " color: palette(highlighted-text); border: none; border-radius: 11px;"
            " padding: 3px 12px; font-weight: bold; }"
        )
        self._chip.hide()
        self._chip.clicked.connect(self.jump_to_top)

        # Said over the empty table, so an empty answer is not taken for a blank window.
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("feedEmpty")
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # drawn greyed, as a note rather than data
        self.empty_label.hide()

        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsInserted.connect(self._after_insert)
        model.modelReset.connect(self._after_reset)
        model.query_finished.connect(self._first_page_shown)
        model.query_finished.connect(lambda _count: self._update_empty())
        model.rowsInserted.connect(lambda *_args: self._update_empty())
        model.held_changed.connect(self._held_changed)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        self.selectionModel().selectionChanged.connect(self._selection_changed)
        self.activated.connect(self._activated)

    # -- anchoring ----------------------------------------------------------------------

    def _before_insert(self, parent: QModelIndex, first: int, _last: int) -> None:
        # Anchor when the first visible row is not the top one: the operator is reading.
        self._anchor = not parent.isValid() and first == 0 and self.rowAt(0) > 0

    def _after_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or first != 0:
            return
        if getattr(self, "_anchor", False):
            bar = self.verticalScrollBar()
            before = bar.value()
            height = self.verticalHeader().defaultSectionSize() * (last - first + 1)
            # The range grows only once the view has laid out the new rows: do it now.
            self.updateGeometries()
            bar.setValue(before + height)
            self._new_rows += last - first + 1
            self._show_chip()
            if self._new_rows >= HOLD_AFTER_ROWS:
                self._feed.set_held(True)
        if not self._widths_from_sample:
            self.size_columns_from_sample()
        elif not self._widths_locked:
            self._widen_for(first, min(last, first + WIDEN_SAMPLE_ROWS - 1))

    def _first_page_shown(self, _count: int) -> None:
        if not self._widths_from_sample:
            self.size_columns_from_sample()

    def _after_reset(self) -> None:
        # A new filter or a refresh starts at the newest event.
        self._new_rows = 0
        self._chip.hide()
        self._feed.set_held(False)
        self.verticalScrollBar().setValue(0)

    def _update_empty(self) -> None:
        if self._feed.rowCount() or self._feed.loading:
            self.empty_label.hide()
            return
        if self._feed.event_filter != EventFilter():
            text = self.tr("No events match this query.")
        else:
            text = self.tr("No events yet.")
        self.empty_label.setText(text)
        self._place_empty()
        self.empty_label.show()

    def _place_empty(self) -> None:
        # A strip at the top of the rows' area, where the first row would be.
        width = self.viewport().width()
        self.empty_label.setGeometry(12, 12, max(0, width - 24), 48)

    def _scrolled(self, value: int) -> None:
        if value == 0 and self._chip.isVisible():
            self._new_rows = 0
            self._chip.hide()
            self._feed.set_held(False)

    def _held_changed(self, count: int) -> None:
        if count:
            self._show_chip()

    @property
    def new_rows(self) -> int:
        """Rows that arrived above the view since the operator scrolled down (inserted,
        and held back by the model)."""
        return self._new_rows + self._feed.held_count

    @property
    def chip(self) -> QToolButton:
        return self._chip

    def jump_to_top(self) -> None:
        self._new_rows = 0
        self._chip.hide()
        self.scrollToTop()
        self._feed.set_held(False)

    def _show_chip(self) -> None:
        count = self.new_rows
        text = self.tr("↑ %Ln new events", "", count)
        self._chip.setText(text)
        self._chip.adjustSize()
        self._place_chip()
        self._chip.show()
        self._chip.raise_()

    def _place_chip(self) -> None:
        header = self.horizontalHeader().height()
        x = (self.width() - self._chip.width()) // 2
        self._chip.move(QPoint(max(0, x), header + 6))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._chip.isVisible():
            self._place_chip()
        if self.empty_label.isVisible():
            self._place_empty()
        self.fit_columns()

    # -- widths -------------------------------------------------------------------------

    def size_columns_from_sample(self) -> None:
        """Set widths from the widest of a sample of rows (never ResizeToContents)."""
        sample = self._feed.sample_texts(WIDTH_SAMPLE_ROWS)
        if not sample:
            return
        self._widths_from_sample = True
        self._sizing = True
        metrics = QFontMetrics(self.font())
        header_metrics = QFontMetrics(self.horizontalHeader().font())
        titles = column_titles()
        for column in Column:
            if column is Column.SUMMARY:
                continue
            widest = max(metrics.horizontalAdvance(texts[column]) for texts in sample)
            self._data_width[column] = widest + 18
            widest = max(widest, header_metrics.horizontalAdvance(titles[column]) + 12)
            self._natural[column] = min(MAX_COLUMN_WIDTH, max(MIN_COLUMN_WIDTH, widest + 18))
        self._sizing = False
        self.fit_columns()

    def _widen_for(self, first: int, last: int) -> None:
        """Widen (never narrow) columns for a new event name or a longer value."""
        metrics = QFontMetrics(self.font())
        self._sizing = True
        for column in Column:
            if column is Column.SUMMARY:
                continue
            widest = max(
                metrics.horizontalAdvance(str(self._feed.index(row, column).data() or ""))
                for row in range(first, last + 1)
            )
            width = min(MAX_COLUMN_WIDTH, widest + 18)
            if width > self._natural.get(column, self.columnWidth(column)):
                self._natural[column] = width
        self._sizing = False
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give each column its width from its rows where the feed has room for them and
        the summary; where it has not, the widest ones give way first (their text is cut
        with "…"), so every column stays on screen."""
        if self._widths_locked or not self._natural:
            return
        widths = dict(self._natural)
        room = self.viewport().width() - SUMMARY_MIN_WIDTH
        if sum(widths.values()) > room:
            # A time or an id is never cut (only its title may be): the words give way.
            for column in WHOLE_COLUMNS & widths.keys():
                widths[column] = min(widths[column], self._data_width.get(column, 0) or 10**6)
        kept = sum(w for c, w in widths.items() if c in WHOLE_COLUMNS)
        room -= kept
        cuttable = {c: w for c, w in widths.items() if c not in WHOLE_COLUMNS}
        if sum(cuttable.values()) > room:
            # The cap for which the capped widths just fill the room.
            cap = max(cuttable.values())
            while cap > MIN_COLUMN_WIDTH and sum(min(w, cap) for w in cuttable.values()) > room:
                cap -= 4
            floor = max(cap, MIN_COLUMN_WIDTH)
            widths.update({column: min(width, floor) for column, width in cuttable.items()})
        self._sizing = True
        for position, width in widths.items():
            if self.columnWidth(position) != width:
                self.setColumnWidth(position, width)
        self._sizing = False

    def _section_resized(self, _section: int, _old: int, _new: int) -> None:
        # A width the operator dragged is kept and never replaced by the sample's; the
        # stretching last column and restored layouts resize sections too, with no button.
        if not self._sizing and QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton:
            self._widths_from_sample = True
            self._widths_locked = True

    @property
    def widths_settled(self) -> bool:
        """True once widths came from rows, the operator or a saved layout (worth saving)."""
        return self._widths_from_sample

    def mark_widths_restored(self) -> None:
        """Widths came from the saved layout: do not size them from the sample."""
        self._widths_from_sample = True
        self._widths_locked = True

    # -- selection ----------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_event_changed.emit(current.data(EventIdRole) if current.isValid() else None)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.selection_size_changed.emit(len(self.selectionModel().selectedRows()))

    def selected_event_ids(self) -> list[int]:
        """Ids of the selected rows, top to bottom."""
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        ids = [self._feed.event_id(row) for row in rows]
        return [event_id for event_id in ids if event_id is not None]

    def current_event_id(self) -> int | None:
        index = self.currentIndex()
        return self._feed.event_id(index.row()) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        row = self._feed.feed_row(index.row())
        if row is not None and index.column() == Column.VERIFICATION and row.duplicate_of:
            self.original_requested.emit(row.duplicate_of)

    def select_event(self, event_id: int) -> bool:
        """Make ``event_id`` current and visible; False when it is not loaded."""
        row = self._feed.row_of(event_id)
        if row is None:
            return False
        index = self._feed.index(row, 0)
        self.setCurrentIndex(index)
        self.selectRow(row)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True
