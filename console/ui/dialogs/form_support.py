"""What every operator form shares: running an operation in a job against a profile,
errors in words, field problems next to their fields, a busy button.

The forms hold no protocol logic: they collect values, call ``console.operations`` in a
job and show what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from console.ui.context import ConsoleContext
from console.ui.jobs import Job, JobContext
from console.ui.language import bitrix_lid
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.untrusted import PlainLabel
from console.ui.wording import translated_form_problem

if TYPE_CHECKING:
    from console.operations.base import OperationContext

T = TypeVar("T")

ERROR_STYLE = "color: #c62828;"
OK_STYLE = "color: #2e7d32;"


def ui_language() -> str:
    """The interface language as Bitrix24 names it (``lid``: ``en``, ``ua``)."""
    return bitrix_lid()


def guarded(owner: QObject, fn: Callable[[T], None]) -> Callable[[T], None]:
    """``fn`` unless ``owner`` was deleted meanwhile (a dialog closed while its job ran)."""

    def call(value: T) -> None:
        if shiboken6.isValid(owner):
            fn(value)

    return call


def run_operation(
    owner: QObject,
    context: ConsoleContext,
    profile: str,
    operation: Callable[[OperationContext], T],
    *,
    on_done: Callable[[T], None],
    on_error: Callable[[BaseException], None],
    lane: str | None = None,
) -> Job | None:
    """Run ``operation(ctx)`` in a job on a context for ``profile`` (client closed after);
    the callbacks run only while ``owner`` exists.

    Returns None (and reports through ``on_error``) while the console is not running.
    """
    console = context.console
    if console is None:
        on_error(
            RuntimeError(
                QCoreApplication.translate(
                    "Forms", "The console is still starting; try again in a moment."
                )
            )
        )
        return None
    operator = context.settings.operator
    calls = context.portal_calls

    def work(job: JobContext) -> T:
        del job
        from console.operations.base import (
            ChangeOutcomeUnknown,
            OperationContext,
            current_operator,
        )

        client = console.client_for(profile)
        ctx = OperationContext(client, profile, console.store, current_operator(operator))
        keep_open = False
        # The status bar shows a call that takes long; Quit closes its client.
        token = calls.begin(profile, client.close)
        try:
            return operation(ctx)
        except ChangeOutcomeUnknown:
            # Its reread() reads through this client, later, from the dialog: keep it open.
            keep_open = True
            raise
        finally:
            calls.end(token)
            if not keep_open:
                client.close()

    return context.jobs.submit(
        work, on_done=guarded(owner, on_done), on_error=guarded(owner, on_error), lane=lane
    )


def error_text(error: BaseException) -> str:
    """One sentence for the operator: the portal's reason, the field problems, or the error."""
    from console.operations.base import InvalidInput, OperationError

    if isinstance(error, InvalidInput):
        return " ".join(translated_form_problem(text) for text in error.problems.values())
    if isinstance(error, OperationError):
        # The portal's refusals are worded by console.bitrix.errors.user_message.
        return QCoreApplication.translate("PortalErrors", error.message)
    text = str(error).strip()
    return text or type(error).__name__


def offer_reread(owner: QWidget, context: ConsoleContext, error: BaseException) -> None:
    """A change sent without an answer: open the dialog that re-reads the portal before any
    retry. Any other error is left to the form."""
    from console.operations.base import ChangeOutcomeUnknown

    if not isinstance(error, ChangeOutcomeUnknown):
        return
    from console.ui.dialogs.outcome_unknown import OutcomeUnknownDialog

    dialog = OutcomeUnknownDialog(context, error, owner)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


class ProblemLabel(PlainLabel):
    """A field's problem; in a form its whole row hides while there is none."""

    form: QFormLayout | None = None


def problem_label() -> ProblemLabel:
    """The red line under a field that says what is wrong with it (hidden when fine)."""
    label = ProblemLabel()
    label.setStyleSheet(ERROR_STYLE)
    # Word-wrapped labels are given room for more lines than they use: keep the text up
    # against its field.
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def add_problem_row(form: QFormLayout, label: ProblemLabel) -> None:
    """Put ``label`` under the previous row; a hidden row takes no space."""
    label.form = form
    form.addRow("", label)
    form.setRowVisible(label, False)


