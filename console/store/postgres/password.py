"""Where the password of a PostgreSQL store comes from, in the order the other secrets do.

0. in a systemd service, the credential ``b24-store-password`` (``LoadCredential=``), which
   the unit names explicitly for this one service;
1. the OS keyring: one installation-level entry per store location (``user@host:port/db``),
   so the window, its child listener and every command find it without being told;
2. ``B24_STORE_PASSWORD``, for a service or a script without a keyring;
3. libpq's own ``PGPASSWORD``, and ``~/.pgpass`` (or ``PGPASSFILE``), which libpq reads
   itself when no password is passed;
4. a no-echo prompt, only when the caller is a command on a terminal; what is typed is
   saved to the keyring once the database has accepted it (see :func:`remember_password`).

A password is never put in the URL, an argument or the environment of a child process:
the child reads the keyring itself. Every password found is registered with the log
redaction filter before it is used.
"""

from __future__ import annotations

import enum
import getpass
import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from console.core.credentials import CredentialsError, SecretStore
from console.core.logging import register_secret
from console.core.service_credentials import STORE_PASSWORD_CREDENTIAL, service_credential
from console.store.location import StoreLocation

log = logging.getLogger(__name__)

PASSWORD_ENV = "B24_STORE_PASSWORD"  # noqa: S105 (the variable's name, not a password)
LIBPQ_PASSWORD_ENV = "PGPASSWORD"  # noqa: S105
LIBPQ_PASSFILE_ENV = "PGPASSFILE"


class PasswordSource(enum.StrEnum):
    SERVICE_CREDENTIAL = "systemd credential"
    KEYRING = "keyring"
    ENVIRONMENT = PASSWORD_ENV
    LIBPQ_ENVIRONMENT = LIBPQ_PASSWORD_ENV
    # No password is passed: libpq looks in ~/.pgpass, or the server needs none.
    LIBPQ = "libpq"
    PROMPT = "prompt"


@dataclass(frozen=True)
class StorePassword:
    """A password (or None: leave it to libpq) and where it came from, for messages."""

    value: str | None
    source: PasswordSource
    # Why the keyring could not be asked, when it could not: said if the password is missing.
    keyring_problem: str | None = None

    def __repr__(self) -> str:  # never the value, whatever prints this
        return f"StorePassword(source={self.source.value!r})"

    @property
    def described(self) -> str:
        """Where the password came from, in words for an error message."""
        if self.source is PasswordSource.KEYRING:
            return "the password saved in the OS keyring"
        if self.source is PasswordSource.SERVICE_CREDENTIAL:
            return f"the password in the service's credential {STORE_PASSWORD_CREDENTIAL}"
        if self.source is PasswordSource.PROMPT:
            return "the password typed"
        if self.source is PasswordSource.LIBPQ:
            return "no password (none in the keyring, B24_STORE_PASSWORD or PGPASSWORD)"
        return f"the password in ${self.source.value}"


def keyring_name(location: StoreLocation) -> str:
    """The keyring entry of a store: one per ``user@host:port/db``, shared by every process."""
    if not location.is_postgres:
        raise ValueError("only a PostgreSQL store has a password")
    return f"store-password:{location.user}@{location.host}:{location.port}/{location.dbname}"


def _pgpass_file(environ: Mapping[str, str]) -> Path:
    configured = environ.get(LIBPQ_PASSFILE_ENV)
    if configured:
        return Path(configured)
    return Path(environ.get("HOME") or Path.home()) / ".pgpass"


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _ask(location: StoreLocation) -> str:
    return getpass.getpass(f"password for the store {location.display}: ")


def find_password(
    location: StoreLocation,
    *,
    interactive: bool = False,
    secrets: SecretStore | None = None,
    environ: Mapping[str, str] | None = None,
    ask: Callable[[StoreLocation], str] | None = None,
) -> StorePassword:
    """The password to connect to ``location`` with, and where it came from.

    ``interactive``: a command run by a person may prompt (when stdin is a terminal);
    the window, the listener and anything without a terminal never do.
    """
    environ = os.environ if environ is None else environ
    from_service = service_credential(STORE_PASSWORD_CREDENTIAL, environ)
    if from_service is not None:
        return StorePassword(from_service, PasswordSource.SERVICE_CREDENTIAL)
    keyring_problem: str | None = None
    try:
        stored = (secrets or SecretStore()).get_installation_secret(keyring_name(location))
    except CredentialsError as exc:
        # A server has no desktop keyring: the environment or ~/.pgpass still can serve.
        log.info("the keyring cannot be asked for the store password: %s", exc)
        keyring_problem = str(exc)
        stored = None
    if stored:
        return StorePassword(stored, PasswordSource.KEYRING)
    for source in (PasswordSource.ENVIRONMENT, PasswordSource.LIBPQ_ENVIRONMENT):
        value = environ.get(source.value)
        if value:
            register_secret(value)
            return StorePassword(value, source, keyring_problem)
    if _pgpass_file(environ).is_file():
        return StorePassword(None, PasswordSource.LIBPQ, keyring_problem)
    if interactive and (ask is not None or _stdin_is_terminal()):
        typed = (ask or _ask)(location)
        if typed:
            register_secret(typed)
            return StorePassword(typed, PasswordSource.PROMPT, keyring_problem)
    return StorePassword(None, PasswordSource.LIBPQ, keyring_problem)


def remember_password(
    location: StoreLocation, password: StorePassword, *, secrets: SecretStore | None = None
) -> str | None:
    """Save a typed password to the keyring once the database accepted it.

    Returns None when saved (or when there was nothing to save), else why it could not be:
    the caller says so, and the password is asked again next time.
    """
    if password.source is not PasswordSource.PROMPT or not password.value:
        return None
    try:
        (secrets or SecretStore()).set_installation_secret(keyring_name(location), password.value)
    except CredentialsError as exc:
        return f"the password was not saved: {exc}"
    return None


def save_password(
    location: StoreLocation, value: str, *, secrets: SecretStore | None = None
) -> None:
    """Put the password of ``location`` in the keyring, replacing any saved one."""
    if not value:
        raise CredentialsError("refusing to save an empty password")
    (secrets or SecretStore()).set_installation_secret(keyring_name(location), value)


def check_and_save_password(
    location: StoreLocation, typed: str, *, secrets: SecretStore | None = None
) -> None:
    """What ``store password URL`` does: log in once with ``typed``, then keep it.

    Only a password the server took is saved; a wrong one raises ``StoreAuthFailed`` (and
    an unreachable server its own ``StoreAccessError``) and nothing is written.
    """
    from console.store.postgres.access import connect

    if not typed:
        raise CredentialsError("refusing to save an empty password")
    register_secret(typed)
    with connect(location, StorePassword(typed, PasswordSource.PROMPT)):
        pass  # the server took it: only now is it worth keeping
    save_password(location, typed, secrets=secrets)


def forget_password(location: StoreLocation, *, secrets: SecretStore | None = None) -> bool:
    """Remove the saved password of ``location``; returns whether there was one."""
    store = secrets or SecretStore()
    name = keyring_name(location)
    if store.get_installation_secret(name) is None:
        return False
    store.delete_installation_secret(name)
    return True
