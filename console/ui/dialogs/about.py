"""Help → About: versions, the keyring in use, and the console's folders, each one click away.

The keyring is asked on a worker: a locked collection can keep the answer waiting.
"""

from __future__ import annotations

import html
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from console.core.paths import config_dir, data_dir, log_dir
from console.core.versions import program_version, python_version
from console.ui.folders import folder_url, open_folder
from console.ui.jobs import JobContext, JobRunner
from console.ui.untrusted import PlainLabel


def keyring_backend_name() -> str:
    """The keyring backend in use, or why there is none (runs on a worker)."""
    from console.core.credentials import CredentialsError, SecretStore

    try:
        return SecretStore().check_backend()
    except CredentialsError as exc:
        return QCoreApplication.translate("AboutDialog", "not usable: %1").replace("%1", str(exc))


class AboutDialog(QDialog):
    """What this console is and where it keeps its files."""

    def __init__(
        self, jobs: JobRunner, parent: QWidget | None = None, *, data_folder: Path | None = None
    ) -> None:
        """``data_folder``: where the running console keeps its store (the demo's own
        temporary folder, or the one --data-dir chose); None: the usual one."""
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About b24-console"))
        title = QLabel(f"<b>b24-console {html.escape(program_version())}</b>")  # notr
        description = QLabel(
            self.tr(
                "The operator console for Bitrix24 online-store back offices that take "
                "orders from Horoshop."
            )
        )
        description.setWordWrap(True)

        form = QFormLayout()
        self.qt_label = QLabel(
            self.tr("Qt %1 (PySide6 %2)")
            .replace("%1", qVersion())
            .replace("%2", PySide6.__version__)
        )
        self.python_label = QLabel(python_version())
        self.keyring_label = PlainLabel(self.tr("checking…"))
        self.keyring_label.setObjectName("aboutKeyring")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Qt:"), self.qt_label)
        form.addRow(self.tr("Python:"), self.python_label)
        form.addRow(self.tr("Keyring:"), self.keyring_label)
        self.folder_labels: dict[str, QLabel] = {}
        for key, label, path in (
            ("data", self.tr("Data folder:"), data_folder or data_dir()),
            ("config", self.tr("Settings folder:"), config_dir()),
            ("log", self.tr("Log folder:"), log_dir()),
        ):
            link = self._folder_link(path)
            link.setObjectName(f"about_{key}")
            self.folder_labels[key] = link
            form.addRow(label, link)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(description)
        layout.addLayout(form)
        layout.addWidget(buttons)
        # Wide enough for a keyring's explanation that arrives after the dialog is laid out.
        self.setMinimumWidth(560)

        def backend(_context: JobContext) -> str:
            return keyring_backend_name()

        job = jobs.submit(backend, on_done=self._show_backend, on_error=self._show_backend_error)
        # Closed before the keyring answered: the answer has no label left to go to.
        self.finished.connect(lambda _result: job.cancel())

    def _folder_link(self, path: Path) -> QLabel:
        url = folder_url(path).toString()
        link = QLabel(f'<a href="{html.escape(url)}">{html.escape(str(path))}</a>')  # notr
        link.setTextFormat(Qt.TextFormat.RichText)
        link.setToolTip(self.tr("Open in the file manager"))
        link.linkActivated.connect(lambda _url, folder=path: open_folder(folder, self))
        return link

    def _show_backend(self, name: str) -> None:
        self.keyring_label.setText(name)
        self.adjustSize()  # a long explanation wraps onto lines the first layout had not

    def _show_backend_error(self, error: BaseException) -> None:
        self._show_backend(self.tr("not usable: %1").replace("%1", str(error)))
