"""``b24-console listen`` as a child process of the window.

Intake and the window in one interpreter share one lock: at a few hundred events a second
the listener's parsing, verification and redaction hold it often enough to make the
window stutter. As a child process the listener has its own interpreter; the window
reads what it stores (:class:`console.store.tail.StoreTail`). This is also how a team
runs it: the listener on a server, the consoles reading the shared store.

The child speaks ``listen --json``: one JSON object per line on stdout (``listening``
with the URL and handler URLs, ``catch-up`` reports, ``stopped``, or ``error`` with the
exit code's reason).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.core.program import own_command
from console.listener.catchup import CatchUpReport

log = logging.getLogger(__name__)

# `listen`'s exit code when it cannot take its address (ExitCode.NETWORK).
NETWORK_EXIT = 4
# Where a store password may sit in our environment (console.store.postgres.password).
_PASSWORD_VARIABLES = ("B24_STORE_PASSWORD", "PGPASSWORD")
# How much lower the child's CPU priority is than the window's. On two cores busy with
# intake, a sender and other programs, the GUI thread must get a core the moment it wakes;
# the listener loses a few milliseconds of latency per event instead, which no one sees.
CHILD_NICENESS = 5


def yield_cpu_to_window() -> None:
    """Make this process (the window's child listener) give way to the window for the CPU.

    A higher niceness gives it a smaller share when both want a core; ``SCHED_BATCH`` tells
    the kernel it is throughput work, so its wake-ups (each request) never preempt the
    GUI thread. Called first thing in the child, before it starts any thread: threads
    inherit both. Where the system does not offer one, the child runs without it.
    """
    try:
        os.nice(CHILD_NICENESS)
    except (AttributeError, OSError) as exc:
        log.debug("cannot lower the listener's priority: %s", exc)
    batch = getattr(os, "SCHED_BATCH", None)
    if batch is None:
        return
    try:
        os.sched_setscheduler(0, batch, os.sched_param(0))
    except OSError as exc:
        log.debug("cannot make the listener a batch process: %s", exc)


class ListenerChildFailed(RuntimeError):
    """The child stopped before it listened; ``exit_code`` is the command's exit code."""

    def __init__(self, message: str, exit_code: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass
class ChildCatchUp:
    """What the window shows of one of the child's catch-up pollers."""

    profile: str
    interval_seconds: float
    last_report: CatchUpReport | None = None
    next_pass_at: datetime | None = None


@dataclass
class ListenerChild:
    """Starts, watches and stops ``b24-console listen`` in a child process."""

    data_dir: Path | None = None
    # The store's URL (never with a password: a URL with one cannot be parsed); the child
    # finds the password in the keyring itself, as the window did.
    store_url: str | None = None
    extra_args: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None
    # Written to the child's standard input, then closed: secrets it must not take on
    # its command line (the demo's sandbox credentials).
    stdin_text: str | None = None
    base_url: str = ""
    handlers: dict[str, str] = field(default_factory=dict)
    catch_ups: dict[str, ChildCatchUp] = field(default_factory=dict)
    _process: subprocess.Popen[str] | None = None
    _ready: threading.Event = field(default_factory=threading.Event)
    # Set when the child's stdout has been read to its end.
    _out_done: threading.Event = field(default_factory=threading.Event)
    _error: str | None = None
    _stderr_tail: list[str] = field(default_factory=list)

    def command(self) -> list[str]:
        command = [*own_command(), "listen", "--json", "--child-of-window"]
        if self.data_dir is not None:
            command += ["--data-dir", str(self.data_dir)]
        if self.store_url is not None:
            command += ["--store", self.store_url]
        return command + self.extra_args

    def environment(self) -> dict[str, str]:
        """The child's environment: ours, without a store password in it.

        A password in the environment of a process can be read by others (``ps e``,
        /proc/PID/environ of the same user): the child reads the keyring instead.
        """
        env = dict(os.environ if self.env is None else self.env)
        for name in _PASSWORD_VARIABLES:
            env.pop(name, None)
        # The child's lines must arrive as they are written, not when a buffer fills.
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def start(self, timeout: float = 60.0) -> None:
        """Start the child and return once it listens; ListenerChildFailed if it cannot."""
        env = self.environment()
        self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            self.command(),
            stdin=subprocess.DEVNULL if self.stdin_text is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        process = self._process
        if self.stdin_text is not None:
            assert process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # it died at once: said below
                process.stdin.write(self.stdin_text)
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        threading.Thread(target=self._read_stdout, name="listener-child-out", daemon=True).start()
        threading.Thread(target=self._read_stderr, name="listener-child-err", daemon=True).start()
        while not self._ready.wait(0.1):
            if process.poll() is not None or timeout <= 0:
                break
            timeout -= 0.1
        if self._ready.is_set():
            return
        if process.poll() is None:
            self.stop()
            raise ListenerChildFailed("the listener did not start in time", None)
        process.wait()
        self._out_done.wait(5)
        message = self._error or " ".join(self._stderr_tail[-3:]) or "the listener stopped"
        raise ListenerChildFailed(message, process.returncode)

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def handler_urls(self) -> dict[str, str]:
        return dict(self.handlers)

    def poll_now(self) -> None:
        """Ask the child's catch-up pollers for a pass now (SIGUSR1, as `listen` takes it)."""
        if self.running and hasattr(signal, "SIGUSR1"):
            assert self._process is not None
            self._process.send_signal(signal.SIGUSR1)

    def reload(self) -> None:
        """Have the child re-read the profiles and their secrets (SIGHUP, as `listen` takes it)."""
        if self.running and hasattr(signal, "SIGHUP"):
            assert self._process is not None
            self._process.send_signal(signal.SIGHUP)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (the child stops its pollers, listener and store in order), then kill."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("the listener did not stop within %s s; killing it", timeout)
            process.kill()
            process.wait()

    # -- reading the child ------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict):
                self._take(message)
        self._out_done.set()

    def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        for line in self._process.stderr:
            text = line.strip()
            if text:
                self._stderr_tail = [*self._stderr_tail[-19:], text]

    def _take(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "listening":
            self.base_url = str(message.get("url", ""))
            handlers = message.get("handlers")
            self.handlers = dict(handlers) if isinstance(handlers, dict) else {}
            self._ready.set()
        elif kind == "catch-up-polling":
            profile = str(message.get("profile", ""))
            interval = float(message.get("interval_seconds") or 60.0)
            self.catch_ups[profile] = ChildCatchUp(profile, interval)
        elif kind == "catch-up":
            self._catch_up_report(message)
        elif "error" in message:
            self._error = str(message["error"])

    def _catch_up_report(self, message: dict[str, Any]) -> None:
        profile = str(message.get("profile", ""))
        poller = self.catch_ups.setdefault(profile, ChildCatchUp(profile, 60.0))
        now = datetime.now(UTC)
        poller.last_report = CatchUpReport(
            profile=profile,
            changes=int(message.get("changes") or 0),
            recorded=int(message.get("recorded") or 0),
            covered=int(message.get("covered") or 0),
            finished_at=now,
            error=message.get("error"),
            standby=bool(message.get("standby")),
        )
        poller.next_pass_at = now + timedelta(seconds=poller.interval_seconds)
