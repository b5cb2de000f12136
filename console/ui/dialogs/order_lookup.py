"""An order id field that looks the order up as the operator types (debounced, in a job):
number, date, sum, current status with its colour, customer. Shared by the order status
and the bind forms."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.core.sanitize import printable
from console.operations.orders import OrderSummary, StatusChoices, lookup_order
from console.store.model import OrderRef, OrderSystem
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    error_text,
    focus_through,
    run_operation,
    ui_language,
)
from console.ui.formatting import money_text
from console.ui.models.choices import swatch_icon
from console.ui.untrusted import PlainLabel

DEBOUNCE_MS = 400
# How much of a foreign order number is quoted back (it comes from the storefront).
SHOWN_ORDER_CHARS = 40


def summary_text(order: OrderSummary) -> str:
    parts = [f"№ {order.number}"]
    if order.created is not None:
        parts.append(order.created.astimezone().strftime("%Y-%m-%d %H:%M"))
    if order.total is not None:
        parts.append(money_text(order.total, order.currency))
    if order.status is not None:
        parts.append(f"{order.status.name} ({order.status.id})")
    if order.customer:
        parts.append(order.customer)
    return "  ·  ".join(parts)


class OrderLookup(QWidget):
    """Signals: ``found(OrderSummary, StatusChoices)``, ``cleared()`` while there is none."""

    found = Signal(object, object)
    cleared = Signal()

    def __init__(
        self, context: ConsoleContext, profile: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._profile = profile
        self.order: OrderSummary | None = None
        self.choices: StatusChoices | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("order id, e.g. 140"))
        self.edit.setMaxLength(12)
        self.swatch = QLabel()
        self.swatch.setFixedSize(16, 16)
        self.summary = PlainLabel(self.tr("Type an order id to look it up."))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.lookup_now)
        self.edit.textChanged.connect(self._typed)
        # Enter looks up at once instead of waiting for the pause.
        self.edit.returnPressed.connect(self._enter)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.swatch)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addLayout(row)
        focus_through(self, self.edit)
        self.swatch.hide()

    def set_profile(self, profile: str) -> None:
        if profile != self._profile:
            self._profile = profile
            self._typed(self.edit.text())

    def prefill(self, order: str) -> bool:
        """Put ``order`` (``300``, ``b24-300`` or ``hs-300``) in and look it up; returns
        whether it was put in.

        A Horoshop order number never is: Bitrix24 knows that order (if at all) by a
        number of its own, and the same number there is another customer's order.
        """
        ref = OrderRef.parse(order)
        if ref.system is OrderSystem.HOROSHOP:
            self.edit.clear()
            self.summary.setStyleSheet("")
            shown = printable(ref.order_id, one_line=True)[:SHOWN_ORDER_CHARS]
            self.summary.setText(
                self.tr(
                    "Order {order} belongs to Horoshop, not to Bitrix24: the Bitrix24 order "
                    "{order}, if there is one, is another order. Type the Bitrix24 order id."
                ).format(order=shown)
            )
            return False
        self.edit.setText(ref.order_id)
        self.lookup_now()
        return True

    def order_id(self) -> int | None:
        text = self.edit.text().strip()
        return int(text) if text.isdigit() and int(text) > 0 else None

    def _typed(self, text: str) -> None:
        self.order = None
        self.cleared.emit()
        self.swatch.hide()
        if not text.strip():
            self.summary.setStyleSheet("")
            self.summary.setText(self.tr("Type an order id to look it up."))
            self._timer.stop()
            return
        if self.order_id() is None:
            self.summary.setStyleSheet(ERROR_STYLE)
            self.summary.setText(self.tr("An order id is a positive whole number."))
            self._timer.stop()
            return
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("Looking up…"))
        self._timer.start()

    def _enter(self) -> None:
        if self.order is None:
            self.lookup_now()

    def lookup_now(self) -> None:
        self._timer.stop()
        order_id = self.order_id()
        if order_id is None or not self._profile:
            return
        lang = ui_language()
        run_operation(
            self,
            self._context,
            self._profile,
            lambda ctx: lookup_order(ctx, order_id, lang=lang),
            on_done=lambda result: self._found(order_id, *result),
            on_error=lambda error: self._failed(order_id, error),
            lane=f"order-lookup-{id(self)}",
        )

    def _found(self, order_id: int, order: OrderSummary, choices: StatusChoices) -> None:
        if order_id != self.order_id():
            return
        self.order, self.choices = order, choices
        self.summary.setStyleSheet("")
        self.summary.setText(summary_text(order))
        color = order.status.color if order.status else None
        self.swatch.setPixmap(swatch_icon(color, 16).pixmap(16, 16))
        self.swatch.setVisible(order.status is not None)
        self.found.emit(order, choices)

    def _failed(self, order_id: int, error: BaseException) -> None:
        if order_id != self.order_id():
            return
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setText(error_text(error))
