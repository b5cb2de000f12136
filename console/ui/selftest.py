"""The self-test's window check: a Qt window is created, shown and grabbed, off screen.

Uses the offscreen platform unless ``QT_QPA_PLATFORM`` names another, so the check runs
without a display (CI, a bundle smoke test) and does not flash a window on a desktop.
Importing this module imports Qt: the command line treats an ImportError as the check's
failure.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from console.selftest import Check, CheckFailed

log = logging.getLogger(__name__)

WINDOW_CHECK = "window"
_WINDOW_SIZE = (320, 200)


def check_window() -> str:
    """Create, show and grab a window; its Qt version, platform and the grabbed size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The window's own modules load too: a bundle missing one of them fails here, not in
    # front of the operator.
    import console.ui.views.main_window  # noqa: F401

    with _qt_messages() as messages:
        try:
            return _show_and_grab()
        except CheckFailed as exc:
            if messages:
                exc.why += f" (Qt said: {' / '.join(messages[-3:])})"
            raise


@contextmanager
def _qt_messages() -> Iterator[list[str]]:
    """Qt's own messages while the check runs, quoted in a failure rather than on stderr.

    The offscreen platform warns about features it lacks on every window it shows: noise
    for a check whose point is that the window works.
    """
    messages: list[str] = []

    def keep(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        del context
        if kind != QtMsgType.QtDebugMsg:
            messages.append(text)
        log.debug("Qt: %s", text)

    previous = qInstallMessageHandler(keep)
    try:
        yield messages
    finally:
        qInstallMessageHandler(previous)


def _show_and_grab() -> str:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["b24-console"])
    window = QMainWindow()
    try:
        title = QCoreApplication.translate("SelfTest", "b24-console self-test")
        window.setWindowTitle(title)
        window.setCentralWidget(QLabel(title))
        window.resize(*_WINDOW_SIZE)
        window.show()
        app.processEvents()
        picture = window.grab()
        if picture.isNull() or picture.width() <= 0 or picture.height() <= 0:
            raise CheckFailed(
                f"a window was shown on the {app.platformName()} platform but grabbing it "
                "gave no picture",
                "check the graphics libraries (libgl1 libegl1) or try QT_QPA_PLATFORM=offscreen",
            )
        size = f"{picture.width()}x{picture.height()}"
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
    return (
        f"Qt {qVersion()} on the {app.platformName()} platform: created, showed and "
        f"grabbed a window ({size})"
    )


def window_check() -> Check:
    return Check(
        WINDOW_CHECK,
        check_window,
        "check the Qt platform plugin and graphics libraries (QT_DEBUG_PLUGINS=1 names the "
        "one missing), or run with QT_QPA_PLATFORM=offscreen",
    )
