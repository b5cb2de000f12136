"""Settings…: one editor per field of the declared settings schema
(:class:`console.core.settings.Settings`), labelled with the field's description, bounded
by its declared limits. Nothing here lists the settings by hand."""

from __future__ import annotations

import math
import types
import typing
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.core.settings import Settings, save_settings
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    error_text,
    focus_through,
    guarded,
    make_primary,
)
from console.ui.untrusted import PlainLabel

# Sections read when the console starts: a change applies after a restart.
RESTART_SECTIONS = frozenset({"listener", "catch_up", "retention"})
INT_MAX = 2_147_483_647


def _schema_tr(text: str) -> str:
    """The schema's names and descriptions are declared once in English; translated here."""
    return QCoreApplication.translate("Settings", text)


# How a choice of a Literal setting reads; a language by its own name, in its own language.
_CHOICE_LABELS: dict[str, str] = {
    "system": str(QT_TRANSLATE_NOOP("Settings", "As in the system")),
    "en": "English",  # notr
    "uk": "Українська",  # notr
}


def _choice_label(choice: str) -> str:
    label = _CHOICE_LABELS.get(choice, choice)
    return _schema_tr(label) if choice == "system" else label


def _optional(annotation: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _bounds(info: FieldInfo, kind: type) -> tuple[float, float]:
    low: float = -INT_MAX
    high: float = INT_MAX
    step = 1 if kind is int else 0.01
    for item in info.metadata:
        if isinstance(item, Ge):
            low = float(item.ge)  # type: ignore[arg-type]
        elif isinstance(item, Gt):
            low = float(item.gt) + step  # type: ignore[arg-type]
        elif isinstance(item, Le):
            high = float(item.le)  # type: ignore[arg-type]
        elif isinstance(item, Lt):
            high = float(item.lt) - step  # type: ignore[arg-type]
    return low, high


def _no_grouping() -> QLocale:
    """The interface's locale without thousands separators: a port reads 8765, not 8,765."""
    locale = QLocale()
    locale.setNumberOptions(locale.numberOptions() | QLocale.NumberOption.OmitGroupSeparator)
    return locale


class PlainDoubleSpinBox(QDoubleSpinBox):
    """Shows 90 and 2.5 (in the interface's locale, no thousands separator), not 90.00."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(_no_grouping())

    def textFromValue(self, value: float) -> str:
        text = self.locale().toString(value, "f", self.decimals())
        point = self.locale().decimalPoint()
        if point in text:
            text = text.rstrip("0").rstrip(point)
        return text


class FieldEditor(QWidget):
    """An editor for one simple field: bool, int, float or str, optionally "no limit";
    with ``choices`` a str field is picked from them (empty: none)."""

    changed = Signal()

    def __init__(
        self,
        name: str,
        info: FieldInfo,
        value: Any,
        parent: QWidget | None = None,
        *,
        choices: list[str] | None = None,
    ):
        super().__init__(parent)
        self.name = name
        kind, self.optional = _optional(info.annotation)
        self.kind = kind
        self.editor: QWidget
        if kind is bool:
            self.editor = QCheckBox()
            self.editor.setChecked(bool(value))
            self.editor.toggled.connect(lambda _v: self.changed.emit())
        elif kind is int:
            spin = QSpinBox()
            low, high = _bounds(info, int)
            spin.setRange(int(max(low, -INT_MAX)), int(min(high, INT_MAX)))
            spin.setValue(int(value if value is not None else info.default or low))
            spin.setLocale(_no_grouping())
            spin.valueChanged.connect(lambda _v: self.changed.emit())
            self.editor = spin
        elif kind is float:
            double = PlainDoubleSpinBox()
            low, high = _bounds(info, float)
            double.setDecimals(2)
            double.setRange(max(low, -1e9), min(high, 1e9))
            default = info.default if isinstance(info.default, int | float) else low
            double.setValue(float(value if value is not None else default))
            double.valueChanged.connect(lambda _v: self.changed.emit())
            self.editor = double
        elif typing.get_origin(kind) is typing.Literal:
            combo = QComboBox()
            for choice in typing.get_args(kind):
                combo.addItem(_choice_label(str(choice)), choice)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.editor = combo
        elif choices is not None:
            combo = QComboBox()
            if self.optional:
                combo.addItem(self.tr("(none)"), None)
            for choice in choices:
                combo.addItem(choice, choice)
            if value is not None and combo.findData(value) < 0:
                combo.addItem(str(value), value)  # a name no profile has (any more)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.editor = combo
        else:
            line = QLineEdit("" if value is None else str(value))
            line.textChanged.connect(lambda _t: self.changed.emit())
            self.editor = line
        self.none_check: QCheckBox | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.editor, 1)
        if self.optional and kind in (int, float):
            self.none_check = QCheckBox(self.tr("no limit"))
            self.none_check.setChecked(value is None)
            self.editor.setEnabled(value is not None)
            self.none_check.toggled.connect(self._none_toggled)
            layout.addWidget(self.none_check)
        focus_through(self, self.editor)

    def _none_toggled(self, checked: bool) -> None:
        self.editor.setEnabled(not checked)
        self.changed.emit()

    def value(self) -> Any:
        if self.none_check is not None and self.none_check.isChecked():
            return None
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QDoubleSpinBox):
            value = editor.value()
            return value if math.isfinite(value) else None
        if isinstance(editor, QComboBox):
            return editor.currentData()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        return None if not text and self.optional else text


def _simple(info: FieldInfo) -> bool:
    kind = _optional(info.annotation)[0]
    return kind in (bool, int, float, str) or typing.get_origin(kind) is typing.Literal


class SettingsDialog(QDialog):
    """Edits a copy of the context's settings; Save validates against the schema, writes
    the file in a job and updates the context. ``saved(Settings)`` then."""

    saved = Signal(object)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._original = context.settings.model_copy(deep=True)
        self.editors: dict[tuple[str, ...], FieldEditor] = {}
        self.setWindowTitle(self.tr("Settings"))
        self.resize(640, 640)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        loose = QFormLayout()
        for name, info in Settings.model_fields.items():
            value = getattr(self._original, name)
            if isinstance(value, BaseModel):
                body_layout.addWidget(self._section(name, info, value))
            elif _simple(info):
                self._add_field(loose, (name,), info, value)
        if loose.rowCount():
            general = QGroupBox(self.tr("General"))
            general.setLayout(loose)
            body_layout.addWidget(general)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        self.restart_note = QLabel()
        self.restart_note.setWordWrap(True)
        self.restart_note.hide()
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        self._busy = BusyButton(save)
        make_primary(self.buttons, save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.restart_note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for editor in self.editors.values():
            editor.changed.connect(self._changed)
        first = next(iter(self.editors.values()), None)
        if first is not None:
            first.setFocus()

    def _section(self, name: str, info: FieldInfo, value: BaseModel) -> QGroupBox:
        title = _schema_tr(info.description or name.replace("_", " ").capitalize())
        if name in RESTART_SECTIONS:
            title += self.tr(" (applies after a restart)")
        box = QGroupBox(title)
        form = QFormLayout(box)
        for field_name, field_info in type(value).model_fields.items():
            if _simple(field_info):
                self._add_field(form, (name, field_name), field_info, getattr(value, field_name))
        return box

    def _choices_for(self, path: tuple[str, ...]) -> list[str] | None:
        """The values a free-text setting can sensibly take: the default profile is one
        of the profiles."""
        if path != ("default_profile",):
            return None
        console = self._context.console
        return console.profile_names() if console is not None else []

    def _add_field(
        self, form: QFormLayout, path: tuple[str, ...], info: FieldInfo, value: Any
    ) -> None:
        editor = FieldEditor(path[-1], info, value, choices=self._choices_for(path))
        label = QLabel(_schema_tr(path[-1].replace("_", " ").capitalize()) + ":")
        label.setBuddy(editor.editor)
        if info.description:
            description = _schema_tr(info.description)
            label.setToolTip(description)
            editor.setToolTip(description)
            hint = QLabel(description)
            hint.setWordWrap(True)
            hint.setEnabled(False)
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(editor)
            column.addWidget(hint)
            form.addRow(label, column)
        else:
            form.addRow(label, editor)
        self.editors[path] = editor

    def values(self) -> Settings:
        """The edited settings, validated by the schema (pydantic's ValidationError)."""
        data = self._original.model_dump(mode="json")
        for path, editor in self.editors.items():
            target = data
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = editor.value()
        return Settings.model_validate(data)

    def restart_needed(self, settings: Settings) -> list[str]:
        """The changed sections that apply only after a restart (and the language, which
        the window takes once, when it starts)."""
        changed = [
            name
            for name in sorted(RESTART_SECTIONS)
            if getattr(settings, name) != getattr(self._original, name)
        ]
        if settings.window.language != self._original.window.language:
            changed.append("language")
        return changed

    def _changed(self) -> None:
        try:
            settings = self.values()
        except ValidationError as exc:
            self.error.setText(str(exc.errors()[0].get("msg", exc)))
            self.error.show()
            self.save_button.setEnabled(False)
            return
        self.error.hide()
        self.save_button.setEnabled(True)
        sections = self.restart_needed(settings)
        self.restart_note.setText(
            self.tr("Restart b24-console for these changes to apply: {sections}.").format(
                sections=", ".join(sections).replace("_", "-")
            )
        )
        self.restart_note.setVisible(bool(sections))

    def save(self) -> None:
        if self._busy.busy:
            return
        try:
            settings = self.values()
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self._busy.start(self.tr("Saving…"))
        snapshot = settings.model_copy(deep=True)
        self._context.jobs.submit(
            lambda job: save_settings(snapshot),
            on_done=guarded(self, lambda _r: self._saved(settings)),
            on_error=guarded(self, self._failed),
        )

    def _saved(self, settings: Settings) -> None:
        self._busy.stop()
        # The window reads settings through the context: update the shared object in place.
        for name in Settings.model_fields:
            setattr(self._context.settings, name, getattr(settings, name))
        self.saved.emit(settings)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop()
        self.error.setText(
            self.tr("Could not save the settings: {error}").format(error=error_text(error))
        )
        self.error.show()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.save_button.isEnabled():
            self.save()
            return
        super().keyPressEvent(event)
