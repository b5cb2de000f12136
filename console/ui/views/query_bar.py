"""The query bar: one line of the feed's query language, parsed as you type.

Parsing is pure Python and cheap, so it runs on the GUI thread after a short debounce;
running the parsed filter against the store is the feed model's job (in a worker).
Parts the parser could not understand are underlined with a red wave and explained
next to the line; the bar never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPointF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCompleter,
    QLineEdit,
    QStyle,
    QStyleOptionFrame,
    QVBoxLayout,
    QWidget,
)

from console.store.model import EventFilter
from console.store.querylang import Completion, ParsedQuery, QueryProblem, completions, parse_query
from console.ui.models.indexes import Index
from console.ui.untrusted import PlainLabel, shown, tooltip
from console.ui.wording import translated_query_note

log = logging.getLogger(__name__)

DEBOUNCE_MS = 150

Parser = Callable[[str], ParsedQuery]


class CompletionListModel(QAbstractListModel):
    """What the completer offers for the word under the cursor."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Completion] = []

    def set_completions(self, items: list[Completion]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def completion(self, row: int) -> Completion | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # Event names and profiles came with events; the replacement stays exact.
            return shown(item.label)
        if role == Qt.ItemDataRole.EditRole:
            return item.replacement
        return None


class QueryLineEdit(QLineEdit):
    """A line edit that draws a red wave under the spans the parser rejected."""

    escape_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._problems: list[QueryProblem] = []

    def set_problems(self, problems: list[QueryProblem]) -> None:
        self._problems = list(problems)
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._problems:
            return
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        contents = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        text = self.text()
        baseline = contents.center().y() + self.fontMetrics().ascent() // 2 + 2
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#e53935"), 1.2))
        painter.setClipRect(contents)
        for problem in self._problems:
            start = max(0, min(problem.start, len(text)))
            end = max(start, min(problem.end, len(text)))
            if end == start:
                # A problem at the end (an unclosed quote): underline the last character.
                start = max(0, end - 1)
            left = self._x_at(start)
            right = self._x_at(end)
            if right <= left:
                right = left + 6
            path = QPainterPath(QPointF(left, baseline))
            x, up = left, True
            while x < right:
                x += 2
                path.lineTo(QPointF(x, baseline - (2 if up else 0)))
                up = not up
            painter.drawPath(path)
        painter.end()

    def _x_at(self, position: int) -> float:
        """The x of the gap before character ``position``, in widget coordinates."""
        option = QStyleOptionFrame()
        self.initStyleOption(option)
        contents = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        # QLineEdit scrolls long text; cursorRect() tells where the cursor is now.
        cursor_x = self.cursorRect().center().x()
        metrics = self.fontMetrics()
        text = self.text()
        offset = metrics.horizontalAdvance(text[: self.cursorPosition()])
        scroll = offset - (cursor_x - contents.left())
        return float(contents.left() + metrics.horizontalAdvance(text[:position]) - scroll)


class QueryBar(QWidget):
    """The line, its completer and the problem message.

    Signals: ``query_changed(str, object)`` with the text and its :class:`ParsedQuery`,
    after the debounce (or at once for :meth:`set_query` and Esc).
    """

    query_changed = Signal(str, object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        parse: Parser = parse_query,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._parse = parse
        self._profiles: list[str] = []
        self._events: list[str] = []
        self._last_emitted: str | None = None
        self._parsed = ParsedQuery(EventFilter())

        self.edit = QueryLineEdit(self)
        self.edit.setObjectName("queryEdit")
        self.edit.setClearButtonEnabled(True)
        self.edit.setPlaceholderText(
            self.tr('Filter: order:300 source:horoshop -state:rejected since:2h "a phrase"')
        )
        self.problem_label = PlainLabel(parent=self)
        self.problem_label.setObjectName("queryProblem")
        self.problem_label.setStyleSheet("color: #e53935;")
        self.problem_label.setWordWrap(True)
        # Messages quote what was typed: never read as markup.
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.hide()

        self._completions = CompletionListModel(self)
        self._completer = QCompleter(self._completions, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setWidget(self.edit)
        self._completer.activated[QModelIndex].connect(self._apply_completion)  # type: ignore[index]

        # The message goes under the line, so a long one never squeezes what is typed.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.problem_label)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._run)
        self.edit.textEdited.connect(self._edited)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.escape_pressed.connect(self.clear)
        self.edit.returnPressed.connect(self._run)

    # -- public -------------------------------------------------------------------------

    @property
    def text(self) -> str:
        return self.edit.text()

    @property
    def parsed(self) -> ParsedQuery:
        return self._parsed

    def set_known_values(self, *, profiles: list[str], events: list[str]) -> None:
        """Values offered after ``profile:`` and ``event:``."""
        self._profiles = sorted(profiles)
        self._events = sorted(events)

    def set_query(self, text: str) -> None:
        """Show ``text`` and run it now (a saved view was picked)."""
        self.edit.setText(text)
        self._run(force=True)

    def clear(self) -> None:
        popup = self._completer.popup()
        if popup is not None and popup.isVisible():
            popup.hide()
            return
        self.edit.clear()
        self._run()

    def show_refusal(self, message: str) -> None:
        """Say under the line why the store would not run the query (too costly, too
        slow); the next query clears it."""
        self.problem_label.setText(self.tr("The query was not run: %1").replace("%1", message))
        self.problem_label.show()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    # -- internals ----------------------------------------------------------------------

    def _edited(self, _text: str) -> None:
        self._debounce.start()
        self._offer_completions()

    def _text_changed(self, text: str) -> None:
        if not text and self._debounce.isActive():
            self._debounce.stop()
            self._run()

    def _safe_parse(self, text: str) -> ParsedQuery:
        try:
            return self._parse(text)
        except Exception as exc:  # a parser bug must not take the window down
            log.exception("query parser failed on %r", text)
            message = self.tr("Could not read this query: %1").replace("%1", str(exc))
            return ParsedQuery(EventFilter(), [QueryProblem(0, len(text), message)])

    def _run(self, force: bool = False) -> None:
        self._debounce.stop()
        text = self.edit.text()
        parsed = self._safe_parse(text)
        self._parsed = parsed
        self._show_problems(parsed.problems, parsed.notes)
        if not force and text == self._last_emitted:
            return
        self._last_emitted = text
        self.query_changed.emit(text, parsed)

    def _show_problems(self, problems: list[QueryProblem], notes: Sequence[str] = ()) -> None:
        self.edit.set_problems(problems)
        if problems:
            message = problems[0].message
            if len(problems) > 1:
                message = self.tr("%1 (and %n more)", "", len(problems) - 1).replace("%1", message)
            self.problem_label.setStyleSheet("color: #e53935;")
            self.problem_label.setText(message)
            self.problem_label.show()
            self.edit.setToolTip(tooltip("\n".join(problem.message for problem in problems)))
            popup = self._completer.popup()
            if popup is not None and popup.isVisible():
                layout = self.layout()
                if layout is not None:
                    layout.activate()  # the problem's place, for the popup to go under it
                self._offer_completions()
        elif notes:
            # How a valid query was read (order:300 means either system's order 300).
            self.problem_label.setStyleSheet("")
            text = "\n".join(translated_query_note(note) for note in notes)
            self.problem_label.setText(text)
            self.problem_label.show()
            self.edit.setToolTip(tooltip(text))
        else:
            self.problem_label.hide()
            self.problem_label.clear()
            self.edit.setToolTip("")

    def _offer_completions(self) -> None:
        text = self.edit.text()
        try:
            items = completions(
                text, self.edit.cursorPosition(), profiles=self._profiles, events=self._events
            )
        except Exception:
            log.exception("query completions failed on %r", text)
            items = []
        self._completions.set_completions(items)
        if items:
            rect = self.edit.rect()
            popup = self._completer.popup()
            widest = 0
            if popup is not None:
                metrics = popup.fontMetrics()
                widest = max(metrics.horizontalAdvance(shown(item.label)) for item in items) + 40
            # Under the word being completed, as wide as its longest label.
            left = self.edit._x_at(items[0].start) - 4
            rect.setLeft(max(0, int(left)))
            rect.setWidth(max(240, min(widest, 640)))
            if self.problem_label.isVisible():
                # Below the query's problem, which it would otherwise cover.
                below = self.problem_label.mapTo(self, self.problem_label.rect().bottomLeft())
                edge = self.edit.mapTo(self, self.edit.rect().bottomLeft())
                rect.setBottom(rect.bottom() + max(0, below.y() - edge.y()))
            self._completer.complete(rect)
        else:
            popup = self._completer.popup()
            if popup is not None:
                popup.hide()

    def _apply_completion(self, index: QModelIndex) -> None:
        item = self._completions.completion(index.row())
        if item is None:
            return
        text = self.edit.text()
        new_text = text[: item.start] + item.replacement + text[item.end :]
        self.edit.setText(new_text)
        self.edit.setCursorPosition(item.start + len(item.replacement))
        self._debounce.start()
