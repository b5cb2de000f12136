"""The Connections page: profiles (add, edit, remove, default), the keyring in use, a
connection test, the handler URLs to register, and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.credentials import KeyringUnavailable, SecretKind
from console.core.profiles import Profile, ProfileRepository
from console.operations.connection import ConnectionReport, check_connection
from console.operations.profiles import default_profile, set_default_profile
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    error_text,
    guarded,
    run_operation,
    shortcut,
)
from console.ui.models.profiles import ProfileTableModel
from console.ui.untrusted import TEXT_LIMIT, PlainLabel, markup_value
from console.ui.views.pages import Confirm, StatusLine, ask, page_title

# Backends that keep secrets in the operating system's own keychain.
OS_KEYCHAINS = ("SecretService", "macOS", "Windows", "kwallet", "libsecret")
MASK = "••••••••"
# What console.operations.connection calls the parts of the portal it probes.
PROBE_NAMES = {
    "online store": str(QT_TRANSLATE_NOOP("ConnectionsPage", "online store")),
    "CRM": str(QT_TRANSLATE_NOOP("ConnectionsPage", "CRM")),
}


def probe_name(name: str) -> str:
    """A probed part of the portal in the interface language (an unknown one as it is)."""
    known = PROBE_NAMES.get(name)
    return QCoreApplication.translate("ConnectionsPage", known) if known else name


@dataclass(frozen=True)
class ConnectionsSnapshot:
    profiles: list[Profile]
    default: str | None
    backend: str | None
    keyring_problem: str | None


def is_os_keychain(backend: str) -> bool:
    return any(name.lower() in backend.lower() for name in OS_KEYCHAINS)


def show_url(field: QLineEdit, url: str) -> None:
    """A URL longer than its field shows from its start ("http://…"), not scrolled to
    its end with the scheme cut ("nttp://")."""
    field.setText(url)
    field.setCursorPosition(0)


def keychain_name(backend: str) -> str:
    """The keychain as the operator knows it, not the keyring library's class name."""
    names = (
        (
            "SecretService",
            QCoreApplication.translate("Connections", "GNOME Keyring (Secret Service)"),
        ),
        ("libsecret", QCoreApplication.translate("Connections", "GNOME Keyring (Secret Service)")),
        ("kwallet", QCoreApplication.translate("Connections", "KDE Wallet")),
        ("macOS", QCoreApplication.translate("Connections", "macOS Keychain")),
        ("Windows", QCoreApplication.translate("Connections", "Windows Credential Manager")),
    )
    for marker, name in names:
        if marker.lower() in backend.lower():
            return name
    return backend


