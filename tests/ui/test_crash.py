"""The crash dialog: an exception in a slot or a thread is logged, redacted and shown once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from console.core.logging import close_file_logging, configure_file_logging, register_secret
from console.core.masking import MASK
from console.core.paths import log_dir
from console.ui.crash import CrashReporter, crash_text
from console.ui.dialogs.crash import CrashDialog
from tests.support.queued import deliver_queued
from tests.support.secret_spellings import (
    SPELLING_NAMES,
    horoshop_secret_in_keyring,
    leaked,
    spellings,
)
from tests.ui.window_support import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE

SECRET = "app-token-5f1c0e9a7d3b2c4e"
WEBHOOK = "https://shop.bitrix24.ua/rest/1/q9w8e7r6t5y4/sale.order.get"


class Sender(QObject):
    poke = Signal()


class OpenedUrls(QObject):
    """Where QDesktopServices sends file URLs during a test: the desktop's file manager is
    not the part under test, and opening it would start a process."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened_urls() -> Iterator[OpenedUrls]:
    receiver = OpenedUrls()
    QDesktopServices.setUrlHandler("file", receiver, "open")
    try:
        yield receiver
    finally:
        QDesktopServices.unsetUrlHandler("file")


@pytest.fixture
def reporter(qtbot: QtBot) -> Iterator[CrashReporter]:
    window = QWidget()
    qtbot.addWidget(window)
    configure_file_logging(logging.INFO)
    crash_reporter = CrashReporter(window)
    crash_reporter.install()
    try:
        yield crash_reporter
    finally:
        crash_reporter.uninstall()
        if crash_reporter.dialog is not None:
            crash_reporter.dialog.close()
        close_file_logging()


def failing_slot() -> None:
    raise RuntimeError(f"portal refused token {SECRET} at {WEBHOOK}")


def dialogs(reporter: CrashReporter) -> list[CrashDialog]:
    window = reporter._window
    assert window is not None
    return [d for d in window.findChildren(CrashDialog) if d.isVisible()]


def test_a_slot_that_raises_opens_the_dialog_with_the_redacted_traceback(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    register_secret(SECRET)  # as the credential store does for every secret it reads
    sender = Sender()
    sender.poke.connect(failing_slot)
    QTimer.singleShot(0, sender.poke.emit)
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    dialog = reporter.dialog
    assert dialog is not None and dialog.isVisible()
    summary = dialog.summary_label.text()
    assert summary.startswith("RuntimeError: portal refused token ")
    details = dialog.details_view.toPlainText()
    assert "Traceback (most recent call last)" in details and "in failing_slot" in details
    for text in (summary, details):
        assert SECRET not in text and "q9w8e7r6t5y4" not in text and MASK in text

    written = (log_dir() / "b24-console.log").read_text(encoding="utf-8")
    assert "CRITICAL console.ui.crash: unhandled exception: RuntimeError" in written
    assert "in failing_slot" in written
    assert SECRET not in written and "q9w8e7r6t5y4" not in written


@pytest.mark.real_keyring
@pytest.mark.parametrize("spelling", SPELLING_NAMES)
def test_the_crash_text_masks_a_secret_in_every_spelling(spelling: str) -> None:
    with horoshop_secret_in_keyring() as secret:
        spelled = spellings(secret)[spelling]

    def call_storefront() -> None:
        raise RuntimeError(f"the storefront answered {spelled}")

    try:
        try:
            call_storefront()
        except RuntimeError as cause:
            raise ConnectionError("replay failed", spelled) from cause
    except ConnectionError as error:
        summary, details = crash_text(error)

    for text in (summary, details):
        assert leaked(text, secret) == [] and MASK in text
    assert "RuntimeError: the storefront answered" in details


def test_crashes_while_the_dialog_is_open_are_counted_not_stacked(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(failing_slot)
    timer.start()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.later_crashes >= 20)
    timer.stop()
    deliver_queued(qtbot)  # the crashes already queued for the GUI thread arrive
    assert len(dialogs(reporter)) == 1
    dialog = reporter.dialog
    assert dialog is not None
    assert dialog.later_label.isVisible()
    assert f"{dialog.later_crashes} more error" in dialog.later_label.text()
    # A crash loop does not fill the log: only the first few while open are written out.
    written = (log_dir() / "b24-console.log").read_text(encoding="utf-8")
    assert 1 < written.count("unhandled exception") <= 11

    dialog.close()
    qtbot.waitUntil(lambda: reporter.dialog is None)
    deliver_queued(qtbot)
    assert reporter.dialog is None  # closing it does not bring back the ones it counted
    QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert reporter.dialog is not None and reporter.dialog.later_crashes == 0


def test_a_worker_thread_crash_is_shown_on_the_gui_thread(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    def work() -> None:
        raise ValueError("the worker lost its way")

    thread = threading.Thread(target=work, name="export-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    assert reporter.dialog is not None
    assert reporter.dialog.summary_label.text() == "ValueError: the worker lost its way"
    written = (log_dir() / "b24-console.log").read_text(encoding="utf-8")
    assert "unhandled exception in export-worker: ValueError" in written


def test_copy_puts_the_redacted_details_on_the_clipboard_and_the_logs_open(
    qtbot: QtBot, reporter: CrashReporter, opened_urls: OpenedUrls
) -> None:
    register_secret(SECRET)
    QTimer.singleShot(0, failing_slot)
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    dialog = reporter.dialog
    assert dialog is not None
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert copied == dialog.details_view.toPlainText() and SECRET not in copied
    dialog.open_logs_button.click()
    assert [url.toLocalFile() for url in opened_urls.urls] == [str(log_dir())]
    assert Path(log_dir()).is_dir()


def test_ctrl_c_is_not_a_crash(reporter: CrashReporter) -> None:
    import sys

    seen: list[type[BaseException]] = []
    reporter._previous_hook = lambda kind, error, trace: seen.append(kind)
    sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert seen == [KeyboardInterrupt] and reporter.dialog is None


def test_uninstall_gives_the_hooks_back(qtbot: QtBot) -> None:
    import sys

    before, before_thread = sys.excepthook, threading.excepthook
    crash_reporter = CrashReporter()
    crash_reporter.install()
    assert sys.excepthook != before
    crash_reporter.uninstall()
    assert sys.excepthook == before and threading.excepthook == before_thread


def test_a_dialog_that_cannot_be_made_leaves_the_crashes_to_the_log(qtbot: QtBot) -> None:
    """The window it would sit on is gone: no loop through the hook, the log has it all."""
    import shiboken6

    window = QWidget()
    crash_reporter = CrashReporter(window)
    shiboken6.delete(window)
    configure_file_logging(logging.INFO)
    crash_reporter.install()
    try:
        QTimer.singleShot(0, failing_slot)
        QTimer.singleShot(10, failing_slot)
        log_file = log_dir() / "b24-console.log"
        qtbot.waitUntil(
            lambda: log_file.read_text(encoding="utf-8").count("unhandled exception") == 2
        )
        deliver_queued(qtbot)  # both crashes reach the dialog that cannot be made
    finally:
        crash_reporter.uninstall()
        close_file_logging()
    written = log_file.read_text(encoding="utf-8")
    assert crash_reporter.dialog is None
    assert written.count("the crash dialog cannot be shown") == 1
    assert written.count("unhandled exception") == 2
