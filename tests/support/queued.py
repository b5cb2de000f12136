"""Waiting for what is already queued on the GUI thread, instead of for a guessed time."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from pytestqt.qtbot import QtBot


class _Relay(QObject):
    passed = Signal()


def deliver_queued(qtbot: QtBot, timeout_ms: int = 5000) -> None:
    """Run the event loop until everything posted to the GUI thread before this call
    (queued signals, posted events) has been delivered.

    A queued signal posted now is delivered after all of them (posted events of one
    priority keep their order), so its arrival is the moment they have all arrived: what
    a test then finds missing did not arrive, rather than had not arrived yet.
    """
    sender, receiver = _Relay(), _Relay()
    sender.passed.connect(receiver.passed, Qt.ConnectionType.QueuedConnection)
    with qtbot.waitSignal(receiver.passed, timeout=timeout_ms):
        sender.passed.emit()


def settle_jobs(qtbot: QtBot, runner: QObject, timeout_ms: int = 10_000) -> None:
    """Wait until every job ``runner`` (a :class:`console.ui.jobs.JobRunner`) started has
    finished and what each handed back has been delivered on the GUI thread.

    For tests that check a stale or cancelled result never shows: after this, it had
    every chance to.
    """
    pool = runner.findChild(QThreadPool)
    assert pool is not None, "the job runner keeps its threads in a QThreadPool child"
    assert pool.waitForDone(timeout_ms), "a job still runs"
    deliver_queued(qtbot, timeout_ms)