class ConnectionsPage(QWidget):
    """``loaded()`` after each read or change; ``profiles_changed()`` after a change."""

    loaded = Signal()
    profiles_changed = Signal()
    tested = Signal(object)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._activated = False
        self.confirm: Confirm = ask
        self.snapshot: ConnectionsSnapshot | None = None
        self.report: ConnectionReport | None = None
        self.horoshop_secret: str | None = None
        # The profile to select after the next reload (the one just added or changed).
        self._reselect: str | None = None

        self.model = ProfileTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().resizeSection(0, 60)
        self.table.horizontalHeader().resizeSection(3, 130)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selected())
        shortcut("Return", self.table, self.edit_current, Qt.ShortcutContext.WidgetShortcut)
        shortcut("Delete", self.table, self.remove_current, Qt.ShortcutContext.WidgetShortcut)
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self.tr("Ed&it…"))
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button = QPushButton(self.tr("&Remove…"))
        self.remove_button.clicked.connect(self.remove_current)
        self.default_button = QPushButton(self.tr("Make &default"))
        self.default_button.clicked.connect(self.make_default)
        self.settings_button = QPushButton(self.tr("&Settings…"))
        self.settings_button.clicked.connect(self.open_settings)

        self.backend_label = PlainLabel()
        self.backend_label.setWordWrap(True)
        self.backend_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keyring_panel = QFrame()
        self.keyring_panel.setObjectName("keyringPanel")
        self.keyring_panel.setStyleSheet(
            "QFrame#keyringPanel { background: rgba(198, 40, 40, 30); border: 1px solid #c62828;"
            " border-radius: 4px; }"
        )
        self.keyring_text = QLabel()
        self.keyring_text.setTextFormat(Qt.TextFormat.RichText)
        self.keyring_text.setWordWrap(True)
        self.keyring_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keyring_retry = QPushButton(self.tr("Try again"))
        self.keyring_retry.clicked.connect(self.reload)
        panel = QVBoxLayout(self.keyring_panel)
        panel.addWidget(self.keyring_text)
        panel.addWidget(self.keyring_retry, 0, Qt.AlignmentFlag.AlignLeft)
        self.keyring_panel.hide()

        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self._test_busy = BusyButton(self.test_button)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.RichText)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bitrix_url = QLineEdit()
        self.bitrix_url.setReadOnly(True)
        self.bitrix_copy = QPushButton(self.tr("Copy"))
        self.bitrix_copy.clicked.connect(lambda: self._copy(self.bitrix_url.text()))
        self.horoshop_url = QLineEdit()
        self.horoshop_url.setReadOnly(True)

        self.horoshop_show = QPushButton(self.tr("Show"))
        self.horoshop_show.setCheckable(True)
        self.horoshop_show.toggled.connect(self._show_horoshop)
        self.horoshop_copy = QPushButton(self.tr("Copy"))
        self.horoshop_copy.clicked.connect(self.copy_horoshop)
        self.status = StatusLine()

        # -- layout -------------------------------------------------------------------
        profile_buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            profile_buttons.addWidget(button)
        profile_buttons.addWidget(self.default_button)
        profile_buttons.addStretch(1)
        profile_buttons.addWidget(self.settings_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.keyring_panel)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(profile_buttons)
        left_layout.addWidget(self.backend_label)

        test_box = QGroupBox(self.tr("Connection test"))
        test_layout = QVBoxLayout(test_box)
        test_layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        test_layout.addWidget(self.test_result)
        urls_box = QGroupBox(self.tr("Handler URLs to register"))
        urls = QGridLayout(urls_box)
        urls.addWidget(QLabel(self.tr("Bitrix24 outgoing webhook:")), 0, 0, 1, 3)
        urls.addWidget(self.bitrix_url, 1, 0, 1, 2)
        urls.addWidget(self.bitrix_copy, 1, 2)
        urls.addWidget(QLabel(self.tr("Horoshop:")), 2, 0, 1, 3)
        urls.addWidget(self.horoshop_url, 3, 0)
        urls.addWidget(self.horoshop_show, 3, 1)
        urls.addWidget(self.horoshop_copy, 3, 2)
        urls.setColumnStretch(0, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(test_box)
        right_layout.addWidget(urls_box)
        right_layout.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(page_title(self.tr("Connections")))
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self.setFocusProxy(self.table)
        self._selected()

    # -- where profiles live ------------------------------------------------------------

    def repository(self) -> ProfileRepository | None:
        """The console's profiles; None for the demo (its profile lives in memory)."""
        console = self._context.console
        repo = getattr(console, "profiles", None) if console is not None else None
        if isinstance(repo, ProfileRepository):
            return repo
        if console is not None and console.is_demo:
            return None
        return ProfileRepository()

    def activate(self) -> None:
        if not self._activated:
            self._activated = True
            self.reload()

    def reload(self) -> None:
        if not self._activated:
            return
        repo = self.repository()
        if repo is None:
            self._demo()
            return
        self.status.say(self.tr("Reading the profiles…"))

        def read(_job: object) -> ConnectionsSnapshot:
            profiles = repo.list()
            default = default_profile(repo)
            try:
                backend: str | None = repo.secrets.check_backend()
                problem = None
            except KeyringUnavailable as exc:
                backend, problem = None, str(exc)
            return ConnectionsSnapshot(profiles, default, backend, problem)

        self._context.jobs.submit(
            read,
            on_done=guarded(self, self._loaded),
            on_error=guarded(self, self._failed),
            lane=f"connections-{id(self)}",
        )

    def _demo(self) -> None:
        console = self._context.console
        names = console.profile_names() if console is not None else []
        profiles: list[Profile] = []
        # The sandbox speaks plain http on loopback: show its address as it is.
        portal = getattr(getattr(console, "portal", None), "base_url", "")
        for name in names:
            try:
                profiles.append(Profile(name=name, portal_url=portal))
            except ValueError:
                continue
        self._loaded(ConnectionsSnapshot(profiles, names[0] if names else None, "demo", None))
        self.status.say(self.tr("Demo: the profile lives in memory and cannot be changed."))
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setEnabled(False)
        self.default_button.setEnabled(False)

    def _loaded(self, snapshot: ConnectionsSnapshot) -> None:
        self.snapshot = snapshot
        current = self.current()
        wanted = self._reselect or (current.name if current else None)
        self._reselect = None
        self.model.set_profiles(snapshot.profiles, snapshot.default)
        row = self.model.row_of(wanted) if wanted else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))
        if snapshot.keyring_problem:
            self.keyring_text.setText(
                self.tr(
                    "<b>The keyring is locked or unavailable.</b><br>{reason}<br>"
                    "Profiles can be listed, but secrets cannot be read or saved until it "
                    "works: unlock the keyring (log in to the desktop session, or unlock it "
                    "in Passwords and Keys), then press Try again."
                ).format(
                    reason=markup_value(snapshot.keyring_problem, limit=TEXT_LIMIT, one_line=False)
                )
            )
            self.keyring_panel.show()
            self.backend_label.setText("")
        else:
            self.keyring_panel.hide()
            backend = snapshot.backend or ""
            if backend == "demo" or is_os_keychain(backend):
                self.backend_label.setStyleSheet("")
                self.backend_label.setText(
                    self.tr("Secrets are kept in: {backend}").format(backend=keychain_name(backend))
                )
            else:
                self.backend_label.setStyleSheet("color: #b26a00;")
                self.backend_label.setText(
                    self.tr(
                        "Secrets are kept in {backend}, which is not the operating system's "
                        "keychain: check that this is what you want."
                    ).format(backend=backend)
                )
        self.status.say(
            self.tr(
                "%n profile(s). The default is used when a command names none.",
                "",
                len(snapshot.profiles),
            )
        )
        self._selected()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self.status.fail(error_text(error))
        self.loaded.emit()

    # -- the selected profile -----------------------------------------------------------

    def current(self) -> Profile | None:
        return self.model.profile(self.table.currentIndex().row())

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _selected(self) -> None:
        profile = self.current()
        editable = profile is not None and self.repository() is not None
        self.edit_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)
        self.default_button.setEnabled(
            editable and profile is not None and (profile.name != self.model.default)
        )
        self.test_button.setEnabled(profile is not None)
        self.test_result.setText("")
        self.horoshop_secret = None
        self.horoshop_show.setChecked(False)
        base = self.base_url()
        if profile is None:
            show_url(self.bitrix_url, "")
            show_url(self.horoshop_url, "")
        else:
            show_url(self.bitrix_url, f"{base}/bitrix/{profile.name}")  # notr
            show_url(self.horoshop_url, f"{base}/horoshop/{MASK}")  # notr
        for widget in (self.bitrix_copy, self.horoshop_copy, self.horoshop_show):
            widget.setEnabled(profile is not None)

    def base_url(self) -> str:
        from console.ui.secret_source import listener_base_url

        listener = self._context.settings.listener
        return listener_base_url(self._context.console, listener.host, listener.port)

    # -- handler URLs -------------------------------------------------------------------

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.status.say(self.tr("Copied: {text}").format(text=text.replace(MASK, "…")))

    def _read_horoshop(self, then: object) -> None:
        profile = self.current()
        console = self._context.console
        if profile is None:
            return
        name = profile.name

        def read(_job: object) -> str | None:
            from console.ui.secret_source import secret_source_for

            source = secret_source_for(console)
            return source.secret(name, SecretKind.HOROSHOP_SECRET) if source else None

        def done(secret: str | None) -> None:
            if secret is None:
                self.status.fail(
                    self.tr("Profile {name} has no Horoshop secret.").format(name=name)
                )
                self.horoshop_show.setChecked(False)
                return
            self.horoshop_secret = secret
            if callable(then):
                then()

        self._context.jobs.submit(
            read, on_done=guarded(self, done), on_error=guarded(self, self._failed)
        )

    def _show_horoshop(self, shown: bool) -> None:
        profile = self.current()
        if profile is None:
            return
        self.horoshop_show.setText(self.tr("Hide") if shown else self.tr("Show"))
        if not shown:
            show_url(self.horoshop_url, f"{self.base_url()}/horoshop/{MASK}")  # notr
            return

        def fill() -> None:
            show_url(
                self.horoshop_url, f"{self.base_url()}/horoshop/{self.horoshop_secret}"
            )  # notr

        if self.horoshop_secret is None:
            self._read_horoshop(fill)
        else:
            fill()

    def copy_horoshop(self) -> None:
        """Copies the full URL: the secret is read from the keyring only now."""

        def copy() -> None:
            QGuiApplication.clipboard().setText(
                f"{self.base_url()}/horoshop/{self.horoshop_secret}"  # notr
            )
            self.status.say(self.tr("Copied the Horoshop URL (it contains the secret)."))

        if self.horoshop_secret is None:
            self._read_horoshop(copy)
        else:
            copy()

    # -- the connection test ------------------------------------------------------------

    def test_connection(self) -> None:
        profile = self.current()
        if profile is None:
            return
        self._test_busy.start(self.tr("Testing…"))
        self.test_result.setText("")
        run_operation(
            self,
            self._context,
            profile.name,
            check_connection,
            on_done=self._tested,
            on_error=self._test_failed,
            lane=f"connection-test-{id(self)}",
        )

    def _tested(self, report: ConnectionReport) -> None:
        self._test_busy.stop()
        self.report = report
        lines = []
        for probe in report.probes:
            colour = "#2e7d32" if probe.ok else "#c62828"
            line = (
                f"<span style='color:{colour}; font-weight:bold'>{probe.mark}</span> "
                f"{markup_value(probe_name(probe.name))} "
                f"<span style='color:gray'>({markup_value(probe.method)})</span>"
            )
            if not probe.ok:
                problem = markup_value(probe.problem, limit=TEXT_LIMIT)
                line += f"<br>&nbsp;&nbsp;&nbsp;{problem}<br>&nbsp;&nbsp;&nbsp;"
                line += f"<i>{markup_value(probe.fix, limit=TEXT_LIMIT)}</i>"
            lines.append(line)
        self.test_result.setStyleSheet("")
        self.test_result.setText("<br>".join(lines))
        self.tested.emit(report)

    def _test_failed(self, error: BaseException) -> None:
        self._test_busy.stop()
        self.test_result.setStyleSheet(ERROR_STYLE)
        self.test_result.setText(markup_value(error_text(error), limit=TEXT_LIMIT, one_line=False))
        self.tested.emit(error)

    # -- changes ------------------------------------------------------------------------

    def _edit(self, profile: Profile | None) -> QWidget | None:
        repo = self.repository()
        if repo is None:
            return None
        from console.ui.dialogs.profile_edit import ProfileEditDialog

        dialog = ProfileEditDialog(self._context, repo, profile, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda saved: self._changed(saved.profile.name))
        self.dialog = dialog
        dialog.open()
        return dialog

    def add(self) -> QWidget | None:
        return self._edit(None)

    def edit_current(self) -> QWidget | None:
        profile = self.current()
        return self._edit(profile) if profile is not None else None

    def _changed(self, name: str) -> None:
        self._reselect = name
        self.profiles_changed.emit()
        self.reload()
        self._reload_listener()

    def _reload_listener(self) -> None:
        """The running listener verifies with what it read at start: re-read the profiles
        so events for a new or changed profile are verified with its new secrets."""
        console = self._context.console
        reload = getattr(getattr(console, "credentials", None), "reload", None)
        if reload is None:
            return
        self._context.jobs.submit(
            lambda _job: reload(),
            on_error=guarded(
                self,
                lambda error: self.status.fail(
                    self.tr("The listener could not re-read the profiles: {error}").format(
                        error=error_text(error)
                    )
                ),
            ),
        )

    def remove_current(self) -> None:
        profile, repo = self.current(), self.repository()
        if profile is None or repo is None:
            return
        if not self.confirm(
            self,
            self.tr("Remove profile"),
            self.tr(
                "Remove profile {name} and its secrets from the keyring? Events already "
                "stored stay."
            ).format(name=profile.name),
        ):
            return
        name = profile.name
        self._context.jobs.submit(
            lambda _job: repo.remove(name),
            on_done=guarded(self, lambda _r: self._changed(name)),
            on_error=guarded(self, self._failed),
        )

    def make_default(self) -> None:
        profile, repo = self.current(), self.repository()
        if profile is None or repo is None:
            return
        name = profile.name

        def done(_result: object) -> None:
            self._context.settings.default_profile = name
            self._changed(name)

        self._context.jobs.submit(
            lambda _job: set_default_profile(repo, name),
            on_done=guarded(self, done),
            on_error=guarded(self, self._failed),
        )

    def open_settings(self) -> QWidget:
        from console.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.settings_dialog = dialog
        dialog.open()
        return dialog
