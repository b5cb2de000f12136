"""How to start this same program again in a new process (the window's listener, the demo).

From a checkout, a wheel or a pipx/uv tool install that is this interpreter with
``-m console``. In a PyInstaller bundle ``sys.executable`` is the bundle's own binary,
which runs the command line directly and knows no ``-m``.
"""

from __future__ import annotations

import sys


def is_bundled() -> bool:
    """Whether this process runs from a frozen bundle (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def own_command() -> list[str]:
    """The argv prefix that runs ``b24-console``; append the command's own arguments."""
    if is_bundled():
        return [sys.executable]
    return [sys.executable, "-m", "console"]
