"""The program's version and those of the Python and Qt it runs on, without importing Qt.

Read from the installed packages' metadata, which costs a few milliseconds; importing Qt
only to print its version would cost ten times that (``--version`` must stay instant).
A bundle that carries no metadata falls back to the version in the source.
"""

from __future__ import annotations

import importlib.util
import platform
from importlib import metadata

from console import __version__

DISTRIBUTION = "b24-console"
# The wheels PySide6 comes in; each ships the Qt libraries of its own version.
_PYSIDE_DISTRIBUTIONS = ("PySide6-Essentials", "PySide6")


def program_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return __version__


def python_version() -> str:
    return f"{platform.python_version()} ({platform.python_implementation()})"


def pyside_version() -> str | None:
    """The installed PySide6's version (that of the Qt it ships), or None if it has none."""
    for name in _PYSIDE_DISTRIBUTIONS:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def version_text() -> str:
    """What ``b24-console --version`` prints: one line per component."""
    pyside = pyside_version()
    if pyside:
        qt = f"PySide6 {pyside} (Qt {pyside})"
    elif importlib.util.find_spec("PySide6") is not None:
        qt = "PySide6 of unknown version (no package metadata)"
    else:
        qt = "PySide6 not installed (no window)"
    return "\n".join([f"b24-console {program_version()}", f"Python {python_version()}", qt])
