"""Dark mode that follows the OS: Fusion with a dark palette when the OS scheme is dark."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# "dark" or "light" overrides the OS (screenshots, desktops that report no scheme).
THEME_ENV = "B24_CONSOLE_THEME"


def os_prefers_dark() -> bool:
    """True when the platform reports a dark colour scheme (Qt 6.5+), or the override says so."""
    override = os.environ.get(THEME_ENV, "").lower()
    if override in ("dark", "light"):
        return override == "dark"
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#2b2d30"), QColor("#1e1f22"), QColor("#dfe1e5")
    disabled = QColor("#7a7e85")
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: QColor("#25272a"),
        QPalette.ColorRole.ToolTipBase: QColor("#3c3f41"),
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: disabled,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#3c3f41"),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#ff6b6b"),
        QPalette.ColorRole.Highlight: QColor("#2f65ca"),
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: QColor("#6ea8fe"),
        QPalette.ColorRole.Mid: QColor("#4e5157"),
        QPalette.ColorRole.Dark: QColor("#1a1b1e"),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(app: QApplication, *, dark: bool | None = None) -> bool:
    """Fusion everywhere (one look to test); the dark palette when ``dark`` (or the OS) says so.

    Returns whether the dark palette is in use.
    """
    if dark is None:
        dark = os_prefers_dark()
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    return dark


def follow_os_scheme(app: QApplication) -> None:
    """Re-apply the theme whenever the OS switches between light and dark."""
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
