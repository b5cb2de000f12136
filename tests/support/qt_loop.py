"""Running Qt's event loop from scripts (benchmarks, screenshots) as the application would."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer


def run_until(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Run the event loop until ``condition()`` holds or ``timeout`` seconds pass."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout

    def check() -> None:
        if condition() or time.monotonic() > deadline:
            loop.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(20)
    if not condition():
        loop.exec()
    poll.stop()
    return condition()


def run_for(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
