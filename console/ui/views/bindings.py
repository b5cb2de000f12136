"""The Bindings page: an order's links, or every order bound to a deal; unbind after a yes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bitrix.bindings import Binding
from console.bitrix.models import OwnerType
from console.operations.bindings import (
    deal_bindings,
    order_bindings,
    owner_label,
    owner_titles,
    unbind_order,
)
from console.ui.context import ConsoleContext
from console.ui.dialogs.bind import bind_error_text
from console.ui.dialogs.form_support import ProfileCombo, run_operation, shortcut
from console.ui.models.bindings import BindingTableModel
from console.ui.portal_links import PortalLinksLabel
from console.ui.views.pages import Confirm, StatusLine, ask, page_title


class BindingsPage(QWidget):
    """``loaded()`` after each lookup or unbind; ``bind_requested(profile, order_id)`` asks
    the window for the bind form."""

    loaded = Signal()
    titles_read = Signal()
    bind_requested = Signal(str, str)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.confirm: Confirm = ask
        self.profile_combo = ProfileCombo(context)
        self.order_edit = QLineEdit()
        self.order_edit.setPlaceholderText(self.tr("order id"))
        self.order_edit.returnPressed.connect(self.show_order)
        self.order_button = QPushButton(self.tr("Show the order's link"))
        self.order_button.clicked.connect(self.show_order)
        self.deal_edit = QLineEdit()
        self.deal_edit.setPlaceholderText(self.tr("deal id"))
        self.deal_edit.returnPressed.connect(self.show_deal)
        self.deal_button = QPushButton(self.tr("Show the deal's orders"))
        self.deal_button.clicked.connect(self.show_deal)
        self.model = BindingTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        # Short values under titles that are longer in Ukrainian ("Прив’язано до"): the
        # columns before the title take the width of their title or values, never cut.
        for column in range(self.model.columnCount() - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update())
        shortcut("Delete", self.table, self.unbind_current, Qt.ShortcutContext.WidgetShortcut)
        self.unbind_button = QPushButton(self.tr("&Unbind…"))
        self.unbind_button.clicked.connect(self.unbind_current)
        self.bind_button = QPushButton(self.tr("&Bind an order…"))
        self.bind_button.clicked.connect(self._ask_bind)
        self.status = StatusLine()
        self.status.say(self.tr("Look up an order's link, or the orders bound to a deal."))
        # The selected link's order and deal, opened in the portal's own pages.
        self.portal_links = PortalLinksLabel(context, self)
        self.profile_combo.currentIndexChanged.connect(
            lambda _i: self.portal_links.set_profile(self.profile_combo.profile())
        )

        top = QHBoxLayout()
        top.addWidget(page_title(self.tr("Bindings")))
        top.addStretch(1)
        profile_label = QLabel(self.tr("&Profile:"))
        profile_label.setBuddy(self.profile_combo)
        top.addWidget(profile_label)
        top.addWidget(self.profile_combo)
        lookups = QHBoxLayout()
        order_label = QLabel(self.tr("&Order:"))
        order_label.setBuddy(self.order_edit)
        lookups.addWidget(order_label)
        lookups.addWidget(self.order_edit)
        lookups.addWidget(self.order_button)
        lookups.addSpacing(24)
        deal_label = QLabel(self.tr("&Deal:"))
        deal_label.setBuddy(self.deal_edit)
        lookups.addWidget(deal_label)
        lookups.addWidget(self.deal_edit)
        lookups.addWidget(self.deal_button)
        lookups.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bind_button)
        buttons.addWidget(self.unbind_button)
        buttons.addStretch(1)
        buttons.addWidget(self.portal_links)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(lookups)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setFocusProxy(self.order_edit)
        self._update()

    def activate(self) -> None:
        """Nothing to load until the operator names an order or a deal."""
        self.profile_combo.reload()
        self.portal_links.set_profile(self.profile_combo.profile())

    def prefill(self, profile: str, order_id: str) -> None:
        """The order selected in the feed, when the operator has typed none."""
        if not order_id.isdigit() or self.order_edit.text().strip():
            return
        if profile:
            self.profile_combo.select(profile)
        self.order_edit.setText(order_id)
        self.show_order()

    def _update(self) -> None:
        binding = self.current()
        self.unbind_button.setEnabled(binding is not None)
        self.portal_links.show_links(
            binding.order_id if binding is not None else None,
            (binding.owner_type_id, binding.owner_id) if binding is not None else None,
        )

    def current(self) -> Binding | None:
        return self.model.binding(self.table.currentIndex().row())

    def _number(self, edit: QLineEdit) -> int | None:
        text = edit.text().strip()
        if text.isdigit() and int(text) > 0:
            return int(text)
        self.status.fail(self.tr("Type a positive whole number."))
        edit.setFocus()
        return None

    def show_order(self) -> None:
        order_id = self._number(self.order_edit)
        if order_id is None:
            return
        self.status.say(self.tr("Reading order {id}'s link…").format(id=order_id))
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: order_bindings(ctx, order_id),
            on_done=lambda found: self._shown(
                found,
                self.tr("Order {id} is bound to %n deal(s) or invoice(s).", "", len(found)).format(
                    id=order_id
                )
                if found
                else self.tr("Order {id} is not bound.").format(id=order_id),
            ),
            on_error=self._failed,
            lane=f"bindings-{id(self)}",
        )

    def show_deal(self) -> None:
        deal_id = self._number(self.deal_edit)
        if deal_id is None:
            return
        self.status.say(self.tr("Reading the orders of deal {id}…").format(id=deal_id))
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: deal_bindings(ctx, deal_id),
            on_done=lambda found: self._shown(
                found,
                self.tr("%n order(s) bound to deal {id}.", "", len(found)).format(id=deal_id),
            ),
            on_error=self._failed,
            lane=f"bindings-{id(self)}",
        )

    def _shown(self, bindings: list[Binding], text: str) -> None:
        self.model.set_bindings(bindings)
        if bindings:
            self.table.setCurrentIndex(self.model.index(0, 0))
        self.status.say(text)
        self._update()
        self.loaded.emit()
        if bindings:
            self._read_titles(bindings)

    def _read_titles(self, bindings: list[Binding]) -> None:
        """The deals' titles beside their ids (a help: the page works without them)."""
        current = self.table.currentIndex().row()

        def done(titles: dict[tuple[int, int], str]) -> None:
            self.model.set_titles(titles)
            if 0 <= current < self.model.rowCount():
                self.table.setCurrentIndex(self.model.index(current, 0))
            self.titles_read.emit()

        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: owner_titles(ctx, bindings),
            on_done=done,
            on_error=lambda _error: None,
            lane=f"binding-titles-{id(self)}",
        )

    def _failed(self, error: BaseException) -> None:
        self.status.fail(bind_error_text(error))
        self.loaded.emit()

    def unbind_current(self) -> None:
        binding = self.current()
        if binding is None:
            return
        label = owner_label(binding.owner_type_id, binding.owner_id)
        if not self.confirm(
            self,
            self.tr("Unbind"),
            self.tr("Remove the link between order {order} and {label}?").format(
                order=binding.order_id, label=label
            ),
        ):
            return
        self.unbind_button.setEnabled(False)
        self.status.say(self.tr("Unbinding…"))

        def done(_result: object) -> None:
            self.model.remove(binding)
            self.status.say(
                self.tr("Order {order} unbound from {label}.").format(
                    order=binding.order_id, label=label
                )
            )
            self._update()
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            self._update()
            self._failed(error)

        try:
            owner_type: OwnerType | None = OwnerType(binding.owner_type_id)
        except ValueError:
            owner_type = None
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: unbind_order(ctx, binding.order_id, owner_type, binding.owner_id),
            on_done=done,
            on_error=failed,
        )

    def _ask_bind(self) -> None:
        binding = self.current()
        order = str(binding.order_id) if binding else self.order_edit.text().strip()
        self.bind_requested.emit(self.profile_combo.profile(), order)
