"""The Statuses page: the portal's order and delivery statuses, with add, edit, delete."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.bitrix.statuses import Language
from console.operations.statuses import StatusDictionary, StatusRow, delete_status, list_statuses
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ProfileCombo,
    error_text,
    run_operation,
    shortcut,
    ui_language,
)
from console.ui.dialogs.status_edit import StatusEditDialog
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.models.statuses import StatusColumn, StatusTableModel
from console.ui.views.pages import Confirm, StatusLine, ask, page_title


class StatusesPage(QWidget):
    """Loads on the first :meth:`activate`; ``loaded()`` after each load or change."""

    loaded = Signal()

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._lang = ui_language()
        self._languages: list[Language] = []
        self._activated = False
        self.dialog: StatusEditDialog | None = None
        # Replaceable so tests (and scripts) answer the delete question.
        self.confirm: Confirm = ask

        self.profile_combo = ProfileCombo(context)
        self.profile_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.type_choices = ChoiceModel(self)
        self.type_choices.set_choices(
            [
                Choice(self.tr("All types"), None),
                Choice(self.tr("Order"), "O"),
                Choice(self.tr("Delivery"), "D"),
            ]
        )
        self.type_combo = QComboBox()
        self.type_combo.setModel(self.type_choices)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.model = StatusTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(StatusColumn.NAME, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 50), (1, 90), (3, 70), (4, 70), (5, 100), (6, 120), (7, 70)):
            # Never narrower than the column's title: translated titles run longer.
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(
                column, max(width, header.fontMetrics().horizontalAdvance(title) + 24)
            )
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        shortcut("Return", self.table, self.edit_current, Qt.ShortcutContext.WidgetShortcut)
        shortcut("Delete", self.table, self.delete_current, Qt.ShortcutContext.WidgetShortcut)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._update_buttons())
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self.tr("Ed&it…"))
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.delete_button.clicked.connect(self.delete_current)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        self.status = StatusLine()

        top = QHBoxLayout()
        top.addWidget(page_title(self.tr("Statuses")))
        top.addStretch(1)
        profile_label = QLabel(self.tr("&Profile:"))
        profile_label.setBuddy(self.profile_combo)
        top.addWidget(profile_label)
        top.addWidget(self.profile_combo)
        type_label = QLabel(self.tr("&Show:"))
        type_label.setBuddy(self.type_combo)
        top.addWidget(type_label)
        top.addWidget(self.type_combo)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setFocusProxy(self.table)
        self._update_buttons()

    def activate(self) -> None:
        """The page is shown: load it the first time."""
        if not self._activated:
            self._activated = True
            self.reload()

    def reload(self) -> None:
        profile = self.profile_combo.profile()
        if not self._activated:
            return
        if not profile:
            self.status.fail(self.tr("No profile: add one on the Connections page."))
            return
        self.status.say(self.tr("Reading the statuses from {profile}…").format(profile=profile))
        lang = self._lang
        run_operation(
            self,
            self._context,
            profile,
            lambda ctx: list_statuses(ctx, lang),
            on_done=self._loaded,
            on_error=self._failed,
            lane=f"statuses-{id(self)}",
        )

    def _loaded(self, dictionary: StatusDictionary) -> None:
        self._languages = dictionary.languages
        self.model.set_rows(dictionary.rows)
        self._say_count()
        self._update_buttons()
        self.loaded.emit()

    def _say_count(self) -> None:
        self.status.say(
            self.tr(
                "%n statuses. Enter or double-click edits; Delete removes.",
                "",
                self.model.rowCount(),
            )
        )

    def _failed(self, error: BaseException) -> None:
        self.status.fail(
            self.tr("Could not read the statuses: {error}").format(error=error_text(error))
        )
        self.loaded.emit()

    def _type_changed(self, index: int) -> None:
        value = self.type_choices.value(index)
        self.model.set_type_filter(value if isinstance(value, str) else None)
        if self._activated and self.model.all_rows():
            self._say_count()
        self._update_buttons()

    def current(self) -> StatusRow | None:
        return self.model.status(self.table.currentIndex().row())

    def select(self, status_id: str) -> None:
        row = self.model.row_of(status_id)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _update_buttons(self) -> None:
        row = self.current()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None and not row.system)
        self.delete_button.setToolTip(
            self.tr("System statuses cannot be deleted.") if row is not None and row.system else ""
        )

    def _open(self, row: StatusRow | None) -> StatusEditDialog:
        dialog = StatusEditDialog(
            self._context, self.profile_combo.profile(), row, self._languages, self._lang, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add(self) -> StatusEditDialog:
        return self._open(None)

    def edit_current(self) -> StatusEditDialog | None:
        row = self.current()
        return self._open(row) if row is not None else None

    def _saved(self, row: Any) -> None:
        assert isinstance(row, StatusRow)
        self.model.put(row)
        self.select(row.id)
        self.status.say(self.tr("Status {id} saved.").format(id=row.id))
        self.loaded.emit()

    def delete_current(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.system:
            self.status.fail(
                self.tr("{id} is a system status: the portal does not let it be deleted.").format(
                    id=row.id
                )
            )
            return
        question = self.tr("Delete status {id} ({name}) from the portal?").format(
            id=row.id, name=row.name or row.id
        )
        if not self.confirm(self, self.tr("Delete status"), question):
            return
        self.status.say(self.tr("Deleting {id}…").format(id=row.id))
        self.delete_button.setEnabled(False)

        def done(_result: object) -> None:
            self.model.remove(row.id)
            self.status.say(self.tr("Status {id} deleted.").format(id=row.id))
            self._update_buttons()
            self.loaded.emit()

        def failed(error: BaseException) -> None:
            self.status.fail(
                self.tr("Could not delete {id}: {error}").format(id=row.id, error=error_text(error))
            )
            self._update_buttons()
            self.loaded.emit()

        run_operation(
            self,
            self._context,
            self.profile_combo.profile(),
            lambda ctx: delete_status(ctx, row),
            on_done=done,
            on_error=failed,
        )

    def index_of(self, status_id: str) -> QModelIndex:
        row = self.model.row_of(status_id)
        return self.model.index(row, 0) if row is not None else QModelIndex()
