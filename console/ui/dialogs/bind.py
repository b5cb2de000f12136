"""Bind to deal…: link an order to a deal or an invoice. An order has one link: an existing
one is shown, and replacing it needs the operator's yes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bitrix import errors as e
from console.bitrix.bindings import Binding
from console.bitrix.models import OwnerType
from console.operations.base import ChangeResult, PortalRefused
from console.operations.bindings import (
    ExistingBinding,
    OwnerCandidate,
    OwnerNotFound,
    bind_order,
    order_bindings,
    owner_label,
    search_owners,
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
from console.ui.dialogs.order_lookup import DEBOUNCE_MS, OrderLookup
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.models.owners import OwnerTableModel
from console.ui.portal_links import PortalLinksLabel
from console.ui.untrusted import PlainLabel
from console.ui.views.pages import Confirm, ask


def bind_error_text(error: BaseException) -> str:
    """Duplicate, not found and access denied each in their own words."""
    if isinstance(error, ExistingBinding) and error.same:
        return error.message
    if isinstance(error, OwnerNotFound):
        return error.message
    if isinstance(error, PortalRefused):
        cause = error.error
        if isinstance(cause, e.DuplicateBinding):
            return QCoreApplication.translate(
                "BindDialog", "This order is already bound to that deal or invoice."
            )
        if isinstance(cause, e.NotFound):
            return QCoreApplication.translate(
                "BindDialog", "Not found on the portal: {reason}"
            ).format(reason=error.message)
        if isinstance(cause, e.AccessDenied):
            return QCoreApplication.translate(
                "BindDialog",
                "Access denied: the webhook's user may not bind orders here ({reason}).",
            ).format(reason=error.message)
    return error_text(error)


class BindDialog(QDialog):
    """``bound(ChangeResult)`` after the portal confirmed the link."""

    bound = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        profile: str | None = None,
        order_id: str | None = None,
        parent: QWidget | None = None,
        *,
        owner_type: OwnerType | None = None,
    ) -> None:
        """``owner_type``: what to bind to first (the window's "Bind to deal…" says Deal);
        None: a smart invoice."""
        super().__init__(parent)
        self._context = context
        self.existing: list[Binding] = []
        self.result_value: ChangeResult[Binding] | None = None
        # Replaceable so tests answer the "replace the link?" question.
        self.confirm: Confirm = ask
        self.setWindowTitle(self.tr("Bind order to a deal or invoice"))
        self.setMinimumWidth(640)

        self.profile_combo = ProfileCombo(context)
        if profile:
            self.profile_combo.select(profile)
        self.lookup = OrderLookup(context, self.profile_combo.profile())
        self.profile_combo.currentIndexChanged.connect(
            lambda _i: self.lookup.set_profile(self.profile_combo.profile())
        )
        self.existing_label = PlainLabel()
        self.existing_label.setWordWrap(True)
        self.existing_label.hide()
        self.owner_types = ChoiceModel(self)
        self.owner_types.set_choices(
            [
                Choice(self.tr("Smart invoice (31)"), OwnerType.SMART_INVOICE),
                Choice(self.tr("Deal (2)"), OwnerType.DEAL),
                Choice(self.tr("Invoice, old (5)"), OwnerType.INVOICE),
            ]
        )
        self.type_combo = QComboBox()
        self.type_combo.setModel(self.owner_types)
        if owner_type is not None:
            self.type_combo.setCurrentIndex(self.owner_types.row_of(owner_type))
        self.type_combo.currentIndexChanged.connect(lambda _i: self._type_changed())
        self.owner_edit = QLineEdit()
        self.owner_edit.setPlaceholderText(self.tr("id, or pick one found below"))
        self.owner_edit.textChanged.connect(lambda _t: self._update_button())
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.search)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("search by title"))
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.setAutoDefault(False)
        self.search_button.clicked.connect(self.search)
        self.results_model = OwnerTableModel(self)
        self.results = QTableView()
        self.results.setModel(self.results_model)
        self.results.verticalHeader().hide()
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.results.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 50), (2, 110), (3, 110), (4, 150)):
            header.resizeSection(column, width)
        self.results.setMinimumHeight(150)
        self.results.doubleClicked.connect(lambda index: self.pick(index.row()))
        self.search_status = PlainLabel()
        self.search_status.setWordWrap(True)
        # Open the order and the chosen deal in the portal's own pages.
        self.portal_links = PortalLinksLabel(context, self)

        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.bind_button = self.buttons.addButton(
            self.tr("Bind"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        make_primary(self.buttons, self.bind_button)
        self._busy = BusyButton(self.bind_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_button)
        form = QFormLayout()
        form.addRow(self.tr("&Profile:"), self.profile_combo)
        form.addRow(self.tr("&Order:"), self.lookup)
        form.addRow("", self.existing_label)
        form.addRow(self.tr("Bind &to:"), self.type_combo)
        form.addRow(self.tr("&Id:"), self.owner_edit)
        search_label = QLabel(self.tr("&Find:"))
        search_label.setBuddy(self.search_edit)
        form.addRow(search_label, search_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.search_status)
        layout.addWidget(self.portal_links)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        QWidget.setTabOrder(self.profile_combo, self.lookup.edit)
        QWidget.setTabOrder(self.lookup.edit, self.type_combo)
        QWidget.setTabOrder(self.type_combo, self.owner_edit)
        QWidget.setTabOrder(self.owner_edit, self.search_edit)
        QWidget.setTabOrder(self.search_edit, self.search_button)
        QWidget.setTabOrder(self.search_button, self.results)

        self.lookup.found.connect(lambda _o, _c: self._read_existing())
        self.lookup.cleared.connect(self._order_cleared)
        self.lookup.found.connect(lambda _o, _c: self._show_links())
        self.lookup.cleared.connect(self._show_links)
        self.owner_edit.textChanged.connect(lambda _t: self._show_links())
        self.type_combo.currentIndexChanged.connect(lambda _i: self._show_links())
        self.profile_combo.currentIndexChanged.connect(
            lambda _i: self.portal_links.set_profile(self.profile_combo.profile())
        )
        self.portal_links.set_profile(self.profile_combo.profile())
        if order_id and self.lookup.prefill(order_id):
            self.type_combo.setFocus()
        else:
            self.lookup.edit.setFocus()
        self._type_changed()

    # -- values -------------------------------------------------------------------------

    def owner_type(self) -> OwnerType:
        value = self.owner_types.value(self.type_combo.currentIndex())
        return value if isinstance(value, OwnerType) else OwnerType.SMART_INVOICE

    def owner_id(self) -> int | None:
        text = self.owner_edit.text().strip()
        return int(text) if text.isdigit() and int(text) > 0 else None

    def set_owner_type(self, owner_type: OwnerType) -> None:
        self.type_combo.setCurrentIndex(self.owner_types.row_of(owner_type))

    def _type_changed(self) -> None:
        searchable = self.owner_type() is not OwnerType.INVOICE
        self.search_edit.setEnabled(searchable)
        self.search_button.setEnabled(searchable)
        self.results_model.set_candidates([])
        self.search_status.setText(
            "" if searchable else self.tr("Old invoices cannot be searched: type the id.")
        )
        if searchable and self.search_edit.text().strip():
            self._search_timer.start()
        self._update_button()

    def _update_button(self) -> None:
        if not self._busy.busy:
            self.bind_button.setEnabled(
                self.lookup.order is not None and self.owner_id() is not None
            )

    # -- links to the portal's pages ----------------------------------------------------

    def _show_links(self) -> None:
        order, owner_id = self.lookup.order, self.owner_id()
        owner = (int(self.owner_type()), owner_id) if owner_id is not None else None
        self.portal_links.show_links(order.id if order is not None else None, owner)

    # -- the order's current link -------------------------------------------------------

    def _order_cleared(self) -> None:
        self.existing = []
        self.existing_label.hide()
        self._update_button()

    def _read_existing(self) -> None:
        order = self.lookup.order
        self._update_button()
        if order is None:
            return
        order_id = order.id
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: order_bindings(ctx, order_id),
            on_done=lambda found: self._show_existing(order_id, found),
            on_error=lambda error: self._show_existing_failed(order_id, error),
            lane=f"bind-existing-{id(self)}",
        )

    def _show_existing(self, order_id: int, bindings: list[Binding]) -> None:
        if self.lookup.order is None or self.lookup.order.id != order_id:
            return
        self.existing = bindings
        if bindings:
            labels = ", ".join(owner_label(b.owner_type_id, b.owner_id) for b in bindings)
            self.existing_label.setText(
                self.tr(
                    "Now bound to {labels}. Binding replaces this link (you will be asked)."
                ).format(labels=labels)
            )
        else:
            self.existing_label.setText(self.tr("Not bound yet."))
        self.existing_label.show()

    def _show_existing_failed(self, order_id: int, error: BaseException) -> None:
        if self.lookup.order is not None and self.lookup.order.id == order_id:
            self.existing_label.setText(
                self.tr("Could not read the order's link: {error}").format(
                    error=bind_error_text(error)
                )
            )
            self.existing_label.show()

    # -- search -------------------------------------------------------------------------

    def search(self) -> None:
        self._search_timer.stop()
        title = self.search_edit.text().strip()
        owner_type = self.owner_type()
        if owner_type is OwnerType.INVOICE:
            return
        if not title:
            self.results_model.set_candidates([])
            self.search_status.setText(self.tr("Type a part of the title to search for."))
            return
        self.search_status.setText(self.tr("Searching…"))
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: search_owners(ctx, owner_type, title),
            on_done=self._found,
            on_error=lambda error: self.search_status.setText(bind_error_text(error)),
            lane=f"bind-search-{id(self)}",
        )

    def _found(self, candidates: list[OwnerCandidate]) -> None:
        self.results_model.set_candidates(candidates)
        self.search_status.setText(
            self.tr("%n found. Enter or double-click picks one.", "", len(candidates))
            if candidates
            else self.tr("Nothing found with that title.")
        )
        if candidates:
            self.results.setCurrentIndex(self.results_model.index(0, 0))

    def pick(self, row: int) -> None:
        candidate = self.results_model.candidate(row)
        if candidate is not None:
            self.set_owner_type(candidate.owner_type)
            self.owner_edit.setText(str(candidate.id))
            self.bind_button.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter searches in the search field and picks in the results; elsewhere it binds.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if focus is self.search_edit:
                self.search()
                return
            if focus is self.results:
                self.pick(self.results.currentIndex().row())
                return
        super().keyPressEvent(event)

    # -- sending ------------------------------------------------------------------------

    def submit(self, *, replace: bool = False) -> None:
        order, owner_id = self.lookup.order, self.owner_id()
        if self._busy.busy or order is None or owner_id is None:
            return
        order_id, owner_type = order.id, self.owner_type()
        self.error.hide()
        self._busy.start(self.tr("Binding…"))
        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: bind_order(ctx, order_id, owner_type, owner_id, replace=replace),
            on_done=self._done,
            on_error=self._failed,
            lane=f"bind-{id(self)}",
        )

    def _done(self, result: ChangeResult[Binding]) -> None:
        self._busy.stop()
        self.result_value = result
        self._context.message.emit(result.summary)
        self.bound.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop()
        self._update_button()
        if (
            isinstance(error, ExistingBinding)
            and not error.same
            and self.confirm(self, self.tr("Replace the link?"), self._replace_question(error))
        ):
            self.submit(replace=True)
            return
        offer_reread(self, self._context, error)
        self.error.setText(bind_error_text(error))
        self.error.show()

    def _replace_question(self, error: ExistingBinding) -> str:
        """Names both ends: the link there is, and the one that would take its place."""
        owner_id = self.owner_id()
        new = owner_label(self.owner_type().value, owner_id) if owner_id is not None else ""
        candidate = next((c for c in self.results_model.candidates() if c.id == owner_id), None)
        if candidate is not None and candidate.title:
            new = f"{new} «{candidate.title}»"
        return self.tr(
            "Order {order} is bound to {old}. An order has one link: replace it with {new}?"
        ).format(
            order=error.binding.order_id,
            old=owner_label(error.binding.owner_type_id, error.binding.owner_id),
            new=new,
        )

    def accepted_binding(self) -> Any:
        return self.result_value.value if self.result_value else None
