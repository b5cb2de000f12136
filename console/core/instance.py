"""One console per event store: a lock file next to the store, held while the console runs.

Two windows (or a window and a second window started from a launcher) on the same store
would both try to bind the listener port and both run catch-up passes against the same
portal. The window takes this lock before it starts anything and tells the operator which
process holds it when it cannot.

The lock is ``flock(2)`` on ``<store>.lock``: the kernel drops it when the process exits,
however it exits, so a crash never leaves a stale lock behind. The file itself stays; only
the lock on it matters, and its content (the holder's pid) is only for the message.
``fcntl`` is POSIX-only; a Windows build would need ``msvcrt.locking`` on the same file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from console.core.private_files import FILE_MODE, make_private_dir

STORE_FILE = "events.sqlite3"
LOCK_SUFFIX = ".lock"


class AlreadyRunning(Exception):
    """Another console holds the lock of this store; ``pid`` is its process id if known."""

    def __init__(self, pid: int | None, lock_path: Path) -> None:
        self.pid = pid
        self.lock_path = lock_path
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(f"{holder} is already running a console on {lock_path.parent}")


def lock_path_for(location: Path) -> Path:
    """The lock file for a data directory or a store file: ``<store file>.lock``.

    A path that does not exist yet counts as a directory unless it has a suffix, the
    way ``--data-dir DIR`` and ``.../events.sqlite3`` are written.
    """
    location = Path(location)
    is_dir = location.is_dir() or (not location.exists() and not location.suffix)
    store = location / STORE_FILE if is_dir else location
    return store.with_name(store.name + LOCK_SUFFIX)


class InstanceLock:
    """A held lock; ``release()`` (or leaving the ``with`` block, or exiting) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Free the lock; calling it again does nothing."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None


def acquire_instance_lock(location: Path) -> InstanceLock:
    """Take the single-instance lock of the store at ``location`` (a data dir or store file).

    Raises :class:`AlreadyRunning` when another process holds it, and ``OSError`` when
    the lock file cannot be created (for example, a read-only directory).
    """
    path = lock_path_for(location)
    make_private_dir(path.parent)
    # os.open descriptors are not inherited, so a child process (a listener started by
    # the window) never keeps the lock alive after the console exits.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        with contextlib.suppress(PermissionError):  # someone else's file: only read the pid
            os.fchmod(fd, FILE_MODE)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _read_pid(fd)
        os.close(fd)
        raise AlreadyRunning(pid, path) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return InstanceLock(path, fd)
