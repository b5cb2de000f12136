"""Bind to deal… and the Bindings page against the sandbox over HTTP: bind, replace after a
yes, duplicate, not found, access denied, unbind."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.bitrix.models import OwnerType
from console.sandbox import SandboxPortal
from console.store import ChangeKind
from console.ui import language
from console.ui.context import ConsoleContext
from console.ui.dialogs.bind import BindDialog
from console.ui.views.bindings import BindingsPage
from tests.ui.loopback import PROFILE, LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE


def _unbound(portal: SandboxPortal, skip: int = 0) -> int:
    free = [o for o in sorted(portal.state.orders) if o not in portal.state.bindings]
    return free[skip]


def _dialog(context: ConsoleContext, qtbot: QtBot, order_id: int) -> BindDialog:
    dialog = BindDialog(context, PROFILE, str(order_id))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.existing_label.isVisibleTo(dialog), timeout=10000)
    return dialog


def test_search_pick_with_enter_and_bind(
    context: ConsoleContext,
    console: LoopbackConsole,
    portal: SandboxPortal,
    qtbot: QtBot,
    qtmodeltester: object,
) -> None:
    order_id = _unbound(portal)
    dialog = _dialog(context, qtbot, order_id)
    assert dialog.owner_type() is OwnerType.SMART_INVOICE  # the documented default
    assert "Not bound" in dialog.existing_label.text()
    dialog.set_owner_type(OwnerType.DEAL)
    surname = portal.state.deals[5]["TITLE"].rsplit(" ", 1)[1]
    dialog.search_edit.setText(surname)
    with qtbot.waitSignal(dialog.results_model.modelReset, timeout=10000):
        qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    qtmodeltester.check(dialog.results_model)  # type: ignore[attr-defined]
    titles = [
        dialog.results_model.index(r, 1).data() for r in range(dialog.results_model.rowCount())
    ]
    assert titles and all(surname in title for title in titles)
    # Stages and contacts by name (crm.status.list, crm.contact.list), not by id.
    model = dialog.results_model
    stages = {model.index(r, 2).data() for r in range(model.rowCount())}
    assert stages and stages <= {"Нова", "Підготовка документів", "Рахунок на передоплату",
                                 "У роботі", "Фінальний рахунок", "Угоду укладено"}  # fmt: skip
    parties = [model.index(r, 4).data() for r in range(model.rowCount())]
    assert all(party and "contact" not in party for party in parties), parties
    row = next(
        r
        for r in range(dialog.results_model.rowCount())
        if dialog.results_model.candidate(r).id == 5  # type: ignore[union-attr]
    )
    dialog.results.setCurrentIndex(dialog.results_model.index(row, 0))
    dialog.results.setFocus()
    dialog.keyPressEvent(_enter())
    assert dialog.owner_id() == 5 and dialog.isVisible()
    # Both ends open in the portal's own pages.
    portal_page = "https://some-domain.bitrix24.com"
    qtbot.waitUntil(lambda: "/crm/deal/details/5/" in dialog.portal_links.text(), timeout=10000)
    assert f"{portal_page}/shop/orders/details/{order_id}/" in dialog.portal_links.text()
    with qtbot.waitSignal(dialog.bound, timeout=10000):
        dialog.submit()
    assert portal.state.bindings[order_id] == {"orderId": order_id, "ownerTypeId": 2, "ownerId": 5}
    change = console.store.changes(order_id=str(order_id))[0]
    assert change.kind is ChangeKind.BINDING and change.action == "add"


def _enter() -> object:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)


def test_existing_link_is_shown_and_replaced_only_after_yes(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot
) -> None:
    order_id, old = next(iter(sorted(portal.state.bindings.items())))
    old = dict(old)
    dialog = _dialog(context, qtbot, order_id)
    assert str(old["ownerId"]) in dialog.existing_label.text()
    other_type = OwnerType.SMART_INVOICE if old["ownerTypeId"] == 2 else OwnerType.DEAL
    dialog.set_owner_type(other_type)
    dialog.owner_edit.setText("2")
    asked: list[str] = []
    dialog.confirm = lambda _w, _t, text: asked.append(text) is not None and False
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    assert asked and "replace" in asked[0] and portal.state.bindings[order_id] == old
    # The question names the link there is and the one that would take its place.
    assert f"{old['ownerId']}" in asked[0] and " 2?" in asked[0]
    dialog.confirm = lambda *_a: True
    with qtbot.waitSignal(dialog.bound, timeout=10000):
        dialog.submit()
    assert portal.state.bindings[order_id]["ownerTypeId"] == int(other_type)
    assert dialog.result_value is not None and dialog.result_value.before == {
        "ownerTypeId": old["ownerTypeId"],
        "ownerId": old["ownerId"],
    }


def test_duplicate_not_found_and_access_denied_each_say_so(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot
) -> None:
    order_id, link = next(iter(sorted(portal.state.bindings.items(), reverse=True)))
    dialog = _dialog(context, qtbot, order_id)
    dialog.set_owner_type(OwnerType(link["ownerTypeId"]))
    dialog.owner_edit.setText(str(link["ownerId"]))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    duplicate = dialog.error.text()
    assert "already bound" in duplicate

    dialog.set_owner_type(OwnerType.DEAL)
    dialog.owner_edit.setText("99999")
    dialog.confirm = lambda *_a: True
    dialog.error.hide()
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    missing = dialog.error.text()
    assert "no deal 99999" in missing

    portal.api.commercial_plan = False
    try:
        dialog.error.hide()
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    finally:
        portal.api.commercial_plan = True
    denied = dialog.error.text()
    assert denied.startswith("Access denied")
    assert len({duplicate, missing, denied}) == 3
    assert portal.state.bindings[order_id] == link


def test_bindings_page_lists_and_unbinds_after_yes(
    context: ConsoleContext,
    console: LoopbackConsole,
    portal: SandboxPortal,
    qtbot: QtBot,
    qtmodeltester: object,
) -> None:
    page = BindingsPage(context)
    qtbot.addWidget(page)
    deal_links = [o for o, b in portal.state.bindings.items() if b["ownerTypeId"] == 2]
    deal_id = portal.state.bindings[deal_links[0]]["ownerId"]
    page.deal_edit.setText(str(deal_id))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_deal()
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    expected = {
        o for o, b in portal.state.bindings.items() if b == dict(b, ownerTypeId=2, ownerId=deal_id)
    }
    assert {page.model.binding(r).order_id for r in range(page.model.rowCount())} == expected  # type: ignore[union-attr]

    order_id = deal_links[0]
    page.order_edit.setText(str(order_id))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show_order()
    assert page.model.rowCount() == 1
    page.confirm = lambda *_a: False
    page.unbind_current()
    assert order_id in portal.state.bindings
    page.confirm = lambda *_a: True
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.unbind_current()
    assert order_id not in portal.state.bindings and page.model.rowCount() == 0
    assert console.store.changes(order_id=str(order_id))[0].action == "remove"
    page.order_edit.setText("x")
    page.show_order()
    assert "whole number" in page.status.text()


def test_bind_to_deal_from_the_window_starts_on_deal_and_an_empty_search_says_so(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot, tmp_path: object
) -> None:
    from PySide6.QtCore import QSettings

    from console.ui.settings import LayoutStore
    from console.ui.views.main_window import MainWindow

    layout = LayoutStore(QSettings(f"{tmp_path}/l.ini", QSettings.Format.IniFormat))
    window = MainWindow(context, layout_store=layout)
    qtbot.addWidget(window)
    dialog = window.open_bind(PROFILE, str(_unbound(portal)))
    assert isinstance(dialog, BindDialog) and dialog.owner_type() is OwnerType.DEAL
    dialog.search()
    assert "Type a part of the title" in dialog.search_status.text()
    dialog.close()
    window.detach()


def test_the_bindings_page_starts_from_the_order_selected_in_the_feed(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot
) -> None:
    order_id = next(o for o, b in sorted(portal.state.bindings.items()) if b["ownerTypeId"] == 2)
    page = BindingsPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.prefill(PROFILE, str(order_id))
    assert page.order_edit.text() == str(order_id) and page.model.rowCount() == 1
    link = portal.state.bindings[order_id]
    # The deal's title beside its id.
    qtbot.waitUntil(lambda: bool(page.model.index(0, 3).data()), timeout=10000)
    assert page.model.index(0, 3).data() == portal.state.deals[link["ownerId"]]["TITLE"]
    page.activate()
    qtbot.waitUntil(
        lambda: f"/details/{link['ownerId']}/" in page.portal_links.text(), timeout=10000
    )
    assert f"/shop/orders/details/{order_id}/" in page.portal_links.text()
    page.prefill(PROFILE, "12345")  # what the operator typed stays
    assert page.order_edit.text() == str(order_id)


@OFFSCREEN_NOISE
def test_the_bindings_columns_show_their_whole_titles_in_ukrainian(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot, qapp: QApplication
) -> None:
    language.install_translators(qapp, "uk")
    try:
        page = BindingsPage(context)
        qtbot.addWidget(page)
        page.resize(1000, 500)
        page.show()
        page.order_edit.setText(str(next(iter(portal.state.bindings))))
        with qtbot.waitSignal(page.loaded, timeout=10000):
            page.show_order()
        header = page.table.horizontalHeader()
        titles = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
        assert "Прив’язано до" in titles
        for column in range(page.model.columnCount() - 1):
            assert page.table.columnWidth(column) >= header.sectionSizeHint(column), titles[column]
    finally:
        language.install_translators(qapp, "en")
