"""Help → About and Help → Open log folder."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QSettings, QUrl, qVersion
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from console.core.paths import log_dir
from console.core.settings import Settings
from console.core.versions import program_version
from console.ui.context import ConsoleContext
from console.ui.dialogs.about import AboutDialog
from console.ui.jobs import JobRunner
from console.ui.settings import LayoutStore
from console.ui.views.main_window import MainWindow
from tests.ui.test_crash import OpenedUrls, opened_urls
from tests.ui.window_support import OFFSCREEN_NOISE

pytestmark = OFFSCREEN_NOISE
__all__ = ["opened_urls"]


def about(qtbot: QtBot, jobs: JobRunner) -> AboutDialog:
    dialog = AboutDialog(jobs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.keyring_label.text() != "checking…")
    return dialog


def test_about_names_versions_and_the_keyring(qtbot: QtBot, jobs: JobRunner) -> None:
    dialog = about(qtbot, jobs)
    texts = [label.text() for label in dialog.findChildren(type(dialog.qt_label))]
    assert any(f"b24-console {program_version()}" in text for text in texts)
    assert dialog.qt_label.text().startswith(f"Qt {qVersion()} (PySide6 ")
    assert dialog.python_label.text().startswith(platform.python_version())
    # The in-memory keyring of the test suite, named as the console sees it.
    assert dialog.keyring_label.text().endswith("MemoryKeyring")


def test_about_says_why_the_keyring_is_not_usable(qtbot: QtBot, jobs: JobRunner) -> None:
    keyring.set_keyring(fail.Keyring())
    dialog = about(qtbot, jobs)
    assert dialog.keyring_label.text().startswith("not usable: no OS keyring is available")


@pytest.mark.parametrize(
    ("key", "variable"),
    [
        ("data", "B24_CONSOLE_DATA_DIR"),
        ("config", "B24_CONSOLE_CONFIG_DIR"),
        ("log", "B24_CONSOLE_LOG_DIR"),
    ],
)
def test_each_folder_opens_with_one_click(
    qtbot: QtBot, jobs: JobRunner, opened_urls: OpenedUrls, key: str, variable: str
) -> None:
    dialog = about(qtbot, jobs)
    link = dialog.folder_labels[key]
    path = os.environ[variable]
    assert path in link.text()
    # What a click on the link does: Qt emits the href.
    link.linkActivated.emit(QUrl.fromLocalFile(path).toString())
    assert [url.toLocalFile() for url in opened_urls.urls] == [path]
    assert Path(path).is_dir()  # made if it was not there yet


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    context = ConsoleContext(Settings())
    layout = LayoutStore(QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat))
    main_window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(main_window)
    try:
        yield main_window
    finally:
        context.jobs.shutdown()


def test_help_menu_has_about_and_the_log_folder(
    qtbot: QtBot, window: MainWindow, opened_urls: OpenedUrls
) -> None:
    help_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&Help"
    )
    names = [action.objectName() for action in help_menu.actions() if action.objectName()]
    assert names == ["shortcuts", "openLogFolder", "about"]
    window.about_action.trigger()
    shown = [d for d in window.findChildren(QDialog) if isinstance(d, AboutDialog)]
    assert len(shown) == 1 and shown[0].isVisible()
    qtbot.waitUntil(lambda: shown[0].keyring_label.text() != "checking…")
    shown[0].close()
    window.open_log_folder_action.trigger()
    assert [url.toLocalFile() for url in opened_urls.urls] == [str(log_dir())]
