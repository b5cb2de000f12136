"""A change was sent but no answer came: say so, and offer to read the entity again
before anything is retried (a blind retry could apply the change twice)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.operations.base import ChangeOutcomeUnknown
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    error_text,
    guarded,
    make_primary,
)
from console.ui.untrusted import PlainLabel


def describe_value(value: Any) -> str:
    """What a re-read returned, briefly: an entity's status, or its text."""
    status = getattr(value, "status_id", None)
    if status is not None:
        return QCoreApplication.translate("OutcomeUnknownDialog", "status {id}").format(id=status)
    if isinstance(value, list):
        return ", ".join(describe_value(item) for item in value) or "—"
    for name in ("owner_id", "id"):
        if hasattr(value, name):
            parts = [f"{key}={val}" for key, val in vars(value).items() if val is not None]
            return ", ".join(parts[:6])
    return str(value)


class OutcomeUnknownDialog(QDialog):
    """Shown for :class:`ChangeOutcomeUnknown`; "Re-read from the portal" runs ``reread()``
    in a job and shows what the portal has now. ``reread_done(value)`` then fires."""

    def __init__(
        self,
        context: ConsoleContext,
        error: ChangeOutcomeUnknown[Any],
        parent: QWidget | None = None,
        *,
        describe: Callable[[Any], str] = describe_value,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._error = error
        self._describe = describe
        self.reread_value: Any = None
        # The change-log entry that records the re-read's confirmation, when there is one.
        self.confirmation_id: int | None = None
        self.setWindowTitle(self.tr("Sent, but no answer"))
        self.setMinimumWidth(460)
        intro = QLabel(
            self.tr(
                "The change was sent to the portal, but no answer came back: it may or may "
                "not have been applied. Re-read it from the portal before trying again."
            )
        )
        intro.setWordWrap(True)
        # The intro already says what an unknown outcome means; below it, what happened on
        # the wire (a timeout, a dropped connection, an unexplained 5xx).
        cause = str(getattr(error, "error", "") or "") or error.message
        detail = PlainLabel(self.tr("What happened: %1").replace("%1", cause))
        detail.setWordWrap(True)
        detail.setStyleSheet(ERROR_STYLE)
        self.result_label = PlainLabel()
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.reread_button = QPushButton(self.tr("Re-read from the portal"))
        self.reread_button.clicked.connect(self.reread)
        self._busy = BusyButton(self.reread_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reread_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        make_primary(buttons, self.reread_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(detail)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.reread_button.setFocus()

    def reread(self) -> None:
        error = self._error

        def work(_job: object) -> tuple[Any, int | None]:
            value = error.reread()
            # When the portal has what was sent, the change log says so from now on.
            return value, error.confirm(value)

        self._busy.start(self.tr("Reading…"))
        self._context.jobs.submit(
            work,
            on_done=guarded(self, lambda result: self._read(*result)),
            on_error=guarded(self, self._failed),
            lane=f"outcome-{id(self)}",
        )

    def _read(self, value: Any, confirmation: int | None = None) -> None:
        self._busy.stop()
        self.reread_value = value
        self.confirmation_id = confirmation
        self.result_label.setStyleSheet("")
        if confirmation is not None:
            text = self.tr(
                "The portal has now: {what}. The change was applied; the change log and "
                "the order's timeline now say so. Do not send it again."
            )
            self._context.changes_recorded.emit()
        else:
            text = self.tr("The portal has now: {what}. Retry only if that is not what you wanted.")
        self.result_label.setText(text.format(what=self._describe(value)))
        self.result_label.show()
        self.adjustSize()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop()
        self.result_label.setStyleSheet(ERROR_STYLE)
        self.result_label.setText(
            self.tr("Could not read it again: {error}").format(error=error_text(error))
        )
        self.result_label.show()
        self.adjustSize()
