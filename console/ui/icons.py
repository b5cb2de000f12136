"""The application's icon, from the PNGs rendered out of its SVG (packaging/render_icons.py).

The files sit inside the package (``console/ui/resources/icons/hicolor``), laid out as an
icon theme, so a wheel and the PyInstaller bundle carry them and the install script can
copy the tree into ``~/.local/share/icons/hicolor`` as it is.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

# The reverse-DNS id: the .desktop file's name, the AppStream id and the icon's name.
APP_ID = "ua.b24console.Console"
# What desktop environments ask for (menus 16-24, panels 32-48, launchers and HiDPI above).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICON_THEME_DIR = Path(__file__).resolve().parent / "resources" / "icons" / "hicolor"


def icon_svg_path() -> Path:
    return ICON_THEME_DIR / "scalable" / "apps" / f"{APP_ID}.svg"


def icon_png_path(size: int) -> Path:
    return ICON_THEME_DIR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def application_icon() -> QIcon:
    """Every rendered size (loaded lazily by Qt when one is first drawn); no SVG plugin
    is needed, so the icon looks the same wherever the imageformats plugins are missing."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png_path(size)), QSize(size, size))
    return icon
