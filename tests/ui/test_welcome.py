"""The welcome panel's "Connect a portal…" opens Connections → Add, and a profile added
there works at once: the panel hides, the listener child starts its catch-up and the
status bar shows the portal, all without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from console.core.settings import ListenerSettings, Settings, save_settings
from console.sandbox import SandboxConfig, SandboxPortal
from console.session import WindowSession, start_window_session
from console.ui.context import ConsoleContext
from console.ui.dialogs.profile_edit import ProfileEditDialog
from console.ui.settings import LayoutStore
from console.ui.views.connections import ConnectionsPage
from console.ui.views.main_window import CONNECTIONS_PAGE, MainWindow
from tests.ui.window_support import OFFSCREEN_NOISE

# The listener is a child process: it reads the profiles' secrets from the real keyring.
pytestmark = [OFFSCREEN_NOISE, pytest.mark.real_keyring]


@pytest.fixture
def window_session(tmp_path: Path) -> Iterator[WindowSession]:
    save_settings(Settings(listener=ListenerSettings(port=0)))
    data_dir = tmp_path / "data-dir"
    session = start_window_session(
        ListenerSettings(port=0), store_path=data_dir / "events.sqlite3", data_dir=data_dir
    )
    try:
        yield session
    finally:
        session.stop()


def test_connect_a_portal_adds_a_profile_that_works_without_a_restart(
    qtbot: QtBot, window_session: WindowSession, tmp_path: Path
) -> None:
    context = ConsoleContext(Settings())
    context.attach(window_session)
    layout = LayoutStore(QSettings(str(tmp_path / "l.ini"), QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    window.show()
    name = "welcome-shop"
    try:
        with SandboxPortal(SandboxConfig(port=0)) as portal:
            assert window.welcome.isVisible()
            window.welcome.connect_button.click()
            assert window.pages.currentIndex() == CONNECTIONS_PAGE
            page = window.pages.currentWidget()
            assert isinstance(page, ConnectionsPage)
            dialog = page.dialog
            assert isinstance(dialog, ProfileEditDialog) and dialog.isVisible()
            assert "not built yet" not in window.welcome.help_label.text()

            dialog.name_edit.setText(name)
            dialog.portal_edit.setText(portal.base_url)
            dialog.webhook.setText(portal.webhook_url)
            dialog.app_token.setText("t" * 32)
            with qtbot.waitSignal(page.profiles_changed, timeout=20000):
                dialog.save()

            qtbot.waitUntil(lambda: not window.welcome.isVisible(), timeout=20000)
            # The running listener polls the new portal: no restart needed.
            qtbot.waitUntil(
                lambda: (
                    name in window_session.child.catch_ups
                    and window_session.child.catch_ups[name].last_report is not None
                ),
                timeout=30000,
            )
            window.status.refresh_snapshot()
            qtbot.waitUntil(
                lambda: f"{name}: ok" in window.status.portal_label.text(), timeout=20000
            )
            assert "Catch-up off" not in window.status.catch_up_label.text()
    finally:
        window.detach()
        context.jobs.shutdown()
        if window_session.profiles.exists(name):
            window_session.profiles.remove(name)
