"""``b24-console --self-test``: the program checks, in its own process, that its parts work here.

Each check exercises a real part (the OS keyring, a store in a temporary folder, the
listener on a loopback port, the sandbox portal through the REST client) and reports one
line. A check that fails says why and what to do; the others still run. Everything runs
in-process, so the check works the same from a PyInstaller bundle as from a checkout.

The window's check needs Qt and lives in :mod:`console.ui.selftest`; the command line
adds it to :func:`core_checks`.
"""

from __future__ import annotations

import secrets
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.core.logging import redact

if TYPE_CHECKING:
    # The store (pydantic) is imported when its check runs, not with the command line.
    from console.store import EventRecord


class CheckFailed(Exception):
    """A check found a problem: ``why`` it failed and ``what_to_do`` about it."""

    def __init__(self, why: str, what_to_do: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.what_to_do = what_to_do

    def __str__(self) -> str:
        return f"{self.why}; {self.what_to_do}" if self.what_to_do else self.why


@dataclass(frozen=True)
class Check:
    """One check: ``run`` returns what it verified, or raises.

    ``advice`` is what to do when ``run`` raises something other than :class:`CheckFailed`
    (which carries its own).
    """

    name: str
    run: Callable[[], str]
    advice: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str
    seconds: float


def run_check(check: Check) -> CheckResult:
    """Run one check; any exception becomes a failed result, never an escape."""
    started = time.monotonic()
    try:
        detail = check.run()
        passed = True
    except CheckFailed as exc:
        detail, passed = str(exc), False
    except Exception as exc:  # the report must go on: every other check still runs
        why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        detail, passed = f"{why}; {check.advice}", False
    # A failure can quote a URL or a value: the line goes to a terminal and to CI logs.
    return CheckResult(check.name, passed, redact(detail), time.monotonic() - started)


def run_checks(checks: Iterable[Check]) -> Iterator[CheckResult]:
    """Each check's result as soon as it is known, in order."""
    for check in checks:
        yield run_check(check)


def result_line(result: CheckResult) -> str:
    mark = "ok  " if result.passed else "FAIL"
    return f"{mark} {result.name}: {result.detail} ({result.seconds:.2f} s)"


def summary_line(results: list[CheckResult]) -> str:
    failed = [r.name for r in results if not r.passed]
    # Not "N passed, N failed": CI reads a line of that shape as a test runner's count.
    if not failed:
        return f"self-test passed: all {len(results)} checks"
    return f"self-test FAILED: {len(failed)} of {len(results)} checks ({', '.join(failed)})"


# -- the checks ------------------------------------------------------------------------

KEYRING_CHECK = "keyring"
STORE_CHECK = "store"
LISTENER_CHECK = "listener"
SANDBOX_CHECK = "sandbox"
LOG_CHECK = "log folder"


def check_keyring() -> str:
    """Write, read back and delete a throwaway secret; name the backend."""
    from console.core.credentials import CredentialsError, SecretStore

    store = SecretStore()
    name = f"self-test-{secrets.token_hex(6)}"
    value = secrets.token_urlsafe(24)
    try:
        backend = store.check_backend()
        store.set_installation_secret(name, value)
        try:
            read_back = store.get_installation_secret(name)
        finally:
            store.delete_installation_secret(name)
        left_behind = store.get_installation_secret(name)
    except CredentialsError as exc:  # its message already says what to install or unlock
        raise CheckFailed(str(exc)) from exc
    if read_back != value:
        raise CheckFailed(
            f"the keyring {backend} gave back another value than was written",
            "check the keyring daemon (restart it, or log out and in again)",
        )
    if left_behind is not None:
        raise CheckFailed(
            f"the keyring {backend} still holds a secret that was deleted",
            "check the keyring daemon (restart it, or log out and in again)",
        )
    return f"{backend}: wrote, read back and deleted a throwaway secret"


def _probe_record() -> EventRecord:
    from console.store import EventRecord, EventSource, Verification

    return EventRecord(
        received_at=datetime.now(UTC),
        source=EventSource.BITRIX,
        event="SELFTEST",
        verification=Verification.VERIFIED,
        payload={"self_test": True},
    )


def check_store() -> str:
    """Create and migrate a store in a temporary folder, write an event, reopen, read it."""
    from console.store import SCHEMA_VERSION, SqliteEventStore

    with tempfile.TemporaryDirectory(prefix="b24-console-self-test-") as folder:
        path = Path(folder) / "events.sqlite3"
        record = _probe_record()
        with SqliteEventStore(path) as store:
            problem = store.probe_write()
            if problem is not None:
                raise CheckFailed(
                    f"a new store in {folder} cannot be written: {problem}",
                    "check the free space and permissions of the temporary folder (TMPDIR)",
                )
            event_id = store.append(record).id
        # Opened again: the migrated schema is found as it was left, and the event kept.
        with SqliteEventStore(path, create=False) as store:
            stored = store.get(event_id)
        if stored is None or stored.payload != record.payload:
            raise CheckFailed(
                "an event written to a new store was not there when it was opened again",
                "report this: the store lost a committed event",
            )
    return (
        f"SQLite {sqlite3.sqlite_version}, schema version {SCHEMA_VERSION}: created and "
        "migrated a store in a temporary folder, wrote an event and read it back"
    )


def check_listener() -> str:
    """Start the listener on an ephemeral loopback port and ask its own /healthz."""
    import httpx

    from console.core.settings import ListenerSettings
    from console.listener.server import ListenerServer
    from console.listener.verification import StaticCredentialSource
    from console.store import SqliteEventStore

    with (
        tempfile.TemporaryDirectory(prefix="b24-console-self-test-") as folder,
        SqliteEventStore(Path(folder) / "events.sqlite3") as store,
    ):
        server = ListenerServer(
            store, StaticCredentialSource(), ListenerSettings(host="127.0.0.1", port=0)
        )
        try:
            server.start()
        except OSError as exc:
            raise CheckFailed(
                f"cannot listen on a loopback port: {exc}",
                "check that the loopback interface is up and that no firewall or sandbox "
                "forbids listening sockets",
            ) from exc
        try:
            answer = httpx.get(f"{server.base_url}/healthz", timeout=10, trust_env=False)
        finally:
            server.stop()
    if answer.status_code != 200:
        raise CheckFailed(
            f"the listener's /healthz on {server.base_url} answered {answer.status_code}: "
            f"{answer.text[:200]}",
            "read the log for the store's problem",
        )
    return f"bound {server.base_url} and its /healthz answered 200"


def check_sandbox() -> str:
    """Start the sandbox portal on loopback and call a REST method through the client."""
    from console.bitrix.auth import WebhookAuth
    from console.bitrix.client import BitrixClient
    from console.sandbox import SandboxConfig, SandboxPortal

    portal = SandboxPortal(SandboxConfig(host="127.0.0.1", port=0))
    try:
        portal.start()
    except OSError as exc:
        raise CheckFailed(
            f"the sandbox portal cannot listen on a loopback port: {exc}",
            "check that the loopback interface is up and that no firewall or sandbox "
            "forbids listening sockets",
        ) from exc
    try:
        with BitrixClient(WebhookAuth.from_url(portal.webhook_url)) as client:
            answer = client.call("sale.status.list")
    finally:
        portal.stop()
    result = answer.result
    statuses = result.get("statuses") if isinstance(result, dict) else None
    if not isinstance(statuses, list) or not statuses:
        raise CheckFailed(
            f"sale.status.list on the sandbox answered without statuses: {answer.result!r:.200}",
            "report this: the REST client and the sandbox disagree",
        )
    return f"the REST client called sale.status.list on the sandbox: {len(statuses)} statuses"


def check_log_folder() -> str:
    """The log folder exists (or can be made) and a file can be written in it."""
    from console.core.logging import log_file_path
    from console.core.private_files import make_private_dir

    path = log_file_path()
    try:
        make_private_dir(path.parent)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".self-test-"):
            pass
    except OSError as exc:
        raise CheckFailed(
            f"cannot write in the log folder {path.parent}: {exc.strerror or exc}",
            "make it writable, or point B24_CONSOLE_LOG_DIR at a folder that is",
        ) from exc
    return f"{path.parent} is writable"


def core_checks() -> list[Check]:
    """Every check that needs no Qt, in the order they run."""
    return [
        Check(
            KEYRING_CHECK,
            check_keyring,
            "check that a Secret Service keyring (gnome-keyring or KWallet) runs and is "
            "unlocked in this session",
        ),
        Check(
            STORE_CHECK,
            check_store,
            "check the free space and permissions of the temporary folder (TMPDIR)",
        ),
        Check(
            LISTENER_CHECK,
            check_listener,
            "check that the loopback interface is up; read the log for details",
        ),
        Check(
            SANDBOX_CHECK,
            check_sandbox,
            "check that the loopback interface is up and that no HTTP proxy intercepts it",
        ),
        Check(LOG_CHECK, check_log_folder, "point B24_CONSOLE_LOG_DIR at a writable folder"),
    ]
