"""Change order status… and the delivery status, the change log in the timeline, and the
sent-but-unanswered dialog, against the sandbox over HTTP."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.sandbox import SandboxPortal
from console.store import ChangeKind, ChangeOutcome
from console.ui.context import ConsoleContext
from console.ui.dialogs.order_status import DELIVERY_TAB, OrderStatusDialog
from console.ui.dialogs.outcome_unknown import OutcomeUnknownDialog
from console.ui.models.timeline import ChangeLogTimeline, EntryKind
from console.ui.views.timeline import TimelineDialog
from tests.ui.loopback import PROFILE, LoopbackConsole
from tests.ui.window_support import OFFSCREEN_NOISE

pytest_plugins = ["tests.ui.inspector_fixtures"]
pytestmark = OFFSCREEN_NOISE


def _dialog(context: ConsoleContext, qtbot: QtBot, order_id: int) -> OrderStatusDialog:
    dialog = OrderStatusDialog(context, PROFILE, str(order_id))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.lookup.order is not None, timeout=10000)
    return dialog


def _pick(dialog: OrderStatusDialog, combo_model: object, combo: object, status: str) -> None:
    combo.setCurrentIndex(combo_model.row_of(status))  # type: ignore[attr-defined]


def test_lookup_shows_the_order_and_enter_changes_its_status(
    context: ConsoleContext, console: LoopbackConsole, portal: SandboxPortal, qtbot: QtBot
) -> None:
    order = portal.state.orders[142]
    before = order["statusId"]
    target = "D" if before != "D" else "P"
    dialog = _dialog(context, qtbot, 142)
    summary = dialog.lookup.summary.text()
    assert order["accountNumber"] in summary and f"({before})" in summary
    # The current status is preselected: Change waits for a real choice.
    assert not dialog.change_button.isEnabled() and dialog.same_hint.isVisibleTo(dialog)
    _pick(dialog, dialog.order_targets, dialog.order_target, target)
    assert dialog.change_button.isEnabled()
    with qtbot.waitSignal(dialog.changed, timeout=10000):
        qtbot.keyClick(dialog.order_target, Qt.Key.Key_Return)
    assert portal.state.orders[142]["statusId"] == target
    (change,) = console.store.changes(order_id="142")
    assert change.kind is ChangeKind.ORDER_STATUS and change.before == {"statusId": before}
    assert change.after == {"statusId": target} and change.profile == PROFILE

    timeline = TimelineDialog(context, PROFILE, "142", change_log=ChangeLogTimeline(console.store))
    timeline.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(timeline)
    qtbot.waitUntil(
        lambda: any(e.kind is EntryKind.CHANGE for e in timeline.view.model.entries()),
        timeout=10000,
    )
    entry = next(e for e in timeline.view.model.entries() if e.kind is EntryKind.CHANGE)
    assert f"{before} → {target}" in entry.summary and entry.event == "order_status"


def test_delivery_status_of_one_shipment(
    context: ConsoleContext, console: LoopbackConsole, portal: SandboxPortal, qtbot: QtBot
) -> None:
    shipment = portal.state.orders[143]["shipments"][0]
    before = portal.state.shipments[shipment["id"]]["statusId"]
    target = "DF" if before != "DF" else "DN"
    dialog = _dialog(context, qtbot, 143)
    dialog.tabs.setCurrentIndex(DELIVERY_TAB)
    dialog.shipment_combo.setCurrentIndex(dialog.shipments.row_of(shipment["id"]))
    assert f"({before})" in dialog.shipment_status.text()
    _pick(dialog, dialog.delivery_targets, dialog.delivery_target, target)
    with qtbot.waitSignal(dialog.changed, timeout=10000):
        dialog.submit()
    assert portal.state.shipments[shipment["id"]]["statusId"] == target
    change = console.store.changes(order_id="143")[0]
    assert change.kind is ChangeKind.DELIVERY_STATUS and change.entity_id == str(shipment["id"])


def test_unknown_order_says_so_and_nothing_can_be_sent(
    context: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = OrderStatusDialog(context, PROFILE, None)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(dialog)
    dialog.lookup.edit.setText("abc")
    assert "positive whole number" in dialog.lookup.summary.text()
    dialog.lookup.edit.setText("987654")
    dialog.lookup.lookup_now()
    qtbot.waitUntil(lambda: "Looking" not in dialog.lookup.summary.text(), timeout=10000)
    assert "order does not exist" in dialog.lookup.summary.text()
    assert not dialog.change_button.isEnabled()


def test_refused_change_keeps_the_choice_and_says_why(
    context: ConsoleContext, portal: SandboxPortal, qtbot: QtBot
) -> None:
    before = portal.state.orders[144]["statusId"]
    target = "D" if before != "D" else "P"
    dialog = _dialog(context, qtbot, 144)
    _pick(dialog, dialog.order_targets, dialog.order_target, target)
    portal.api.commercial_plan = False
    try:
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10000)
    finally:
        portal.api.commercial_plan = True
    assert "commercial" in dialog.error.text()
    assert dialog.order_targets.value(dialog.order_target.currentIndex()) == target
    assert dialog.change_button.isEnabled() and portal.state.orders[144]["statusId"] == before


def test_no_answer_opens_the_reread_dialog(
    context: ConsoleContext, console: LoopbackConsole, portal: SandboxPortal, qtbot: QtBot
) -> None:
    before = portal.state.orders[145]["statusId"]
    target = "D" if before != "D" else "P"
    dialog = _dialog(context, qtbot, 145)
    _pick(dialog, dialog.order_targets, dialog.order_target, target)
    portal.faults.malformed_rate = 1.0
    try:
        dialog.submit()
        qtbot.waitUntil(lambda: bool(dialog.findChildren(OutcomeUnknownDialog)), timeout=15000)
    finally:
        portal.faults.malformed_rate = 0.0
    outcome = dialog.findChildren(OutcomeUnknownDialog)[0]
    assert console.store.changes(order_id="145")[0].outcome is ChangeOutcome.UNKNOWN
    outcome.reread()
    qtbot.waitUntil(lambda: outcome.reread_value is not None, timeout=10000)
    assert f"status {target}" in outcome.result_label.text()
    assert "The change was applied" in outcome.result_label.text()
    assert outcome.confirmation_id is not None
    outcome.close()
    QApplication.processEvents()
