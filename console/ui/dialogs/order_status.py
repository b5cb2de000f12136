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

from console.operations.base import ChangeResult
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
    make_primary,
    offer_reread,
    run_operation,
)
from console.ui.dialogs.order_lookup import OrderLookup
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.untrusted import PlainLabel

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
        self.shipment_status = PlainLabel()
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
        self.order_target.currentIndexChanged.connect(lambda _i: self._update_button())
        self.delivery_target.currentIndexChanged.connect(lambda _i: self._update_button())

        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button = self.buttons.addButton(
            self.tr("Change"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        make_primary(self.buttons, self.change_button)
        self.same_hint = QLabel()
        self.same_hint.setWordWrap(True)
        self.same_hint.hide()
        self._busy = BusyButton(self.change_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("&Profile:"), self.profile_combo)
        form.addRow(self.tr("&Order:"), self.lookup)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs)
        layout.addWidget(self.same_hint)
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
        if order_id and self.lookup.prefill(order_id):
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
        # The current status is preselected: nothing changes until the operator picks.
        self.order_target.setCurrentIndex(max(self.order_targets.row_of(current), 0))
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
            self.delivery_target.setCurrentIndex(max(self.delivery_targets.row_of(status.id), 0))

    def current_target(self) -> tuple[str | None, str | None]:
        """(the chosen status id, the status it has now) on the open tab."""
        order = self.lookup.order
        if order is None:
            return None, None
        if self.tabs.currentIndex() == ORDER_TAB:
            chosen = self.order_targets.value(self.order_target.currentIndex())
            now = order.status.id if order.status else None
        else:
            chosen = self.delivery_targets.value(self.delivery_target.currentIndex())
            shipment_id = self.shipments.value(self.shipment_combo.currentIndex())
            shipment = next((s for s in order.shipments if s.id == shipment_id), None)
            if shipment is None:
                return None, None
            now = shipment.status.id if shipment.status else None
        return (chosen if isinstance(chosen, str) else None), now

    def _update_button(self) -> None:
        chosen, now = self.current_target()
        same = chosen is not None and chosen == now
        self.same_hint.setText(self.tr("Pick the status to move to: this is the current one."))
        self.same_hint.setVisible(same)
        if not self._busy.busy:
            self.change_button.setEnabled(chosen is not None and not same)

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
            self,
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
        offer_reread(self, self._context, error)
        self.error.setText(error_text(error))
        self.error.show()
