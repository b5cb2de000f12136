"""A one-line label that is cut with "…" (its whole text in the tooltip), never mid-word
without a mark, and that can fall back to a shorter wording before it is cut at all."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from console.ui.untrusted import TEXT_LIMIT, shown, tooltip

ELLIPSIS = "…"


class ElidedLabel(QLabel):
    """Shows its whole text where there is room; else ``compact`` (when given and it fits),
    else the text cut with "…". Whenever something is left out the tooltip has it all.

    Its minimum width is ``compact``'s (so a port or a count in it is never cut), or one
    "…" when there is none: a long text never sets the window's minimum width.
    ``text()`` is always the whole text. ``keep_whole``: never cut (a count), the
    minimum width is the whole text's.

    What it shows often quotes the outside (an error, a host name): the text is
    :func:`~console.ui.untrusted.shown` and never read as markup, and ``setToolTip``
    takes plain text, which the label escapes itself (:func:`~console.ui.untrusted.tooltip`).
    """

    def __init__(self, parent: QWidget | None = None, *, keep_whole: bool = False) -> None:
        super().__init__(parent)
        self._keep_whole = keep_whole
        self._full = ""
        self._compact = ""
        self._tooltip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)

    # -- text ---------------------------------------------------------------------------

    def setText(self, text: str) -> None:
        self.set_text(text)

    def set_text(self, text: str, compact: str = "") -> None:
        self._full = shown(text, limit=TEXT_LIMIT)
        self._compact = shown(compact, limit=TEXT_LIMIT)
        self.updateGeometry()
        self._fit()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What is painted now (the whole text, the compact one, or the text cut)."""
        return super().text()

    @property
    def elided(self) -> bool:
        return self.shown_text() != self._full

    def setToolTip(self, text: str) -> None:
        self._tooltip = text
        self._fit()

    # -- size ---------------------------------------------------------------------------

    def _text_width(self, text: str) -> int:
        margins = self.contentsMargins()
        extra = margins.left() + margins.right() + 2 * self.margin() + 2
        return self.fontMetrics().horizontalAdvance(text) + extra

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._text_width(self._full), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        shortest = self._full if self._keep_whole else (self._compact or ELLIPSIS)
        return QSize(self._text_width(shortest), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin() - 2
        metrics = self.fontMetrics()
        shown = self._full
        if metrics.horizontalAdvance(shown) > room:
            if self._compact and metrics.horizontalAdvance(self._compact) <= room:
                shown = self._compact
            else:
                shown = metrics.elidedText(
                    self._compact or self._full, Qt.TextElideMode.ElideRight, max(room, 0)
                )
                if not shown:
                    shown = ELLIPSIS
        super().setText(shown)
        tip = self._tooltip
        if shown != self._full and self._full not in tip:
            tip = f"{self._full}\n{tip}" if tip else self._full
        super().setToolTip(tooltip(tip))
