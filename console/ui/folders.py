"""Opening one of the console's folders in the desktop's file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from console.core.private_files import make_private_dir
from console.ui.untrusted import message_box


def folder_url(path: Path) -> QUrl:
    return QUrl.fromLocalFile(str(path))


def open_folder(path: Path, parent: QWidget | None) -> bool:
    """Open ``path`` (created first if missing) in the file manager; say so if that fails."""
    try:
        make_private_dir(path)
    except OSError as exc:
        _cannot_open(path, exc.strerror or str(exc), parent)
        return False
    if QDesktopServices.openUrl(folder_url(path)):
        return True
    _cannot_open(
        path,
        QCoreApplication.translate("Folders", "no file manager answered"),
        parent,
    )
    return False


def _cannot_open(path: Path, reason: str, parent: QWidget | None) -> None:
    message_box(
        parent,
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("Folders", "Cannot open the folder"),
        QCoreApplication.translate("Folders", "%1 could not be opened (%2). Open it by hand.")
        .replace("%1", str(path))
        .replace("%2", reason),
    ).exec()
