"""Text from outside the program on screen: events, the portal, the store, other operators.

Qt guesses the format of a label's, a tooltip's or a message box's text: whatever looks
like HTML is laid out as HTML. An event named ``<img src="/dev/zero">`` then makes the
window read /dev/zero until it dies of ``std::bad_alloc``, and
``<span style="color:green">verified, paid</span>`` paints a forged event's name as a
green verdict. Invisible characters make ``30\\u200b0`` read as order 300, and laying
out a 1 MB order id froze the window for seconds.

So the window shows outside text only through this module:

- :class:`PlainLabel` for every label that shows it (never parsed as markup; what it is
  given is capped and its invisible characters shown as escapes);
- :func:`shown` for a value put into any other text (item models, buttons, titles,
  the status bar): capped, invisible and control characters as ``\\u200b`` escapes;
- :func:`tooltip` for a tooltip that holds it (escaped inside markup of ours, since Qt
  has no way to say "this tooltip is plain text");
- :func:`markup_value` for a value quoted inside markup of ours;
- :func:`message_box` for a message box.

The full value stays where the operator copies it from: the Raw tab, "Copy value", cURL.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from console.core.sanitize import capped

# One value inside a line (an order id, an event name, a profile, a cell of a table).
LINE_LIMIT = 300
# A paragraph (an error message, a tooltip, a note).
TEXT_LIMIT = 4000


def shown(value: object, *, limit: int = LINE_LIMIT, one_line: bool = True) -> str:
    """``value`` as the window shows it: at most ``limit`` characters (then how many more
    there were), control and invisible characters as visible escapes, and on one line
    unless ``one_line`` is False."""
    head, omitted = capped(value, limit, one_line=one_line)
    if not omitted:
        return head
    return head + QCoreApplication.translate("Untrusted", "… (%n more characters)", "", omitted)


def markup_value(value: object, *, limit: int = LINE_LIMIT, one_line: bool = True) -> str:
    """``value`` to quote inside markup of ours: :func:`shown`, then HTML-escaped."""
    return escape(shown(value, limit=limit, one_line=one_line))


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as it is, whatever markup it holds.

    Qt lays out a tooltip as rich text when ``Qt::mightBeRichText`` says it may be; there
    is no plain-text switch. So the text is escaped and wrapped in markup of ours, which
    is always rich text: what the sender wrote is shown, never obeyed.
    """
    if not text:
        return ""
    body = markup_value(text, limit=TEXT_LIMIT, one_line=False)
    return f"<p style='white-space:pre-wrap'>{body}</p>"


class PlainLabel(QLabel):
    """A label that never reads its text as markup; what it is given is :func:`shown`.

    ``one_line``: newlines in the text are shown as ``\\n`` (a header, a table-like
    line); otherwise lines stay and the text may be as long as a paragraph.
    """

    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, one_line: bool = False
    ) -> None:
        super().__init__(parent)
        self._one_line = one_line
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:
        # A paragraph's cap: the values in ``text`` were cut to a line's already (shown()),
        # and cutting the sentence around them again would only add a second "…".
        super().setText(shown(text, limit=TEXT_LIMIT, one_line=self._one_line))


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
) -> QMessageBox:
    """A message box whose text is plain (the static helpers guess, as labels do)."""
    box = QMessageBox(
        icon, shown(title), shown(text, limit=TEXT_LIMIT, one_line=False), buttons, parent
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    if default != QMessageBox.StandardButton.NoButton:
        box.setDefaultButton(default)
    return box
