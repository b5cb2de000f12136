"""The one door to the OS keyring.

Every secret the console keeps (webhook codes, tokens, client secrets) is stored under a
single keyring service with the username ``"<profile>:<kind>"``. All keyring calls go
through :class:`SecretStore`, which refuses backends that would keep secrets in plain or
file storage and turns backend failures into :class:`KeyringUnavailable` with a message a
person can act on. Every secret read or written is registered with the log redaction
filter so it can never reach a log line.
"""

from __future__ import annotations

import contextlib
import enum
import secrets
import threading
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from console.core.logging import register_secret
from console.core.paths import KEYRING_SERVICE

# Module prefixes of backends that keep secrets in a file (plaintext or encrypted with a
# password typed on stdin): using one would silently downgrade the promise we make.
_FILE_BACKEND_MODULES = ("keyrings.alt", "keyrings.cryptfile")
# Username of the read used to find out whether the collection is unlocked.
_PROBE_USERNAME = "__b24-console-probe__"

_INSTALL_HINT = (
    "install gnome-keyring (or KWallet) and run the console inside a desktop session with a "
    "D-Bus session bus"
)
_UNLOCK_HINT = "unlock the login keyring (log in to the desktop session or open Passwords and Keys)"

_T = TypeVar("_T")


class CredentialsError(Exception):
    """A credential is missing or cannot be read; the message says what to do next."""


class KeyringUnavailable(CredentialsError):
    """No secure OS keyring can be used right now."""


class SecretKind(enum.StrEnum):
    WEBHOOK_CODE = "webhook_code"
    APPLICATION_TOKEN = "application_token"  # noqa: S105
    HOROSHOP_SECRET = "horoshop_secret"  # noqa: S105
    CLIENT_SECRET = "client_secret"  # noqa: S105
    ACCESS_TOKEN = "access_token"  # noqa: S105
    REFRESH_TOKEN = "refresh_token"  # noqa: S105


def _backend_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    if isinstance(backend, chainer.ChainerBackend):
        name += f" ({', '.join(_backend_name(inner) for inner in backend.backends)})"
    return name


