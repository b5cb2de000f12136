"""The confirmation before secrets go into a copied cURL command."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_include_secrets(parent: QWidget | None) -> bool:
    """Ask before copying a command that carries the profile's real secrets."""

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("CurlConfirm", "Copy with secrets?"))
    box.setText(
        QCoreApplication.translate(
            "CurlConfirm", "Put this profile's real secrets into the copied command?"
        )
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "CurlConfirm",
            "The application token or the Horoshop URL secret goes back in only where the "
            "event carried that very secret (a forged event stays forged). Anyone who sees "
            "the command can then post events as your portal. Clear the clipboard after use.",
        )
    )
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes
