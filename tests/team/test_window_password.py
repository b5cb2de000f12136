"""The window asks for the team database's password when none is found, on a real cluster
and the real keyring: a wrong one keeps the dialog open, a right one is saved as
``store password`` saves it, and the console (with its child listener) then starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from console.core.settings import ListenerSettings, Settings, save_settings
from console.store.location import StoreLocation, parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres.password import (
    PasswordSource,
    find_password,
    forget_password,
)
from console.ui.app import WindowController
from console.ui.context import ConsoleContext
from console.ui.dialogs.store_password import StorePasswordDialog
from console.ui.views.main_window import MainWindow
from tests.support.postgres import PgCluster
from tests.ui.window_support import OFFSCREEN_NOISE

pytestmark = [OFFSCREEN_NOISE, pytest.mark.real_keyring]


@pytest.fixture
def no_password_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing but the keyring can hold the password: no variables, no ~/.pgpass."""
    monkeypatch.delenv("B24_STORE_PASSWORD", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


@pytest.fixture
def team_store(pg_cluster: PgCluster, pg_database: str) -> StoreLocation:
    location = parse_store_url(pg_database)
    PostgresEventStore(location, pg_cluster.password).close()  # the schema
    forget_password(location)
    yield location
    forget_password(location)


def test_a_wrong_password_keeps_the_dialog_open_and_a_right_one_is_saved(
    qtbot: QtBot, pg_cluster: PgCluster, team_store: StoreLocation, no_password_anywhere: None
) -> None:
    context = ConsoleContext(Settings())
    dialog = StorePasswordDialog(team_store, context.jobs, "needs a password")
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.password_edit.echoMode() is QLineEdit.EchoMode.Password
        dialog.connect_button.click()
        assert "Type the password" in dialog.error_label.text()

        dialog.password_edit.setText("not-" + pg_cluster.password)
        dialog.connect_button.click()
        qtbot.waitUntil(dialog.error_label.isVisible, timeout=15_000)
        assert "refused" in dialog.error_label.text()
        assert dialog.isVisible()
        assert dialog.password_edit.isEnabled()
        assert find_password(team_store).source is PasswordSource.LIBPQ  # nothing saved

        with qtbot.waitSignal(dialog.password_saved, timeout=15_000):
            dialog.password_edit.setText(pg_cluster.password)
            dialog.connect_button.click()
        assert not dialog.isVisible()
        assert pg_cluster.password not in dialog.error_label.text()
        saved = find_password(team_store)
        assert saved.source is PasswordSource.KEYRING
        assert saved.value == pg_cluster.password
    finally:
        context.jobs.shutdown()


def test_the_window_asks_then_opens_the_store_and_starts_its_listener(
    qtbot: QtBot, pg_cluster: PgCluster, team_store: StoreLocation, no_password_anywhere: None
) -> None:
    # The child listener reads the same settings file as the window: any free port.
    save_settings(Settings(listener=ListenerSettings(port=0)))
    context = ConsoleContext(Settings(listener=ListenerSettings(port=0)))
    window = MainWindow(context)
    qtbot.addWidget(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = WindowController(
        app,
        window,
        context,
        demo=False,
        store_path=team_store,
        store_url=team_store.url,
    )
    window.show()
    try:
        controller.start_console()
        qtbot.waitUntil(lambda: controller.password_dialog is not None, timeout=20_000)
        dialog = controller.password_dialog
        assert dialog is not None
        assert window.error_banner.isVisibleTo(window)
        assert "needs a password" in dialog.reason_label.text()

        dialog.password_edit.setText("wrong")
        dialog.connect_button.click()
        qtbot.waitUntil(dialog.error_label.isVisible, timeout=15_000)
        assert controller.password_dialog is dialog
        assert context.console is None

        dialog.password_edit.setText(pg_cluster.password)
        dialog.connect_button.click()
        qtbot.waitUntil(lambda: context.console is not None, timeout=60_000)
        assert controller.password_dialog is None
        assert not window.error_banner.isVisibleTo(window)
        console = context.console
        assert console is not None
        assert console.bind_error is None, console.bind_error
        # The child listener found the password in the keyring on its own.
        assert console.listener is not None
        assert console.listener.base_url.startswith("http://127.0.0.1:")
        assert context.store is not None and context.store.describe().shared
    finally:
        # What controller.quit() does, short of quitting the test's application.
        window.detach()
        context.jobs.shutdown()
        if context.console is not None:
            context.console.stop()


def test_cancelling_the_dialog_leaves_the_error_and_saves_nothing(
    qtbot: QtBot, team_store: StoreLocation, no_password_anywhere: None
) -> None:
    context = ConsoleContext(Settings())
    window = MainWindow(context)
    qtbot.addWidget(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = WindowController(app, window, context, demo=False, store_path=team_store)
    window.show()
    try:
        controller.start_console()
        qtbot.waitUntil(lambda: controller.password_dialog is not None, timeout=20_000)
        dialog = controller.password_dialog
        assert dialog is not None
        dialog.password_edit.setText("typed but not sent")
        dialog.reject()
        assert controller.password_dialog is None
        assert window.error_banner.isVisibleTo(window)
        assert "store password" in window.error_banner.text()
        assert "typed but not sent" not in window.error_banner.text()
        assert context.console is None
        assert find_password(team_store).source is PasswordSource.LIBPQ
    finally:
        window.detach()
        context.jobs.shutdown()
