"""What the window's pages share: a title row, a status line and loading on first show."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from console.ui.dialogs.form_support import ERROR_STYLE
from console.ui.untrusted import PlainLabel, message_box

Confirm = Callable[[QWidget, str, str], bool]


def ask(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question; No is the default so Enter never deletes by accident."""
    box = message_box(
        parent,
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return box.exec() == QMessageBox.StandardButton.Yes


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * 1.25)
    label.setFont(font)
    return label


class StatusLine(PlainLabel):
    """One line under a page's table: what is shown, or what went wrong (in red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)

    def fail(self, text: str) -> None:
        self.setStyleSheet(ERROR_STYLE)
        self.setText(text)
