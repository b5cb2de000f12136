"""No key is claimed twice where both claims apply (Qt would run neither), in the
window, on every page, in the inspector and in the dialogs; every mnemonic of the
profile dialog reaches its field, and no secret can be typed into a plain field."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from console.ui.context import ConsoleContext
from console.ui.dialogs.profile_edit import ProfileEditDialog
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow, default_factories
from tests.ui.loopback import LoopbackConsole
from tests.ui.shortcut_audit import ambiguous, mnemonic_of
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


def _focus_chain(widget: QWidget) -> list[QWidget]:
    chain = [widget]
    while chain[-1].focusProxy() is not None:
        proxy = chain[-1].focusProxy()
        assert proxy is not None
        chain.append(proxy)
    return chain


@pytest.mark.parametrize("mode", ["webhook", "oauth"])
def test_every_mnemonic_of_the_profile_dialog_reaches_its_field(
    qtbot: QtBot, context: ConsoleContext, console: LoopbackConsole, mode: str
) -> None:
    dialog = ProfileEditDialog(context, console.profiles, None)
    qtbot.addWidget(dialog)
    if mode == "oauth":
        dialog.mode_combo.setCurrentIndex(1)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    secrets = {id(field.edit) for field in dialog.findChildren(type(dialog.webhook))}
    labels = [
        label
        for label in dialog.findChildren(QLabel)
        if label.buddy() is not None and label.isVisible() and mnemonic_of(label.text())
    ]
    assert len(labels) >= 6
    for label in labels:
        buddy = label.buddy()
        assert buddy is not None
        letter = (mnemonic_of(label.text()) or "").rsplit("+", 1)[1]
        dialog.name_edit.setFocus()
        QTest.keyClick(
            dialog.name_edit, getattr(Qt.Key, f"Key_{letter}"), Qt.KeyboardModifier.AltModifier
        )
        focused = QApplication.focusWidget()
        assert focused in _focus_chain(buddy), (label.text(), focused)
        if isinstance(focused, QLineEdit) and id(focused) in secrets:
            QTest.keyClicks(focused, "s3cret")
            assert focused.echoMode() == QLineEdit.EchoMode.Password
            assert "s3cret" not in dialog.portal_edit.text()
            assert "s3cret" not in dialog.name_edit.text()
            focused.clear()


def test_every_menu_item_has_a_mnemonic_of_its_own(
    qtbot: QtBot, context: ConsoleContext, tmp_path: Path
) -> None:
    window = full_window(qtbot, context, tmp_path)
    for title_action in window.menuBar().actions():
        menu = title_action.menu()
        assert menu is not None and mnemonic_of(title_action.text())
        letters = [
            mnemonic_of(action.text())
            for action in menu.actions()
            if not action.isSeparator() and not action.text().startswith("Show the ")
        ]
        assert None not in letters, (title_action.text(), [a.text() for a in menu.actions()])
        assert len(letters) == len(set(letters)), title_action.text()
    window.detach()


def test_a_translated_menu_keeps_a_latin_mnemonic() -> None:
    from console.ui.language import latin_mnemonic

    assert latin_mnemonic("&Файл", "&File") == "Файл (&F)"
    assert latin_mnemonic("По&дія", "&Event") == "Подія (&E)"
    assert latin_mnemonic("&File", "&File") == "&File"
    assert latin_mnemonic("Дані && &звіт", "&Data") == "Дані && звіт (&D)"
