"""Guards against Qt bindings that break under many signal emits.

PySide6 6.12.0 on Python 3.11 drops a reference to ``True`` on every ``emit()`` and aborts
the process after a few hundred (see ENVIRONMENT.md). A bad release makes this test crash.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot


class Pinger(QObject):
    pinged = Signal(int, bool)


def test_thousands_of_emits_keep_the_interpreter_alive(qtbot: QtBot) -> None:
    pinger = Pinger()
    received: list[int] = []
    pinger.pinged.connect(lambda n, flag: received.append(n) if flag else None)
    true_refs_before = sys.getrefcount(True)
    for n in range(5000):
        pinger.pinged.emit(n, True)
    assert received == list(range(5000))
    # Immortal on 3.12+, so only meaningful on 3.11; a leak of one per emit shows as thousands.
    assert sys.getrefcount(True) > true_refs_before - 100