def show_problem(label: QLabel, text: str | None) -> None:
    label.setText(sentence(text) if text else "")
    form = label.form if isinstance(label, ProblemLabel) else None
    if form is not None:
        form.setRowVisible(label, bool(text))
    else:
        label.setVisible(bool(text))
    if text:
        fit_height(label.window())


def sentence(text: str) -> str:
    """A problem as the operator reads it: starting with a capital (the core's reasons
    start lowercase, to be quoted after a field's name on the command line)."""
    return text[:1].upper() + text[1:]


def fit_height(window: QWidget) -> None:
    """Grow ``window`` by what its wrapped lines lack at their width.

    A layout's minimum ignores height-for-width: a problem that wraps to a second line
    was drawn over the row below it instead of making the dialog taller.
    """
    layout = window.layout()
    if layout is None:
        return
    for _attempt in range(3):
        layout.activate()
        lacking = sum(
            max(0, label.heightForWidth(label.width()) - label.height())
            for label in window.findChildren(QLabel)
            if label.isVisible() and label.wordWrap()
        )
        if lacking <= 0:
            return
        window.resize(window.width(), window.height() + lacking)


class BusyButton:
    """Shows progress on a button while a job runs: its text says so and it is disabled."""

    def __init__(self, button: QPushButton) -> None:
        self.button = button
        self._idle_text = button.text()
        self.busy = False

    def start(self, text: str) -> None:
        self.busy = True
        self._idle_text = self.button.text()
        self.button.setText(text)
        self.button.setEnabled(False)
        self.button.setCursor(Qt.CursorShape.BusyCursor)

    def stop(self, *, enabled: bool = True) -> None:
        self.busy = False
        self.button.setText(self._idle_text)
        self.button.setEnabled(enabled)
        self.button.unsetCursor()


class ProfileCombo(QComboBox):
    """The console's profiles; the chosen name in :meth:`profile`."""

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.choices = ChoiceModel(self)
        self.setModel(self.choices)
        self.reload()
        context.ready.connect(self.reload)

    def reload(self) -> None:
        current = self.profile()
        console = self._context.console
        names = console.profile_names() if console is not None else []
        if names == [choice.value for choice in self.choices.choices()]:
            return
        self.choices.set_choices([Choice(name, name) for name in names])
        self.select(current or self._context.settings.default_profile or "")

    def showEvent(self, event: QShowEvent) -> None:
        # Profiles may have been added on the Connections page since.
        self.reload()
        super().showEvent(event)

    def select(self, name: str) -> None:
        row = self.choices.row_of(name)
        if row >= 0:
            self.setCurrentIndex(row)
        elif self.count():
            self.setCurrentIndex(0)

    def profile(self) -> str:
        value = self.choices.value(self.currentIndex())
        return value if isinstance(value, str) else ""


def shortcut(
    keys: str,
    parent: QWidget,
    slot: Callable[[], object],
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    made = QShortcut(QKeySequence(keys), parent)
    made.setContext(context)
    made.activated.connect(lambda: slot())
    return made


def focus_through(field: QWidget, target: QWidget) -> None:
    """A field made of several widgets passes the focus on to ``target``.

    Its own focus policy must not be NoFocus: a form label's mnemonic (Alt+letter)
    focuses its buddy only if the buddy takes focus, and the buddy is the whole field.
    Without it the focus stayed where it was, and a secret meant for this field was
    typed into the previous one, in clear text.
    """
    field.setFocusProxy(target)
    field.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def make_primary(buttons: QDialogButtonBox, primary: QPushButton) -> None:
    """Enter presses ``primary`` wherever the focus is (other buttons never take it over)."""
    for button in buttons.buttons():
        if isinstance(button, QPushButton):
            button.setAutoDefault(False)
    primary.setDefault(True)
