"""The Statuses page and the status edit form, against the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from console.sandbox import SandboxPortal
from console.store import ChangeKind
from console.ui.context import ConsoleContext
from console.ui.dialogs.status_edit import StatusEditDialog
from console.ui.views.statuses import StatusesPage
from tests.ui.loopback import LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE


@pytest.fixture
def page(context: ConsoleContext, qtbot: QtBot) -> Iterator[StatusesPage]:
    made = StatusesPage(context)
    qtbot.addWidget(made)
    made.show()
    with qtbot.waitSignal(made.loaded, timeout=10000):
        made.activate()
    yield made


def _open(page: StatusesPage, status_id: str) -> StatusEditDialog:
    page.select(status_id)
    dialog = page.edit_current()
    assert dialog is not None
    return dialog


def test_page_lists_the_dictionary_and_filters_by_type(
    page: StatusesPage, portal: SandboxPortal, qtmodeltester: object
) -> None:
    model = page.model
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    ids = {model.status(row).id for row in range(model.rowCount())}  # type: ignore[union-attr]
    assert ids == set(portal.state.statuses)
    page.type_combo.setCurrentIndex(page.type_choices.row_of("D"))
    assert model.rowCount() and all(
        model.status(row).type == "D"  # type: ignore[union-attr]
        for row in range(model.rowCount())
    )
    assert "Delivery" in model.index(0, 1).data()
    page.type_combo.setCurrentIndex(0)
    page.select("P")
    assert page.current() is not None and page.current().name  # type: ignore[union-attr]
    assert model.index(model.row_of("P") or 0, 5).data(1) is not None  # colour swatch


def test_edit_saves_and_refreshes_the_row(
    page: StatusesPage, portal: SandboxPortal, console: LoopbackConsole, qtbot: QtBot
) -> None:
    dialog = _open(page, "S")
    dialog.sort_edit.setText("35")
    dialog.color_edit.setText("#112233")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        qtbot.keyClick(dialog.color_edit, Qt.Key.Key_Return)  # Enter saves from a field
    assert portal.state.statuses["S"]["sort"] == 35
    assert portal.state.statuses["S"]["color"] == "#112233"
    row = page.model.status(page.model.row_of("S") or 0)
    assert row is not None and row.sort == 35 and row.color == "#112233"
    change = console.store.changes(limit=1)[0]
    assert change.kind is ChangeKind.STATUS_DEFINITION and change.entity_id == "S"
    assert change.after["sort"] == 35


def test_validation_as_typed_blocks_sending(
    page: StatusesPage, portal: SandboxPortal, qtbot: QtBot
) -> None:
    before = dict(portal.state.statuses["S"])
    dialog = _open(page, "S")
    dialog.sort_edit.setText("-4")
    assert not dialog.save_button.isEnabled()
    assert dialog.sort_problem.isVisibleTo(dialog) and "Between" in dialog.sort_problem.text()
    dialog.color_edit.setText("red")
    assert "colour" in dialog.color_problem.text()
    dialog.save()  # refused locally: nothing leaves
    assert not dialog.error.isVisibleTo(dialog)
    assert portal.state.statuses["S"] == before
    dialog.sort_edit.setText("30")
    dialog.color_edit.setText("")
    assert dialog.save_button.isEnabled() and not dialog.sort_problem.isVisibleTo(dialog)


def test_system_status_type_is_locked_with_the_reason(page: StatusesPage, qtbot: QtBot) -> None:
    dialog = _open(page, "F")
    dialog.sort_edit.setText("250")
    assert not dialog.type_combo.isEnabled()
    assert "system status" in dialog.type_lock.text()
    assert not page.delete_button.isEnabled()
    qtbot.keyClick(dialog.sort_edit, Qt.Key.Key_Escape)  # Esc cancels, nothing sent
    qtbot.waitUntil(lambda: page.dialog is None or not _visible(page), timeout=5000)


def _visible(page: StatusesPage) -> bool:
    import shiboken6

    return page.dialog is not None and shiboken6.isValid(page.dialog) and page.dialog.isVisible()


def test_refused_update_keeps_the_form_and_says_why(
    page: StatusesPage, portal: SandboxPortal, qtbot: QtBot
) -> None:
    dialog = _open(page, "S")
    dialog.sort_edit.setText("31")
    dialog.xml_edit.setText("typed-by-hand")
    portal.api.commercial_plan = False
    try:
        dialog.save()
        qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    finally:
        portal.api.commercial_plan = True
    assert "commercial" in dialog.error.text()
    assert dialog.isVisible() and dialog.xml_edit.text() == "typed-by-hand"
    assert dialog.save_button.isEnabled() and dialog.save_button.text() == "Save"


def test_add_then_delete_after_confirmation(
    page: StatusesPage, portal: SandboxPortal, qtbot: QtBot
) -> None:
    dialog = page.add()
    dialog.id_edit.setText("ZZZ")
    assert "At most 2" in dialog.id_problem.text() and not dialog.save_button.isEnabled()
    dialog.id_edit.setText("ZQ")
    dialog.type_combo.setCurrentIndex(dialog.type_choices.row_of("D"))
    model = dialog.names_model
    model.setData(model.index(0, 2), "Held at the depot")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    assert portal.state.statuses["ZQ"]["type"] == "D"
    assert any(
        lang["statusId"] == "ZQ" and lang["name"] == "Held at the depot"
        for lang in portal.state.status_langs
    )
    page.select("ZQ")
    asked: list[str] = []
    page.confirm = lambda _w, _t, text: asked.append(text) is not None and False
    page.delete_current()
    assert asked and "ZQ" in asked[0] and "ZQ" in portal.state.statuses
    page.confirm = lambda *_a: True
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.delete_current()
    assert "ZQ" not in portal.state.statuses and page.model.row_of("ZQ") is None


def test_a_new_status_is_not_wrong_before_anything_is_typed(
    page: StatusesPage, qtbot: QtBot
) -> None:
    dialog = page.add()
    assert not dialog.id_problem.isVisibleTo(dialog) and dialog.save_button.isEnabled()
    dialog.save()  # nothing sent: now every problem shows
    assert dialog.id_problem.isVisibleTo(dialog) and not dialog.save_button.isEnabled()


def test_the_swatch_shows_only_a_colour_the_check_accepts(page: StatusesPage, qtbot: QtBot) -> None:
    dialog = _open(page, "S")
    dialog.color_edit.setText("#112233")
    accepted = dialog.swatch.pixmap().toImage().pixelColor(10, 10)
    assert accepted.name() == "#112233"
    dialog.color_edit.setText("red")
    assert "colour" in dialog.color_problem.text()
    assert dialog.swatch.pixmap().toImage().pixelColor(10, 10).name() != "#ff0000"


def test_delete_on_a_system_status_says_why_nothing_happens(page: StatusesPage) -> None:
    page.select("F")
    page.delete_current()
    assert "system status" in page.status.text()


def test_a_save_moves_no_other_row(page: StatusesPage, portal: SandboxPortal, qtbot: QtBot) -> None:
    model = page.model
    before = [row.id for row in model.all_rows()]
    dialog = _open(page, "S")
    dialog.color_edit.setText("#445566")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    assert [row.id for row in model.all_rows()] == before