def _refusal(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold secrets, or None if it is acceptable."""
    if isinstance(backend, fail.Keyring):
        return f"no OS keyring is available: {_INSTALL_HINT}, then try again"
    if isinstance(backend, null.Keyring):
        return (
            "the keyring is disabled (null backend): unset PYTHON_KEYRING_BACKEND or choose a "
            f"real backend in keyringrc.cfg; otherwise {_INSTALL_HINT}"
        )
    module = type(backend).__module__
    if module.startswith(_FILE_BACKEND_MODULES):
        return (
            f"the keyring backend {_backend_name(backend)} keeps secrets in a file: uninstall "
            f"keyrings.alt (or set PYTHON_KEYRING_BACKEND=keyring.backends.SecretService.Keyring) "
            f"and {_INSTALL_HINT}"
        )
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return f"no OS keyring is available: {_INSTALL_HINT}, then try again"
        # The chainer writes to the first backend that accepts a secret, so one file
        # backend anywhere in the chain could receive secrets without anyone noticing.
        for inner in chained:
            reason = _refusal(inner)
            if reason is not None:
                return reason
    return None


def _translate(error: BaseException) -> KeyringUnavailable:
    """A keyring failure as a message that names what to install or unlock."""
    if isinstance(error, keyring.errors.KeyringLocked):
        return KeyringUnavailable(f"the OS keyring is locked: {_UNLOCK_HINT}, then try again")
    if isinstance(error, keyring.errors.NoKeyringError):
        return KeyringUnavailable(f"no OS keyring is available: {_INSTALL_HINT}, then try again")
    if isinstance(error, keyring.errors.InitError):
        return KeyringUnavailable(
            f"the OS keyring could not be opened ({type(error).__name__}): {_UNLOCK_HINT}; "
            f"if no keyring daemon is running, {_INSTALL_HINT}"
        )
    return KeyringUnavailable(
        f"the OS keyring failed ({type(error).__name__}): check that the keyring daemon is "
        f"running and unlocked; if there is none, {_INSTALL_HINT}"
    )


def _backend_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [keyring.errors.KeyringError, OSError]
    try:
        # SecretService raises these directly (e.g. the bus went away) instead of a
        # keyring error; secretstorage is only present on Linux.
        from secretstorage.exceptions import SecretStorageException
    except ImportError:  # pragma: no cover - depends on the platform
        pass
    else:
        errors.append(SecretStorageException)
    return tuple(errors)


_BACKEND_ERRORS = _backend_errors()


class SecretStore:
    """Reads and writes console secrets in the OS keyring, refusing insecure backends."""

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service
        # SecretService connections are not safe to open concurrently from many threads.
        self._lock = threading.RLock()

    def _backend(self) -> KeyringBackend:
        try:
            backend: KeyringBackend = keyring.get_keyring()
        except _BACKEND_ERRORS as exc:
            raise _translate(exc) from exc
        reason = _refusal(backend)
        if reason is not None:
            raise KeyringUnavailable(reason)
        return backend

    def _call(self, operation: Callable[[KeyringBackend], _T]) -> _T:
        with self._lock:
            backend = self._backend()
            try:
                return operation(backend)
            except _BACKEND_ERRORS as exc:
                raise _translate(exc) from exc

    @staticmethod
    def _username(profile: str, kind: SecretKind) -> str:
        return f"{profile}:{SecretKind(kind).value}"

    def check_backend(self) -> str:
        """Describe the keyring backend in use, or raise KeyringUnavailable if unusable."""

        def probe(backend: KeyringBackend) -> str:
            # A read opens (and if needed unlocks) the collection, so a locked keyring is
            # reported now rather than halfway through saving a profile.
            backend.get_password(self.service, _PROBE_USERNAME)
            return _backend_name(backend)

        return self._call(probe)

    def get(self, profile: str, kind: SecretKind) -> str | None:
        """The stored secret, or None if there is none."""
        username = self._username(profile, kind)
        value: str | None = self._call(lambda b: b.get_password(self.service, username))
        if value:
            register_secret(value)
        return value or None

    def set(self, profile: str, kind: SecretKind, value: str) -> None:
        """Store ``value``, replacing any previous one."""
        if not value:
            raise CredentialsError(f"refusing to store an empty {kind}: give a value or delete it")
        register_secret(value)
        username = self._username(profile, kind)
        self._call(lambda b: b.set_password(self.service, username, value))

    def delete(self, profile: str, kind: SecretKind) -> None:
        """Remove the secret; nothing happens if it is absent."""
        username = self._username(profile, kind)

        def remove(backend: KeyringBackend) -> None:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(self.service, username)

        self._call(remove)

    # The installation's own secrets live beside the profiles' under a username no profile
    # can have (profile names never contain "/"), and are not a SecretKind: a profile's
    # list of secrets must not show them.
    _INSTALLATION_USERNAME = "/installation:"

    def get_installation_secret(self, name: str) -> str | None:
        """A secret of this installation (not of a profile), or None if there is none."""
        username = self._INSTALLATION_USERNAME + name
        value: str | None = self._call(lambda b: b.get_password(self.service, username))
        if value:
            register_secret(value)
        return value or None

    def set_installation_secret(self, name: str, value: str) -> None:
        register_secret(value)
        username = self._INSTALLATION_USERNAME + name
        self._call(lambda b: b.set_password(self.service, username, value))

    def delete_installation_secret(self, name: str) -> None:
        """Remove an installation secret; nothing happens if it is absent."""
        username = self._INSTALLATION_USERNAME + name

        def remove(backend: KeyringBackend) -> None:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(self.service, username)

        self._call(remove)

    def delete_all(self, profile: str) -> None:
        """Remove every kind of secret of ``profile``."""
        for kind in SecretKind:
            self.delete(profile, kind)


FINGERPRINT_KEY_NAME = "fingerprint_key"


def load_fingerprint_key(store: SecretStore | None = None) -> bytes:
    """The installation's fingerprint key from the keyring, created there on first use.

    Raises :class:`KeyringUnavailable` when there is no usable keyring. Two processes
    creating it at once both read back what the keyring kept, so they agree.
    """
    from console.core.masking import FINGERPRINT_KEY_BYTES

    store = store or SecretStore()
    stored = store.get_installation_secret(FINGERPRINT_KEY_NAME)
    if stored is None:
        store.set_installation_secret(
            FINGERPRINT_KEY_NAME, secrets.token_hex(FINGERPRINT_KEY_BYTES)
        )
        stored = store.get_installation_secret(FINGERPRINT_KEY_NAME)
    try:
        key = bytes.fromhex(stored or "")
    except ValueError:
        key = b""
    if len(key) < 16:
        raise CredentialsError(
            "the fingerprint key in the keyring is damaged: delete the entry "
            f"'{SecretStore._INSTALLATION_USERNAME}{FINGERPRINT_KEY_NAME}' of service "
            f"'{store.service}' and start again"
        )
    return key


def install_fingerprint_key(store: SecretStore | None = None) -> str | None:
    """Make the installation's key the one fingerprints use in this process.

    Returns ``None`` when it came from the keyring. Without a keyring the process keeps a
    random key of its own and the returned text says what that costs: events stored now
    cannot have their secrets put back by a replay after this process ends.
    """
    from console.core.masking import (
        fingerprint_key,
        fingerprint_key_is_persistent,
        set_fingerprint_key,
    )

    if fingerprint_key_is_persistent():
        return None
    try:
        key = load_fingerprint_key(store)
    except CredentialsError as exc:
        fingerprint_key()  # a session key, made now so every later fingerprint agrees
        return (
            f"{exc}; secret fingerprints use a key that lasts only this session, so a replay "
            "after it ends cannot put secrets back into the events stored now"
        )
    set_fingerprint_key(key, persistent=True)
    return None
