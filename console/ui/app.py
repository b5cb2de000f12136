"""Starting the window: paint first, then start the console in a job.

:func:`run_window` is what ``b24-console`` (no command) and ``b24-console --demo`` call.
The import path of this module holds only Qt, pydantic settings and the store's
interface: aiohttp, the listener, the sandbox and httpx are imported inside the job
that starts the console, after the window has painted.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from console.core.settings import Settings, load_settings
from console.ui.context import ConsoleContext
from console.ui.crash import CrashReporter
from console.ui.icons import APP_ID, application_icon
from console.ui.jobs import JobContext
from console.ui.language import choose_language, install_translators
from console.ui.settings import APPLICATION, ORGANIZATION
from console.ui.theme import apply_theme, follow_os_scheme
from console.ui.views.main_window import FirstPaintProbe, MainWindow, default_factories

if TYPE_CHECKING:
    from console.core.instance import InstanceLock
    from console.session import RunningConsole
    from console.store.location import StoreLocation
    from console.ui.dialogs.store_password import StorePasswordDialog

log = logging.getLogger(__name__)

PAINT_PROBE_ENV = "B24_CONSOLE_PAINT_PROBE"
# "1": print ``feed-row <id> <seconds since process start>`` to stderr for each live row
# the feed inserts, so an end-to-end test or a benchmark outside the process sees them.
FEED_PROBE_ENV = "B24_CONSOLE_FEED_PROBE"
_IMPORTED_AT = time.monotonic()
# How long Quit waits for running jobs before it stops the console anyway.
QUIT_WAIT_MS = 500


def seconds_since_process_start() -> float:
    """From the kernel's record of when this process started (Linux), else since import."""
    try:
        with open("/proc/self/stat", encoding="ascii") as handle:
            stat = handle.read()
        # Field 22 (starttime, in clock ticks after boot) follows the ")" of the name.
        start_ticks = int(stat.rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as handle:
            uptime = float(handle.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED_AT


def start_error_text(exc: BaseException, store_path: Path | StoreLocation | None) -> str:
    """What the operator reads when the console could not start: the cause and what to do."""
    from console.core.credentials import KeyringUnavailable
    from console.store.location import StoreLocation
    from console.store.schema import SchemaTooNewError

    if isinstance(store_path, StoreLocation):
        where = store_path.display
    elif store_path is not None:
        where = str(store_path)
    else:
        where = QApplication.translate("App", "the data folder")
    team_problem = _team_store_error_text(exc)
    if team_problem is not None:
        return team_problem
    if isinstance(exc, KeyringUnavailable):
        return QApplication.translate(
            "App",
            "The system keyring is locked or missing, so the portal credentials cannot be "
            "read. Unlock it (or install and start a Secret Service keyring such as "
            "gnome-keyring), then restart b24-console.",
        )
    if isinstance(exc, SchemaTooNewError):
        return QApplication.translate(
            "App",
            "The event store %1 was written by a newer b24-console. Update this one, or "
            "start it with --data-dir DIR for a separate store.",
        ).replace("%1", where)
    if isinstance(exc, OSError):
        return (
            QApplication.translate(
                "App",
                "Cannot open the event store %1: %2. Check that the disk has free space and "
                "the folder is writable, or start with --data-dir DIR.",
            )
            .replace("%1", where)
            .replace("%2", exc.strerror or str(exc))
        )
    return QApplication.translate("App", "The console could not start: %1").replace(
        "%1", str(exc) or type(exc).__name__
    )


def _team_store_error_text(exc: BaseException) -> str | None:
    """A team database that cannot be used, in words for the operator; None otherwise."""
    if "console.store.postgres.access" not in sys.modules:
        return None
    from console.store.postgres.access import (
        StoreAccessError,
        StoreAuthFailed,
        StoreSchemaMissing,
        StoreSchemaOutdated,
        StoreUnreachable,
    )

    if not isinstance(exc, StoreAccessError):
        return None
    url = exc.location.url
    if isinstance(exc, StoreAuthFailed):
        text = QApplication.translate(
            "App",
            "%1. Type the password in the dialog this window opens (it is saved in the "
            'keyring), or run "b24-console store password %2" in a terminal and restart '
            "b24-console.",
        )
    elif isinstance(exc, StoreUnreachable):
        text = QApplication.translate(
            "App",
            "%1. Check the network and that the database server runs; b24-console "
            "must be restarted once it is back (%2).",
        )
    elif isinstance(exc, StoreSchemaMissing):
        text = QApplication.translate(
            "App",
            '%1. Whoever runs the team database creates it with "b24-console store init %2".',
        )
    elif isinstance(exc, StoreSchemaOutdated):
        text = QApplication.translate(
            "App",
            '%1. Whoever runs the team database upgrades it with "b24-console store migrate %2".',
        )
    else:
        text = QApplication.translate("App", "%1 (%2).")
    return text.replace("%1", str(exc)).replace("%2", url)


def _login_refused(exc: BaseException) -> bool:
    """Whether the team database turned the login down (a password the window can ask for)."""
    if "console.store.postgres.access" not in sys.modules:
        return False
    from console.store.postgres.access import StoreAuthFailed

    return isinstance(exc, StoreAuthFailed)


class WindowController:
    """Owns the start and the orderly stop of the console behind one window."""

    def __init__(
        self,
        app: QApplication,
        window: MainWindow,
        context: ConsoleContext,
        *,
        demo: bool,
        store_path: Path | StoreLocation,
        data_dir: Path | None = None,
        store_url: str | None = None,
    ) -> None:
        self.app = app
        self.window = window
        self.context = context
        self.demo = demo
        self.store_path = store_path
        # --data-dir as given (None: the settings' store), passed on to the listener.
        self.data_dir = data_dir
        # --store as given (None: --data-dir or the settings' store), passed on likewise.
        self.store_url = store_url
        self._lock = threading.Lock()
        # Set by the start job itself, so a quit during start-up can still stop it.
        self._started: RunningConsole | None = None
        self._quitting = False
        self.password_dialog: StorePasswordDialog | None = None
        window.quit_requested.connect(self.quit)

    def start_console(self) -> None:
        settings = self.context.settings
        demo, store_path, data_dir = self.demo, self.store_path, self.data_dir
        store_url = self.store_url

        def start(_context: JobContext) -> RunningConsole:
            console: RunningConsole
            if demo:
                from console.demo import DemoSession

                # Its listener a child process too, as the operator's (see below).
                console = DemoSession(listener="child").start()
            else:
                from console.session import start_window_session

                # The listener runs as a child process: intake then never competes with
                # painting and typing for this interpreter (see console.listener.child).
                console = start_window_session(
                    settings.listener,
                    store_path=store_path,
                    data_dir=data_dir,
                    store_url=store_url,
                )
            with self._lock:
                self._started = console
                quitting = self._quitting
            if quitting:
                console.stop()
            return console

        self.context.jobs.submit(start, on_done=self._started_ok, on_error=self._failed)

    def _started_ok(self, console: RunningConsole) -> None:
        if self._quitting:
            return
        self.context.attach(console)
        if console.is_demo:
            from console.demo import DemoSession, demo_description

            if isinstance(console, DemoSession):
                print(demo_description(console), flush=True)

    def _failed(self, exc: BaseException) -> None:
        log.error("console did not start: %s", exc, exc_info=exc)
        self.window.show_start_error(start_error_text(exc, self.store_path))
        if _login_refused(exc) and not self._quitting:
            self.ask_store_password(str(exc))

    def ask_store_password(self, reason: str) -> None:
        """The team database refused the login or needs a password: ask for it here.

        Once the database took it (and the keyring kept it) the console starts again; its
        child listener then reads the same keyring entry. Cancel leaves the error shown.
        """
        from console.store.location import StoreLocation
        from console.ui.dialogs.store_password import StorePasswordDialog

        location = self.store_path
        if not isinstance(location, StoreLocation) or not location.is_postgres:
            return
        if self.password_dialog is not None:
            self.password_dialog.raise_()
            return
        dialog = StorePasswordDialog(location, self.context.jobs, reason, self.window)
        self.password_dialog = dialog

        def retry() -> None:
            self.window.clear_start_error()
            self.start_console()

        def closed(_result: int) -> None:
            self.password_dialog = None
            dialog.deleteLater()

        dialog.password_saved.connect(retry)
        dialog.finished.connect(closed)
        dialog.open()

    def quit(self) -> None:
        """Stop in order: stop listening to the store, stop the console, then the workers."""
        if self._quitting:
            return
        with self._lock:
            self._quitting = True
            console = self._started
        self.window.hide()
        self.window.detach()
        # Workers first (a count or export may be reading the store), then the console;
        # a start job still running sees _quitting and stops what it started itself. A
        # portal call that hangs is cut short, and no job is waited for long: the rest
        # runs out on its daemon thread.
        self.context.portal_calls.cancel_all()
        self.context.jobs.shutdown(wait_ms=QUIT_WAIT_MS)
        if console is not None:
            try:
                console.stop()
            except Exception:
                log.exception("stopping the console failed")
        tray = self.window.tray
        if tray is not None:
            tray.hide()
        self.app.quit()


def _instance_lock(location: Path | StoreLocation) -> tuple[InstanceLock | None, int | None]:
    """(the lock, None), or (None, the other console's pid; -1 when it is not known)."""
    from console.core.instance import AlreadyRunning, acquire_instance_lock
    from console.session import local_store_anchor

    try:
        return acquire_instance_lock(local_store_anchor(location)), None
    except AlreadyRunning as exc:
        return None, exc.pid if exc.pid is not None else -1
    except OSError as exc:
        # No lock file (a read-only folder): opening the store will say what is wrong.
        log.warning("no single-instance lock at %s: %s", location, exc)
        return None, None


def already_running_text(pid: int | None) -> str:
    """What the window says when another console has this store open: in window terms
    (the terminal gets the command-line way round it as well)."""
    if pid is None or pid <= 0:
        return QApplication.translate(
            "App",
            "b24-console is already open on this event store. Switch to its window (it may "
            "be minimised, or in the system tray); one store is shown by one window at a time.",
        )
    return QApplication.translate(
        "App",
        "b24-console is already open on this event store (process %1). Switch to its "
        "window (it may be minimised, or in the system tray); one store is shown by one "
        "window at a time.",
    ).replace("%1", str(pid))


def _already_running(pid: int | None) -> None:
    text = already_running_text(pid)
    terminal = QApplication.translate(
        "App", "To open a separate store from a terminal, start it with --data-dir DIR."
    )
    print(f"{text} {terminal}", file=sys.stderr, flush=True)
    QMessageBox.critical(None, QApplication.translate("App", "b24-console"), text)


CONFIG_DIR_ENV = "B24_CONSOLE_CONFIG_DIR"


def use_demo_config() -> Path:
    """Point this process's settings at a folder of the demo's own, starting from a copy
    of the operator's settings (their language, their views), and return it.

    What the demo saves (a view, a setting) then never reaches the operator's own
    settings.json, nor the next demo. The caller removes the folder at exit.
    """
    import shutil
    import tempfile

    from console.core.settings import settings_path

    own = settings_path()
    folder = Path(tempfile.mkdtemp(prefix="b24-console-demo-settings-"))
    if own.is_file():
        shutil.copyfile(own, folder / own.name)
    os.environ[CONFIG_DIR_ENV] = str(folder)
    return folder


def _load_settings() -> tuple[Settings, str | None]:
    try:
        return load_settings(), None
    except (OSError, ValueError) as exc:
        message = QApplication.translate(
            "App", "The settings file could not be read (%1); defaults are used until it is fixed."
        ).replace("%1", str(exc).splitlines()[0])
        return Settings(), message


def _chosen_store(
    settings: Settings, data_dir: Path | None, store: StoreLocation | None
) -> tuple[Path | StoreLocation, str | None]:
    """``--store``, else ``--data-dir``, else the settings' store_url, else its store_path.

    A store_url the settings cannot use falls back to the local file, with the reason to
    show: the window then still opens, and the settings page is where the URL is fixed.
    """
    from console.store import configured_location
    from console.store.location import StoreUrlError

    if store is not None:
        return store, None
    if data_dir is not None:
        return data_dir / "events.sqlite3", None
    try:
        return configured_location(settings), None
    except StoreUrlError as exc:
        message = QApplication.translate(
            "App", "%1; the local event store is used until it is fixed."
        ).replace("%1", str(exc))
        return settings.resolved_store_path(), message


def run_window(*, demo: bool, data_dir: Path | None, store: StoreLocation | None = None) -> int:
    """Open the window; with ``demo`` wire it to the sandbox. Returns the exit code.

    ``store`` (``--store URL``) or ``data_dir`` choose the store; neither: the settings'.
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    # Dialogs and message boxes take the application's icon; on Wayland the desktop file
    # name is the app id that ties the window to its .desktop entry and icon.
    app.setWindowIcon(application_icon())
    app.setDesktopFileName(APP_ID)
    apply_theme(app)
    follow_os_scheme(app)

    demo_config = use_demo_config() if demo else None
    settings, settings_problem = _load_settings()
    install_translators(app, choose_language(settings.window.language))
    store_path, store_problem = _chosen_store(settings, data_dir, store)
    lock: InstanceLock | None = None
    if not demo:
        lock, other_pid = _instance_lock(store_path)
        if other_pid is not None:
            _already_running(other_pid)
            return 1

    context = ConsoleContext(settings)
    window = MainWindow(context, factories=default_factories(), defer_inspector=True)
    controller = WindowController(
        app,
        window,
        context,
        demo=demo,
        store_path=store_path,
        data_dir=data_dir,
        store_url=store.url if store is not None else None,
    )
    probe = os.environ.get(PAINT_PROBE_ENV) == "1"

    def after_first_paint() -> None:
        if probe:
            print(f"first-paint {seconds_since_process_start():.3f}", file=sys.stderr, flush=True)
        # Everything heavy waits for the first paint: the console (aiohttp, the store's
        # first queries) in a job, then the inspector and the tray on the GUI thread.
        controller.start_console()
        window.install_inspector()
        window.install_tray()

    FirstPaintProbe(window, after_first_paint, fallback_ms=1000)
    if os.environ.get(FEED_PROBE_ENV) == "1":
        model = window.feed_model

        def report_rows(count: int) -> None:
            moment = seconds_since_process_start()
            lines = [f"feed-row {model.event_id(row)} {moment:.3f}" for row in range(count)]
            print("\n".join(lines), file=sys.stderr, flush=True)

        model.live_inserted.connect(report_rows)
    # Installed before the first paint: from here on an unhandled exception is logged and
    # shown instead of printed to a terminal nobody reads.
    crash_reporter = CrashReporter(window)
    crash_reporter.install()
    window.show()
    if settings_problem:
        window.show_message(settings_problem)
    if store_problem:
        window.show_message(store_problem)

    # Ctrl+C in the terminal, or SIGTERM from a session manager or a script, quits cleanly;
    # the timer lets Python see the signal while Qt's loop runs.
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_args: controller.quit()) for sig in stop_signals}
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    try:
        return app.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        wake.stop()
        controller.quit()
        crash_reporter.uninstall()
        if lock is not None:
            lock.release()
        if demo_config is not None:
            import shutil

            shutil.rmtree(demo_config, ignore_errors=True)
