"""Change order status…: move an order, or one of its shipments, to another status."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.operations.base import ChangeOutcomeUnknown, ChangeResult, InvalidInput
from console.operations.orders import (
    OrderSummary,
    StatusChoices,
    change_delivery_status,
    change_order_status,
)
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    ProfileCombo,
    error_text,
    run_operation,
)
from console.ui.dialogs.order_lookup import OrderLookup
from console.ui.models.choices import Choice, ChoiceModel

ORDER_TAB, DELIVERY_TAB = 0, 1


class OrderStatusDialog(QDialog):
    """Prefilled with ``profile`` and ``order_id`` when opened from an event.

    ``changed(ChangeResult)`` after the portal confirmed a change.
    """

    changed = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        profile: str | None = None,
        order_id: str | None = None,
        parent: QWidget | None = None,
        *,
        delivery: bool = False,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.result_value: ChangeResult[Any] | None = None
        self.setWindowTitle(self.tr("Change order status"))
        self.setMinimumWidth(560)

        self.profile_combo = ProfileCombo(context)
        if profile:
            self.profile_combo.select(profile)
        self.lookup = OrderLookup(context, self.profile_combo.profile())
        self.profile_combo.currentIndexChanged.connect(
            lambda _i: self.lookup.set_profile(self.profile_combo.profile())
        )
        self.order_targets = ChoiceModel(self)
        self.order_target = QComboBox()
        self.order_target.setModel(self.order_targets)
        self.shipments = ChoiceModel(self)
        self.shipment_combo = QComboBox()
        self.shipment_combo.setModel(self.shipments)
        self.shipment_combo.currentIndexChanged.connect(lambda _i: self._shipment_changed())
        self.shipment_status = QLabel()
        self.delivery_targets = ChoiceModel(self)
        self.delivery_target = QComboBox()
        self.delivery_target.setModel(self.delivery_targets)

        order_page = QWidget()
        order_form = QFormLayout(order_page)
        order_form.addRow(self.tr("New &status:"), self.order_target)
        delivery_page = QWidget()
        delivery_form = QFormLayout(delivery_page)
        delivery_form.addRow(self.tr("S&hipment:"), self.shipment_combo)
        delivery_form.addRow(self.tr("Now:"), self.shipment_status)
        delivery_form.addRow(self.tr("New &delivery status:"), self.delivery_target)
        self.tabs = QTabWidget()
        self.tabs.addTab(order_page, self.tr("Order status"))
        self.tabs.addTab(delivery_page, self.tr("Delivery status"))
        self.tabs.currentChanged.connect(lambda _i: self._update_button())

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button = self.buttons.addButton(
            self.tr("Change"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.change_button.setDefault(True)
        self._busy = BusyButton(self.change_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("&Profile:"), self.profile_combo)
        form.addRow(self.tr("&Order:"), self.lookup)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.profile_combo, self.lookup.edit)
        QWidget.setTabOrder(self.lookup.edit, self.tabs)
        QWidget.setTabOrder(self.tabs, self.order_target)
        QWidget.setTabOrder(self.order_target, self.shipment_combo)
        QWidget.setTabOrder(self.shipment_combo, self.delivery_target)

        self.lookup.found.connect(self._found)
        self.lookup.cleared.connect(self._cleared)
        if delivery:
            self.tabs.setCurrentIndex(DELIVERY_TAB)
        if order_id:
            self.lookup.edit.setText(order_id)
            self.lookup.lookup_now()
            self.order_target.setFocus()
        else:
            self.lookup.edit.setFocus()
        self._update_button()

    # -- lookup -------------------------------------------------------------------------

    def _found(self, order: OrderSummary, choices: StatusChoices) -> None:
        current = order.status.id if order.status else None
        self.order_targets.set_choices(
            [
                Choice(
                    f"{c.name} ({c.id})" + (self.tr(" — now") if c.id == current else ""),
                    c.id,
                    c.color or "",
                )
                for c in choices.order
            ]
        )
        # Offer the next status rather than the current one.
        rows = [r for r, c in enumerate(choices.order) if c.id != current]
        if current is not None:
            after = [r for r in rows if r > self.order_targets.row_of(current)]
            rows = after or rows
        self.order_target.setCurrentIndex(rows[0] if rows else 0)
        self.shipments.set_choices(
            [
                Choice(
                    self.tr("#{id} {delivery}").format(id=s.id, delivery=s.delivery).strip(),
                    s.id,
                )
                for s in order.shipments
            ]
        )
        self.delivery_targets.set_choices(
            [Choice(f"{c.name} ({c.id})", c.id, c.color or "") for c in choices.delivery]
        )
        self._shipment_changed()
        self._update_button()

    def _cleared(self) -> None:
        self.order_targets.set_choices([])
        self.shipments.set_choices([])
        self.delivery_targets.set_choices([])
        self.shipment_status.setText("")
        self._update_button()

    def _shipment_changed(self) -> None:
        order = self.lookup.order
        shipment_id = self.shipments.value(self.shipment_combo.currentIndex())
        shipments = order.shipments if order else []
        shipment = next((s for s in shipments if s.id == shipment_id), None)
        if shipment is None:
            self.shipment_status.setText(
                self.tr("This order has no shipments.") if order is not None else ""
            )
            return
        status = shipment.status
        self.shipment_status.setText(f"{status.name} ({status.id})" if status else "—")
        if status is not None:
            row = self.delivery_targets.row_of(status.id)
            following = row + 1 if 0 <= row < self.delivery_targets.rowCount() - 1 else row
            self.delivery_target.setCurrentIndex(max(following, 0))

    def _update_button(self) -> None:
        ready = self.lookup.order is not None
        if self.tabs.currentIndex() == DELIVERY_TAB:
            ready = ready and self.shipment_combo.currentIndex() >= 0
        if not self._busy.busy:
            self.change_button.setEnabled(ready)

    # -- sending ------------------------------------------------------------------------

    def submit(self) -> None:
        order = self.lookup.order
        if self._busy.busy or order is None:
            return
        self.error.hide()
        order_id = order.id
        if self.tabs.currentIndex() == ORDER_TAB:
            status_id = self.order_targets.value(self.order_target.currentIndex())
            if not isinstance(status_id, str):
                return
            before = order.status.id if order.status else None

            def send(ctx: Any) -> ChangeResult[Any]:
                return change_order_status(ctx, order_id, status_id, before=before)

        else:
            shipment = self.shipments.value(self.shipment_combo.currentIndex())
            target = self.delivery_targets.value(self.delivery_target.currentIndex())
            if not isinstance(shipment, int) or not isinstance(target, str):
                return

            def send(ctx: Any) -> ChangeResult[Any]:
                return change_delivery_status(ctx, order_id, shipment, target)

        self._busy.start(self.tr("Changing…"))
        run_operation(
            self._context,
            self.profile_combo.profile(),
            send,
            on_done=self._done,
            on_error=self._failed,
            lane=f"order-status-{id(self)}",
        )

    def _done(self, result: ChangeResult[Any]) -> None:
        self._busy.stop()
        self.result_value = result
        self._context.message.emit(result.summary)
        self.changed.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop()
        self._update_button()
        text = error_text(error)
        if isinstance(error, InvalidInput):
            text = " ".join(error.problems.values())
        if isinstance(error, ChangeOutcomeUnknown):
            from console.ui.dialogs.outcome_unknown import OutcomeUnknownDialog

            dialog = OutcomeUnknownDialog(self._context, error, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()
        self.error.setText(text)
        self.error.show()
