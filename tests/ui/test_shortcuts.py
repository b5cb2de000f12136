"""No key is claimed twice where both claims apply (Qt would run neither), in the
window, on every page, in the inspector and in the dialogs; every mnemonic of the
profile dialog reaches its field, and no secret can be typed into a plain field."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from console.ui.context import ConsoleContext
from console.ui.dialogs.profile_edit import ProfileEditDialog
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow, default_factories
from tests.ui.loopback import LoopbackConsole
from tests.ui.shortcut_audit import ambiguous
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE


def full_window(qtbot: QtBot, context: ConsoleContext, tmp_path: Path) -> MainWindow:
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, factories=default_factories(), layout_store=layout)
    qtbot.addWidget(window)
    window.show()
    for index in range(window.pages.count()):
        window.page(index)
    return window


def test_no_key_is_claimed_twice_in_the_window(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    window = full_window(qtbot, context, tmp_path)
    assert window.inspector is not None
    clashes = ambiguous(window)
    assert clashes == [], "\n".join(clashes)
    window.detach()


def test_no_key_is_claimed_twice_in_the_dialogs(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole, tmp_path: Path
) -> None:
    window = full_window(qtbot, context, tmp_path)
    dialogs: list[QWidget] = [
        window.open_settings(),
        window.open_bind("", ""),
        window.open_change_status("", ""),
        window.show_shortcuts(),
        window.show_about(),
        ProfileEditDialog(context, console.profiles, None, window),
    ]
    for dialog in dialogs:
        dialog.show()
        clashes = ambiguous(dialog)
        assert clashes == [], "\n".join([type(dialog).__name__, *clashes])
    window.detach()
