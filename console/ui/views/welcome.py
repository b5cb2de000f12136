"""Shown above the feed when no portal is connected: connect one, or try the demo."""

from __future__ import annotations

from PySide6.QtCore import QProcess, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.core.program import own_command


def demo_command() -> tuple[str, list[str]]:
    """The program and arguments that start the window demo in a new process."""
    program, *arguments = own_command()
    return program, [*arguments, "--demo"]


class WelcomePanel(QFrame):
    """Two choices for a console with no profile; the store's events still show below it.

    Signals: ``demo_started(bool)`` (whether the new process could be started);
    ``connect_requested()`` (the window opens Connections → Add).
    """

    demo_started = Signal(bool)
    connect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(self.tr("<b>Welcome to b24-console</b>"), self)
        intro = QLabel(
            self.tr(
                "No portal is connected yet, so no events can arrive. Events already in the "
                "store are listed below."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.connect_button = QPushButton(self.tr("Connect a portal…"), self)
        self.connect_button.clicked.connect(self.connect_requested.emit)
        self.demo_button = QPushButton(self.tr("Try the demo"), self)
        self.demo_button.clicked.connect(self.start_demo)
        self.help_label = QLabel(self)
        self.help_label.setWordWrap(True)
        self.help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.help_label.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.connect_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.help_label)

    def start_demo(self) -> None:
        program, arguments = demo_command()
        started, _pid = QProcess.startDetached(program, arguments)
        self.demo_started.emit(bool(started))
        if not started:
            self.help_label.setText(
                self.tr("The demo could not be started. Run <code>b24-console --demo</code>.")
            )
            self.help_label.show()
