"""The dialog an unhandled exception opens: what happened, the traceback, copy it, the logs.

The text it is given is already redacted (see :mod:`console.ui.crash`); the dialog only
shows it. While it is open, later crashes are counted on it instead of opening another.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.ui.folders import open_folder


class CrashDialog(QDialog):
    """Shows one crash; :meth:`add_later_crash` counts the ones that follow while open."""

    def __init__(self, summary: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("b24-console ran into a problem"))
        self.details = details
        self.later_crashes = 0

        headline = QLabel(
            self.tr(
                "Something went wrong inside b24-console. The window keeps running; if it "
                "behaves oddly, restart it. Events the listener has accepted are already "
                "stored."
            )
        )
        headline.setWordWrap(True)
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName("crashSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.summary_label.font()
        bold.setBold(True)
        self.summary_label.setFont(bold)
        self.details_view = QPlainTextEdit(details)
        self.details_view.setObjectName("crashDetails")
        self.details_view.setReadOnly(True)
        self.details_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.later_label = QLabel()
        self.later_label.setObjectName("crashLater")
        self.later_label.hide()
        hint = QLabel(
            self.tr(
                "Secrets are masked in this text. The log file has it too; send it, or the "
                "copied text, to whoever looks after this console."
            )
        )
        hint.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("&Copy details"))
        self.copy_button.setObjectName("crashCopy")
        self.open_logs_button = QPushButton(self.tr("Open &log folder"))
        self.open_logs_button.setObjectName("crashOpenLogs")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_details)
        self.open_logs_button.clicked.connect(self.open_log_folder)

        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(self.later_label)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def add_later_crash(self) -> None:
        """Another unhandled exception came while this dialog was open: count it here."""
        self.later_crashes += 1
        self.later_label.setText(
            self.tr(
                "%n more errors happened after this one; the log file has each of them.",
                "",
                self.later_crashes,
            )
        )
        self.later_label.show()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))

    def open_log_folder(self) -> None:
        from console.core.paths import log_dir

        open_folder(log_dir(), self)
