"""The Connections page: profiles through the core save function (in-memory keyring), the
keyring panel, the connection test, handler URLs and the settings dialog."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from console.core.credentials import SecretKind
from console.core.profiles import ProfileField
from console.core.settings import load_settings
from console.sandbox import SandboxPortal
from console.ui import language
from console.ui.context import ConsoleContext
from console.ui.dialogs.profile_edit import ProfileEditDialog
from console.ui.dialogs.settings_dialog import SettingsDialog
from console.ui.views.connections import MASK, ConnectionsPage
from tests.listener.conftest import HOROSHOP_SECRET
from tests.ui.loopback import PROFILE, LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE

WEBHOOK = "https://second.bitrix24.ua/rest/7/abcdefgh12345678/"


@pytest.fixture
def page(context: ConsoleContext, qtbot: QtBot) -> Iterator[ConnectionsPage]:
    made = ConnectionsPage(context)
    qtbot.addWidget(made)
    made.show()
    with qtbot.waitSignal(made.loaded, timeout=10000):
        made.activate()
    yield made


def _dialog(page: ConnectionsPage, *, edit: bool = False) -> ProfileEditDialog:
    dialog = page.edit_current() if edit else page.add()
    assert isinstance(dialog, ProfileEditDialog)
    return dialog


def test_add_edit_default_remove_through_the_core_function(
    page: ConnectionsPage, console: LoopbackConsole, qtbot: QtBot, qtmodeltester: object
) -> None:
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    repo = console.profiles
    dialog = _dialog(page)
    dialog.name_edit.setText("second")
    dialog.portal_edit.setText("https://other.bitrix24.ua")
    dialog.webhook.setText(WEBHOOK)
    assert dialog.webhook.edit.echoMode() == dialog.webhook.edit.EchoMode.Password
    dialog.webhook.reveal.click()
    assert dialog.webhook.edit.echoMode() == dialog.webhook.edit.EchoMode.Normal
    assert dialog.app_token_warning.isVisibleTo(dialog)
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.problems), timeout=10000)
    assert "not the portal" in dialog.problems["webhook_url"]
    assert dialog.field_problems[ProfileField.WEBHOOK_URL].isVisibleTo(dialog)
    assert not repo.exists("second")
    dialog.portal_edit.setText("https://second.bitrix24.ua")
    dialog.app_token.setText("t" * 32)
    assert not dialog.app_token_warning.isVisibleTo(dialog)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        dialog.save()
    assert repo.get("second").webhook_user_id == 7
    assert repo.secret("second", SecretKind.WEBHOOK_CODE) == "abcdefgh12345678"
    assert repo.secret("second", SecretKind.APPLICATION_TOKEN) == "t" * 32
    assert page.current() is not None and page.current().name == "second"  # type: ignore[union-attr]

    edit = _dialog(page, edit=True)
    qtbot.waitUntil(lambda: edit.webhook.text() == WEBHOOK, timeout=10000)
    assert edit.app_token.text() == "t" * 32 and edit.name_edit.isReadOnly()
    edit.horoshop.setText("h" * 24)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        edit.save()
    assert repo.secret("second", SecretKind.HOROSHOP_SECRET) == "h" * 24
    assert repo.secret("second", SecretKind.WEBHOOK_CODE) == "abcdefgh12345678"

    page.select("second")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.make_default()
    assert load_settings().default_profile == "second" and page.model.default == "second"
    assert page.model.index(page.model.row_of("second") or 0, 0).data() == "★"

    page.confirm = lambda *_a: False
    page.remove_current()
    assert repo.exists("second")
    page.confirm = lambda *_a: True
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.remove_current()
    assert not repo.exists("second") and repo.secret("second", SecretKind.HOROSHOP_SECRET) is None


def test_name_and_portal_problems_show_together(page: ConnectionsPage, qtbot: QtBot) -> None:
    dialog = _dialog(page)
    dialog.name_edit.setText("bad name!")
    dialog.portal_edit.setText("not a url")
    dialog.check()
    assert set(dialog.problems) == {"name", "portal_url"}
    assert dialog.field_problems[ProfileField.PORTAL_URL].isVisibleTo(dialog)


def test_keyring_unavailable_shows_the_panel(page: ConnectionsPage, qtbot: QtBot) -> None:
    assert not page.keyring_panel.isVisibleTo(page)
    assert "not the operating system's keychain" in page.backend_label.text()  # memory keyring
    keyring.set_keyring(fail.Keyring())
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.reload()
    assert page.keyring_panel.isVisibleTo(page)
    assert "locked or unavailable" in page.keyring_text.text()
    assert page.model.rowCount() == 1  # profiles are still listed


def test_connection_test_lists_each_probe(
    page: ConnectionsPage, portal: SandboxPortal, qtbot: QtBot
) -> None:
    page.select(PROFILE)
    with qtbot.waitSignal(page.tested, timeout=10000):
        page.test_connection()
    assert page.report is not None and page.report.ok
    assert page.test_result.text().count("✓") == 2
    portal.api.commercial_plan = False
    try:
        with qtbot.waitSignal(page.tested, timeout=10000):
            page.test_connection()
    finally:
        portal.api.commercial_plan = True
    assert page.test_result.text().count("✗") == 2 and "commercial" in page.test_result.text()


def test_handler_urls_copy_and_secret_only_on_request(
    page: ConnectionsPage, console: LoopbackConsole, qtbot: QtBot
) -> None:
    page.select(PROFILE)
    base = console.server.base_url
    assert page.bitrix_url.text() == f"{base}/bitrix/{PROFILE}"
    page.bitrix_copy.click()
    assert QGuiApplication.clipboard().text() == f"{base}/bitrix/{PROFILE}"
    assert (
        page.horoshop_url.text().endswith(MASK) and HOROSHOP_SECRET not in page.horoshop_url.text()
    )
    page.horoshop_show.click()
    qtbot.waitUntil(lambda: HOROSHOP_SECRET in page.horoshop_url.text(), timeout=10000)
    assert page.horoshop_url.text() == f"{base}/horoshop/{HOROSHOP_SECRET}"
    # Shown from its start, scheme and all, however narrow the field.
    assert page.horoshop_url.cursorPosition() == 0 and page.bitrix_url.cursorPosition() == 0
    page.horoshop_show.click()
    assert page.horoshop_url.text().endswith(MASK)
    QGuiApplication.clipboard().clear()
    page.copy_horoshop()
    qtbot.waitUntil(lambda: HOROSHOP_SECRET in QGuiApplication.clipboard().text(), timeout=10000)


def test_settings_dialog_round_trip(context: ConsoleContext, qtbot: QtBot) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    port = dialog.editors[("listener", "port")]
    assert port.editor.maximum() == 65535  # type: ignore[attr-defined]
    assert "TCP port" in port.toolTip()
    port.editor.setValue(9321)  # type: ignore[attr-defined]
    assert dialog.restart_note.isVisibleTo(dialog) and "listener" in dialog.restart_note.text()
    age = dialog.editors[("retention", "max_age_days")]
    assert age.none_check is not None
    age.none_check.setChecked(True)
    dialog.editors[("window", "notify_new_orders")].editor.setChecked(True)  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    saved = load_settings()
    assert saved.listener.port == 9321 and saved.retention.max_age_days is None
    assert saved.window.notify_new_orders and context.settings.listener.port == 9321
    again = SettingsDialog(context)
    qtbot.addWidget(again)
    assert again.editors[("listener", "port")].value() == 9321
    assert again.editors[("retention", "max_age_days")].value() is None


def test_settings_dialog_chooses_the_language_by_its_own_name(
    context: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = SettingsDialog(context)
    qtbot.addWidget(dialog)
    editor = dialog.editors[("window", "language")]
    combo = editor.editor
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "As in the system",
        "English",
        "Українська",
    ]
    assert editor.value() == "system"
    combo.setCurrentIndex(combo.findData("uk"))
    assert dialog.restart_note.isVisibleTo(dialog) and "language" in dialog.restart_note.text()
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    assert load_settings().window.language == "uk"
    again = SettingsDialog(context)
    qtbot.addWidget(again)
    assert again.editors[("window", "language")].value() == "uk"


@pytest.mark.parametrize("language", ["en_US", "uk_UA"])
def test_settings_show_numbers_as_typed_and_the_default_profile_as_a_choice(
    context: ConsoleContext, qtbot: QtBot, language: str
) -> None:
    from PySide6.QtCore import QLocale

    previous = QLocale()
    QLocale.setDefault(QLocale(language))
    try:
        context.settings.listener.port = 8765
        dialog = SettingsDialog(context)
        qtbot.addWidget(dialog)
        port = dialog.editors[("listener", "port")].editor
        assert port.text() == "8765"  # type: ignore[attr-defined]
        assert dialog.editors[("retention", "max_age_days")].editor.text() == "90"  # type: ignore[attr-defined]
        minutes = dialog.editors[("window", "silence_warning_minutes")].editor
        assert minutes.text() == "10"  # type: ignore[attr-defined]
        minutes.setValue(2.5)  # type: ignore[attr-defined]
        assert minutes.text() == ("2.5" if language == "en_US" else "2,5")  # type: ignore[attr-defined]
        profile = dialog.editors[("default_profile",)]
        assert isinstance(profile.editor, QComboBox)
        names = [profile.editor.itemText(i) for i in range(profile.editor.count())]
        assert PROFILE in names
        profile.editor.setCurrentIndex(profile.editor.findData(PROFILE))
        assert profile.value() == PROFILE
    finally:
        QLocale.setDefault(previous)


def test_a_wrapped_problem_makes_the_dialog_taller_and_reads_as_a_sentence(
    page: ConnectionsPage, qtbot: QtBot
) -> None:
    dialog = _dialog(page)
    dialog.resize(580, dialog.sizeHint().height())
    qtbot.waitExposed(dialog)
    dialog.name_edit.setText("shop")
    dialog.portal_edit.setText("https://shop.bitrix24.ua/crm/deal/?id=5#top")
    dialog.check()
    problem = dialog.field_problems[ProfileField.PORTAL_URL]
    assert problem.isVisible()
    assert problem.text()[:1].isupper()
    # Under the field and above the next row, with the height its lines need.
    assert problem.height() >= problem.heightForWidth(problem.width())
    assert problem.geometry().bottom() < dialog.mode_combo.geometry().top()
    assert problem.geometry().top() > dialog.portal_edit.geometry().bottom()


def test_the_keychain_is_named_as_the_operator_knows_it() -> None:
    from console.ui.views.connections import keychain_name

    assert keychain_name("keyring.backends.SecretService.Keyring") == (
        "GNOME Keyring (Secret Service)"
    )
    assert keychain_name("keyring.backends.kwallet.DBusKeyring") == "KDE Wallet"


def test_the_connection_test_names_each_part_in_ukrainian(
    page: ConnectionsPage, qtbot: QtBot, qapp: QApplication
) -> None:
    page.select(PROFILE)
    language.install_translators(qapp, "uk")
    try:
        with qtbot.waitSignal(page.tested, timeout=10000):
            page.test_connection()
    finally:
        language.install_translators(qapp, "en")
    text = page.test_result.text()
    assert "інтернет-магазин" in text and "online store" not in text
    assert "sale.status.list" in text  # the method stays as the portal names it
