"""Runs a command the way the systemd unit confines it, where systemd itself is not PID 1.

``python -m tests.packaging.service_runner COMMAND...``: sets no_new_privs (the unit's
NoNewPrivileges=yes) and PR_SET_MDWE (the kernel's MemoryDenyWriteExecute: no mapping may
become writable and executable), becomes a subreaper, runs COMMAND, passes SIGTERM and
SIGHUP on to it, and once it exits ends whatever it left running (the keyring's bus and
daemon, as systemd's control group would). Exits with COMMAND's status; 3 when the kernel
refuses the confinement (too old), so the test can skip.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys

PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_MDWE = 65
PR_GET_MDWE = 66
PR_MDWE_REFUSE_EXEC_GAIN = 1
CONFINEMENT_UNAVAILABLE = 3


def _prctl(option: int, arg: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(option, arg, 0, 0, 0))


def _orphans() -> list[int]:
    mine = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if fields[1] == mine:
                found.append(int(entry))
    return found


def main() -> int:
    if _prctl(PR_SET_NO_NEW_PRIVS, 1) != 0 or _prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN) != 0:
        print("no_new_privs or PR_SET_MDWE refused by this kernel", file=sys.stderr)
        return CONFINEMENT_UNAVAILABLE
    assert _prctl(PR_GET_MDWE, 0) == PR_MDWE_REFUSE_EXEC_GAIN
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    child = subprocess.Popen(sys.argv[1:])
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda signum, frame: child.send_signal(signum))
    status = child.wait()
    for pid in _orphans():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    return status if status >= 0 else 128 - status


if __name__ == "__main__":
    sys.exit(main())
