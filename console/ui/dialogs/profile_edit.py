"""Add or edit a connection profile. Secrets are typed into masked fields (with a reveal
button) and reach the keyring only through ``core.profile_setup.save_profile``."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.core.credentials import KeyringUnavailable, SecretKind
from console.core.profile_setup import (
    ProfileRequest,
    SavedProfile,
    check_profile_request,
    save_profile,
)
from console.core.profiles import (
    AuthMode,
    InvalidProfileField,
    Profile,
    ProfileError,
    ProfileExists,
    ProfileField,
    ProfileRepository,
    normalise_portal_url,
    validate_profile_name,
)
from console.ui.context import ConsoleContext
from console.ui.dialogs.form_support import (
    ERROR_STYLE,
    BusyButton,
    add_problem_row,
    error_text,
    focus_through,
    guarded,
    make_primary,
    problem_label,
    show_problem,
)
from console.ui.models.choices import Choice, ChoiceModel
from console.ui.untrusted import PlainLabel
from console.ui.wording import translated_profile_problem

CHECK_DEBOUNCE_MS = 300


class SecretField(QWidget):
    """A masked line edit with a reveal toggle."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.reveal = QToolButton()
        self.reveal.setCheckable(True)
        self.reveal.setText(self.tr("Show"))
        self.reveal.setToolTip(self.tr("Show or hide what is typed"))
        self.reveal.toggled.connect(self._toggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.reveal)
        focus_through(self, self.edit)

    def _toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal.setText(self.tr("Hide") if shown else self.tr("Show"))

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)


