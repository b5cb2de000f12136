"""Files and directories only their owner can read: the store holds customers' names,
e-mails and phones, and the config directory names the operator's portals.

Modes are set with chmod after creating, so a permissive umask (022 is common) cannot
widen them, and a restrictive one cannot make the owner lose access.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) if needed; ``path`` itself, when created
    here, is 0700.

    A directory that already exists keeps its mode: it may be one the operator chose and
    shares on purpose. Parents keep the umask's mode (``~/.local/share`` is not ours).
    """
    path = Path(path)
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True)
    if created:
        # Another process may have created it meanwhile; making it private is still right.
        with contextlib.suppress(OSError):
            os.chmod(path, DIR_MODE)


def make_private_file(path: Path) -> None:
    """Make ``path`` 0600 if it exists and is ours; nothing when it is not."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600 unless it exists; an existing file is made 0600."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    make_private_file(path)
