"""The team database's password, typed in the window when none was found.

The window never prompts on a terminal, so without this dialog a team database with no
password in the keyring, B24_STORE_PASSWORD, PGPASSWORD or ~/.pgpass could only be fixed
from a terminal. What is typed is checked against the database in a job (a login, which
may take seconds on a slow network) and saved to the keyring only once the server took
it, exactly as ``b24-console store password URL`` does; the child listener then finds it
there. A wrong password keeps the dialog open and says so; the text is never shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.store.location import StoreLocation
from console.ui.dialogs.form_support import ERROR_STYLE, BusyButton, make_primary
from console.ui.jobs import JobContext, JobRunner
from console.ui.untrusted import PlainLabel


class StorePasswordDialog(QDialog):
    """``password_saved`` once the database accepted the password and the keyring kept it."""

    password_saved = Signal()

    def __init__(
        self,
        location: StoreLocation,
        jobs: JobRunner,
        reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("storePasswordDialog")
        self._location = location
        self._jobs = jobs
        self.setWindowTitle(self.tr("Team database password"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "The team database %1 needs the password of the login %2. It is checked "
                "with the database and then saved in the system keyring, where the listener "
                "and every command find it."
            )
            .replace("%1", location.display)
            .replace("%2", location.user or self.tr("(the default user)")),
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason_label = PlainLabel(reason, self)
        self.reason_label.setWordWrap(True)
        self.reason_label.setVisible(bool(reason))
        layout.addWidget(self.reason_label)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("storePassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("Password"))
        self.password_edit.setAccessibleName(self.tr("Password of the team database"))
        layout.addWidget(self.password_edit)
        self.error_label = PlainLabel(parent=self)
        self.error_label.setObjectName("storePasswordError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = QPushButton(self.tr("Connect"), self)
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.AcceptRole)
        make_primary(buttons, self.connect_button)
        self._busy = BusyButton(self.connect_button)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.password_edit.textChanged.connect(lambda _text: self.error_label.hide())

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _check(self) -> None:
        if self._busy.busy:
            return
        typed = self.password_edit.text()
        if not typed:
            self._show_error(self.tr("Type the password first."))
            return
        location = self._location

        def check(_job: JobContext) -> None:
            from console.store.postgres.password import check_and_save_password

            check_and_save_password(location, typed)

        self._busy.start(self.tr("Checking…"))
        self.password_edit.setEnabled(False)
        self._jobs.submit(check, on_done=self._saved, on_error=self._refused)

    def _saved(self, _result: None) -> None:
        self._busy.stop()
        self.password_edit.clear()
        self.password_saved.emit()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        from console.core.credentials import CredentialsError
        from console.store.postgres.access import StoreAuthFailed

        self._busy.stop()
        self.password_edit.setEnabled(True)
        self.password_edit.selectAll()
        self.password_edit.setFocus()
        if isinstance(exc, StoreAuthFailed):
            login = self._location.user or self.tr("(the default user)")
            self._show_error(
                self.tr("The database refused this password (or the login %1). Try again.").replace(
                    "%1", login
                )
            )
        elif isinstance(exc, CredentialsError):
            self._show_error(
                self.tr(
                    "The database took the password, but the keyring could not save it: %1"
                ).replace("%1", str(exc))
            )
        else:
            self._show_error(
                self.tr("The password could not be checked: %1").replace(
                    "%1", str(exc) or type(exc).__name__
                )
            )