class ProfileEditDialog(QDialog):
    """``profile`` None adds one. ``saved(SavedProfile)`` after the keyring took it."""

    saved = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        repo: ProfileRepository,
        profile: Profile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._repo = repo
        self._editing = profile
        self.result_value: SavedProfile | None = None
        self.problems: dict[str, str] = {}
        self.setWindowTitle(
            self.tr("Edit profile {name}").format(name=profile.name)
            if profile
            else self.tr("Add a connection profile")
        )
        self.setMinimumWidth(580)

        self.name_edit = QLineEdit(profile.name if profile else "")
        self.name_edit.setReadOnly(profile is not None)
        self.portal_edit = QLineEdit(profile.portal_url if profile else "")
        self.portal_edit.setPlaceholderText("https://example.bitrix24.com")  # notr
        self.modes = ChoiceModel(self)
        self.modes.set_choices(
            [
                Choice(self.tr("Inbound webhook"), AuthMode.WEBHOOK),
                Choice(self.tr("OAuth application"), AuthMode.OAUTH),
            ]
        )
        self.mode_combo = QComboBox()
        self.mode_combo.setModel(self.modes)
        self.mode_combo.setCurrentIndex(
            self.modes.row_of(profile.auth_mode if profile else AuthMode.WEBHOOK)
        )
        self.webhook = SecretField("https://example.bitrix24.com/rest/1/code/")
        self.client_id_edit = QLineEdit(profile.client_id or "" if profile else "")
        self.client_secret = SecretField()
        self.access_token = SecretField(self.tr("optional"))
        self.refresh_token = SecretField(self.tr("optional"))
        self.app_token = SecretField(self.tr("from the outgoing webhook's page"))
        self.horoshop = SecretField(self.tr("optional"))

        shown_fields = (
            ProfileField.NAME,
            ProfileField.PORTAL_URL,
            ProfileField.WEBHOOK_URL,
            ProfileField.CLIENT_ID,
            ProfileField.CLIENT_SECRET,
            ProfileField.TOKENS,
        )
        self.field_problems = {field: problem_label() for field in shown_fields}
        self.app_token_warning = QLabel(
            self.tr(
                "Without the application token every incoming Bitrix24 event for this "
                "profile is rejected."
            )
        )
        self.app_token_warning.setWordWrap(True)
        self.app_token_warning.setStyleSheet("color: #b26a00;")
        self.error = PlainLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.note = QLabel(
            self.tr("Secrets are saved in the system keyring only, never in a file.")
        )
        self.note.setWordWrap(True)
        self.note.setEnabled(False)

        form = QFormLayout()
        self.form = form
        form.addRow(self.tr("&Name:"), self.name_edit)
        add_problem_row(form, self.field_problems[ProfileField.NAME])
        form.addRow(self.tr("&Portal URL:"), self.portal_edit)
        add_problem_row(form, self.field_problems[ProfileField.PORTAL_URL])
        form.addRow(self.tr("&Sign-in:"), self.mode_combo)
        form.addRow(self.tr("&Webhook URL:"), self.webhook)
        add_problem_row(form, self.field_problems[ProfileField.WEBHOOK_URL])
        form.addRow(self.tr("&Client id:"), self.client_id_edit)
        add_problem_row(form, self.field_problems[ProfileField.CLIENT_ID])
        form.addRow(self.tr("Client s&ecret:"), self.client_secret)
        add_problem_row(form, self.field_problems[ProfileField.CLIENT_SECRET])
        form.addRow(self.tr("&Access token:"), self.access_token)
        form.addRow(self.tr("&Refresh token:"), self.refresh_token)
        add_problem_row(form, self.field_problems[ProfileField.TOKENS])
        form.addRow(self.tr("Application &token:"), self.app_token)
        form.addRow("", self.app_token_warning)
        form.addRow(self.tr("&Horoshop secret:"), self.horoshop)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button = save
        make_primary(self.buttons, self.save_button)
        self._busy = BusyButton(save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DEBOUNCE_MS)
        self._timer.timeout.connect(self.check)
        for edit in (self.name_edit, self.portal_edit):
            edit.textChanged.connect(lambda _t: self._timer.start())
        self.app_token.edit.textChanged.connect(lambda _t: self._update_warning())
        self.mode_combo.currentIndexChanged.connect(lambda _i: self._mode_changed())
        self._mode_changed()
        self._update_warning()
        (self.portal_edit if profile else self.name_edit).setFocus()
        if profile is not None:
            self._prefill_secrets(profile.name)

    # -- values -------------------------------------------------------------------------

    def auth_mode(self) -> AuthMode:
        value = self.modes.value(self.mode_combo.currentIndex())
        return value if isinstance(value, AuthMode) else AuthMode.WEBHOOK

    def request(self) -> ProfileRequest:
        oauth = self.auth_mode() is AuthMode.OAUTH
        return ProfileRequest(
            name=self.name_edit.text().strip(),
            portal=self.portal_edit.text().strip(),
            auth_mode=self.auth_mode(),
            webhook_url=None if oauth else self.webhook.text(),
            client_id=self.client_id_edit.text() if oauth else None,
            client_secret=self.client_secret.text() if oauth else None,
            access_token=self.access_token.text() if oauth else None,
            refresh_token=self.refresh_token.text() if oauth else None,
            application_token=self.app_token.text(),
            horoshop_secret=self.horoshop.text(),
        )

    def _mode_changed(self) -> None:
        oauth = self.auth_mode() is AuthMode.OAUTH
        self._show_row(self.webhook, not oauth)
        oauth_fields: tuple[QWidget, ...] = (
            self.client_id_edit,
            self.client_secret,
            self.access_token,
            self.refresh_token,
        )
        for widget in oauth_fields:
            self._show_row(widget, oauth)

    def _show_row(self, widget: QWidget, visible: bool) -> None:
        self.form.setRowVisible(widget, visible)

    def _update_warning(self) -> None:
        self.form.setRowVisible(self.app_token_warning, not self.app_token.text().strip())

    def _prefill_secrets(self, name: str) -> None:
        """Editing replaces every secret: show the stored ones (masked) so none is lost."""
        repo = self._repo

        def read(_job: object) -> dict[SecretKind, str]:
            found: dict[SecretKind, str] = {}
            for kind in SecretKind:
                value = repo.secret(name, kind)
                if value:
                    found[kind] = value
            if SecretKind.WEBHOOK_CODE in found:
                found[SecretKind.WEBHOOK_CODE] = repo.webhook_credentials(name).url()
            return found

        self._context.jobs.submit(
            read, on_done=guarded(self, self._prefilled), on_error=guarded(self, self._failed)
        )

    def _prefilled(self, found: dict[SecretKind, str]) -> None:
        targets = {
            SecretKind.WEBHOOK_CODE: self.webhook,
            SecretKind.CLIENT_SECRET: self.client_secret,
            SecretKind.ACCESS_TOKEN: self.access_token,
            SecretKind.REFRESH_TOKEN: self.refresh_token,
            SecretKind.APPLICATION_TOKEN: self.app_token,
            SecretKind.HOROSHOP_SECRET: self.horoshop,
        }
        for kind, value in found.items():
            field = targets.get(kind)
            if field is not None and not field.text():
                field.setText(value)

    # -- checking and saving ------------------------------------------------------------

    def _show(self, problems: dict[str, str], general: str | None) -> None:
        problems = {key: translated_profile_problem(text) for key, text in problems.items()}
        self.problems = problems
        for field, label in self.field_problems.items():
            show_problem(label, problems.get(field.value))
        # A field without a place on this form (none today) is said below the form.
        others = [
            f"{name}: {text}"
            for name, text in problems.items()
            if name not in {field.value for field in self.field_problems}
        ]
        general = " ".join([*others, general or ""]).strip() or None
        if general:
            self.error.setText(general)
        self.error.setVisible(bool(general))

    def _problem_of(self, error: BaseException) -> tuple[dict[str, str], str | None]:
        if isinstance(error, InvalidProfileField):
            return {error.field.value: error.reason}, None
        if isinstance(error, ProfileExists):
            return {ProfileField.NAME.value: self.tr("a profile with this name exists")}, None
        if isinstance(error, KeyringUnavailable):
            return {}, self.tr("The keyring cannot take secrets: {reason}").format(
                reason=error_text(error)
            )
        return {}, error_text(error)

    def check(self) -> None:
        """The fields that need no secret, checked as the operator types (in a job: the
        check also asks the keyring whether it can take secrets)."""
        repo, request, replace = self._repo, self.request(), self._editing is not None
        if not request.name and not request.portal:
            return
        # Name and address need neither keyring nor disk: both are checked here at once,
        # so the operator sees every problem, not the first one.
        local: dict[str, str] = {}
        for field, check, value in (
            (ProfileField.NAME, validate_profile_name, request.name),
            (ProfileField.PORTAL_URL, normalise_portal_url, request.portal),
        ):
            try:
                check(value)
            except ProfileError as exc:
                local[field.value] = str(exc)
        if local:
            self._show(local, None)
            return

        def run(_job: object) -> Profile:
            return check_profile_request(repo, request, replace=replace)

        self._context.jobs.submit(
            run,
            on_done=guarded(self, lambda _p: self._show({}, None)),
            on_error=guarded(self, lambda error: self._show(*self._problem_of(error))),
            lane=f"profile-check-{id(self)}",
        )

    def save(self) -> None:
        if self._busy.busy:
            return
        repo, request, replace = self._repo, self.request(), self._editing is not None
        self._busy.start(self.tr("Saving…"))

        def run(_job: object) -> SavedProfile:
            return save_profile(repo, request, replace=replace)

        self._context.jobs.submit(
            run, on_done=guarded(self, self._saved), on_error=guarded(self, self._failed)
        )

    def _saved(self, saved: SavedProfile) -> None:
        self._busy.stop()
        self.result_value = saved
        self.saved.emit(saved)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy.stop()
        self._show(*self._problem_of(error))
