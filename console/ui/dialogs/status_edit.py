"""Add or edit one status of the dictionary: checked as the operator types, saved in a job.

Every check is ``console.operations.statuses.validate_status_fields``; the dialog shows
each problem under its field and keeps Save disabled while there is one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
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

from console.bitrix.statuses import Language
from console.operations.base import ChangeOutcomeUnknown, ChangeResult, InvalidInput
from console.operations.statuses import (
    StatusEdit,
    StatusRow,
    add_status,
    type_lock_reason,
    update_status,
    validate_status_fields,
)
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    add_problem_row,
    error_text,
    make_primary,
    offer_reread,
    problem_label,
    run_operation,
    shortcut,
    show_problem,
)
from console.ui.models.choices import Choice, ChoiceModel, swatch_icon
from console.ui.models.statuses import StatusNamesModel
from console.ui.untrusted import PlainLabel
from console.ui.wording import translated_form_problem


class StatusEditDialog(QDialog):
    """``row`` None adds a status; else edits it. ``saved(StatusRow)`` after the portal
    confirmed; ``outcome_unknown(error)`` when it did not answer."""

    saved = Signal(object)
    outcome_unknown = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        profile: str,
        row: StatusRow | None,
        languages: list[Language],
        lang: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._profile = profile
        self._current = row
        self._lang = lang
        self.result_row: StatusRow | None = None
        self.problems: dict[str, str] = {}
        # Fields the operator has changed: only their problems show until Save is tried
        # (a new status is not wrong before anything was typed).
        self._touched: set[str] = set()
        self._tried = False
        editing = row is not None
        self.setWindowTitle(
            self.tr("Edit status {id}").format(id=row.id) if row else self.tr("Add a status")
        )
        self.setMinimumWidth(520)

        self.id_edit = QLineEdit(row.id if row else "")
        self.id_edit.setMaxLength(8)
        self.id_edit.setReadOnly(editing)
        self.id_edit.setPlaceholderText(self.tr("one or two Latin letters or digits"))
        self.type_choices = ChoiceModel(self)
        self.type_choices.set_choices(
            [Choice(self.tr("Order"), "O"), Choice(self.tr("Delivery"), "D")]
        )
        self.type_combo = QComboBox()
        self.type_combo.setModel(self.type_choices)
        self.type_combo.setCurrentIndex(self.type_choices.row_of(row.type if row else "O"))
        self.type_lock = QLabel()
        self.type_lock.setWordWrap(True)
        reason = type_lock_reason(row.id) if row else None
        if reason:
            self.type_combo.setEnabled(False)
            self.type_lock.setText(translated_form_problem(reason))
        self.type_lock.setVisible(bool(reason))
        self.notify_check = QCheckBox(self.tr("Notify the customer on this status"))
        self.notify_check.setChecked(row.notify if row else True)
        self.sort_edit = QLineEdit(str(row.sort) if row else "100")
        self.color_edit = QLineEdit(row.color or "" if row else "")
        self.color_edit.setPlaceholderText("#RRGGBB")  # notr
        self.color_edit.setMaxLength(7)
        self.swatch = QLabel()
        self.swatch.setFixedSize(22, 22)
        self.color_button = QPushButton(self.tr("Choose…"))
        self.color_button.clicked.connect(self._pick_color)
        # Enter belongs to Save: a focused helper button must not take it (and open the
        # colour picker instead of saving).
        self.color_button.setAutoDefault(False)
        self.xml_edit = QLineEdit(row.xml_id or "" if row else "")

        names = {lang_.lid: lang_.name or lang_.lid for lang_ in languages}
        self.names_model = StatusNamesModel(names, self)
        self.names_model.set_names(dict(row.names) if row else {lang: ""})
        self.names_view = QTableView()
        self.names_view.setModel(self.names_model)
        self.names_view.verticalHeader().hide()
        self.names_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.names_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.names_view.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        self.names_view.setMinimumHeight(120)
        self.add_name_button = QPushButton(self.tr("Add language"))
        self.add_name_button.clicked.connect(self._add_name)
        self.remove_name_button = QPushButton(self.tr("Remove"))
        self.remove_name_button.clicked.connect(self._remove_name)
        self.add_name_button.setAutoDefault(False)
        self.remove_name_button.setAutoDefault(False)

        self.id_problem = problem_label()
        self.type_problem = problem_label()
        self.sort_problem = problem_label()
        self.color_problem = problem_label()
        self.xml_problem = problem_label()
        self.names_problem = problem_label()
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Id:"), self.id_edit)
        add_problem_row(form, self.id_problem)
        form.addRow(self.tr("&Type:"), self.type_combo)
        form.addRow("", self.type_lock)
        form.setRowVisible(self.type_lock, bool(reason))
        add_problem_row(form, self.type_problem)
        form.addRow("", self.notify_check)
        form.addRow(self.tr("&Sort:"), self.sort_edit)
        add_problem_row(form, self.sort_problem)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.swatch)
        colour_row.addWidget(self.color_edit, 1)
        colour_row.addWidget(self.color_button)
        colour_label = QLabel(self.tr("&Colour:"))
        colour_label.setBuddy(self.color_edit)
        form.addRow(colour_label, colour_row)
        add_problem_row(form, self.color_problem)
        form.addRow(self.tr("&xmlId:"), self.xml_edit)
        add_problem_row(form, self.xml_problem)
        names_buttons = QHBoxLayout()
        names_buttons.addWidget(self.add_name_button)
        names_buttons.addWidget(self.remove_name_button)
        names_buttons.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        make_primary(self.buttons, self.save_button)
        self._busy = BusyButton(self.save_button)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Names per language:")))
        layout.addWidget(self.names_view, 1)
        layout.addLayout(names_buttons)
        layout.addWidget(self.names_problem)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        for key, edit in (
            ("id", self.id_edit),
            ("sort", self.sort_edit),
            ("color", self.color_edit),
            ("xml_id", self.xml_edit),
        ):
            edit.textChanged.connect(lambda _t, key=key: self._touch(key))
        self.type_combo.currentIndexChanged.connect(lambda _i: self._touch("type"))
        self.names_model.dataChanged.connect(lambda *_a: self._touch("names"))
        self.names_model.rowsInserted.connect(lambda *_a: self.validate())
        self.names_model.rowsRemoved.connect(lambda *_a: self._touch("names"))
        # Enter in the names table edits a cell; Ctrl+Enter saves from anywhere.
        shortcut("Ctrl+Return", self, self.save)
        QWidget.setTabOrder(self.id_edit, self.type_combo)
        QWidget.setTabOrder(self.type_combo, self.notify_check)
        QWidget.setTabOrder(self.notify_check, self.sort_edit)
        QWidget.setTabOrder(self.sort_edit, self.color_edit)
        QWidget.setTabOrder(self.color_edit, self.color_button)
        QWidget.setTabOrder(self.color_button, self.xml_edit)
        QWidget.setTabOrder(self.xml_edit, self.names_view)
        QWidget.setTabOrder(self.names_view, self.add_name_button)
        QWidget.setTabOrder(self.add_name_button, self.remove_name_button)
        (self.sort_edit if editing else self.id_edit).setFocus()
        self.validate()

    # -- values -------------------------------------------------------------------------

    def status_type(self) -> str:
        value = self.type_choices.value(self.type_combo.currentIndex())
        return value if isinstance(value, str) else ""

    def names(self) -> dict[str, str]:
        """The names to send: "" for a language the operator removed."""
        names = {lid: name.strip() for lid, name in self.names_model.names().items()}
        if self._current is not None:
            for lid in self._current.names:
                names.setdefault(lid, "")
        return names

    def edit(self) -> StatusEdit:
        color = self.color_edit.text().strip()
        return StatusEdit(
            id=self.id_edit.text().strip().upper(),
            type=self.status_type(),
            notify=self.notify_check.isChecked(),
            sort=int(self.sort_edit.text().strip()),
            color=color.upper() if color else None,
            xml_id=self.xml_edit.text().strip() or None,
            names=self.names(),
        )

    def _touch(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def validate(self) -> bool:
        """Check every field now; show each problem under a field the operator changed
        (every one once Save was tried); Save only when fine."""
        problems = validate_status_fields(
            id=self.id_edit.text(),
            type=self.status_type(),
            sort=self.sort_edit.text(),
            color=self.color_edit.text(),
            xml_id=self.xml_edit.text(),
            names=self.names_model.names(),
            current_type=self._current.type if self._current else None,
        )
        self._show_problems(problems)
        # The swatch shows only what the check accepts ("red" is a colour to Qt, not to
        # the portal).
        color = QColor(self.color_edit.text().strip())
        shown = color.name() if color.isValid() and "color" not in problems else None
        self.swatch.setPixmap(swatch_icon(shown, 20).pixmap(20, 20))
        return not problems

    def _show_problems(self, problems: dict[str, str]) -> None:
        problems = {key: translated_form_problem(text) for key, text in problems.items()}
        self.problems = problems
        if not self._tried:
            problems = {
                key: text for key, text in problems.items() if key.split(".", 1)[0] in self._touched
            }
        show_problem(self.id_problem, problems.get("id"))
        show_problem(self.type_problem, problems.get("type"))
        show_problem(self.sort_problem, problems.get("sort"))
        show_problem(self.color_problem, problems.get("color"))
        show_problem(self.xml_problem, problems.get("xml_id"))
        names = [f"{key[6:]}: {text}" for key, text in problems.items() if key.startswith("names.")]
        show_problem(self.names_problem, " ".join(names))
        if not self._busy.busy:
            self.save_button.setEnabled(not problems)

    # -- actions ------------------------------------------------------------------------

    def _pick_color(self) -> None:
        initial = QColor(self.color_edit.text().strip())
        chosen = QColorDialog.getColor(
            initial if initial.isValid() else QColor("#FFFFFF"), self, self.tr("Status colour")
        )
        if chosen.isValid():
            self.color_edit.setText(chosen.name().upper())

    def _add_name(self) -> None:
        row = self.names_model.add_language()
        index = self.names_model.index(row, 2)
        self.names_view.setCurrentIndex(index)
        self.names_view.edit(index)

    def _remove_name(self) -> None:
        self.names_model.remove_row(self.names_view.currentIndex().row())

    def save(self) -> None:
        self._tried = True
        if self._busy.busy or not self.validate():
            return
        edit, current, lang = self.edit(), self._current, self._lang
        self.error.hide()
        self._busy.start(self.tr("Saving…"))

        def send(ctx: Any) -> ChangeResult[StatusRow]:
            if current is None:
                return add_status(ctx, edit, lang=lang)
            return update_status(ctx, edit, current=current)

        run_operation(
            self,
            self._context,
            self._profile,
            send,
            on_done=self._saved,
            on_error=self._failed,
            lane=f"status-edit-{id(self)}",
        )

    def _saved(self, result: ChangeResult[StatusRow]) -> None:
        self._busy.stop()
        self.result_row = result.value
        self.saved.emit(result.value)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop(enabled=not self.problems)
        if isinstance(error, InvalidInput):
            self._show_problems(error.problems)
        if isinstance(error, ChangeOutcomeUnknown):
            self.outcome_unknown.emit(error)
        offer_reread(self, self._context, error)
        self.error.setText(error_text(error))
        self.error.show()
