"""Secrets handed to a service by systemd (``LoadCredential=``), for a listener without a
desktop keyring.

systemd copies each credential into a private directory that only the service can read
(``$CREDENTIALS_DIRECTORY``, on a memory file system, gone when the service stops), so a
password never sits in the unit, in the environment of the process, or in ``ps``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from console.core.credentials import CredentialsError
from console.core.logging import register_secret

CREDENTIALS_DIRECTORY_ENV = "CREDENTIALS_DIRECTORY"
# The credential the unit loads the team database's password into.
STORE_PASSWORD_CREDENTIAL = "b24-store-password"  # noqa: S105 (a name, not a password)
# Credentials larger than this are not passwords: refuse rather than read a wrong file.
_MAX_CREDENTIAL_BYTES = 64 * 1024


class ServiceCredentialError(CredentialsError):
    """A credential systemd handed over that cannot be used; the message says why."""


def service_credential(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The credential ``name`` systemd loaded for this service, or ``None`` outside one
    (or when the unit loads no such credential).

    One trailing line break is dropped (``echo`` writes one); an empty credential is an
    error, not "no password". The value is registered with the log redaction filter.
    """
    if "/" in name or name in ("", ".", ".."):
        raise ValueError(f"not a credential name: {name!r}")
    environ = os.environ if environ is None else environ
    directory = environ.get(CREDENTIALS_DIRECTORY_ENV)
    if not directory:
        return None
    path = Path(directory) / name
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_CREDENTIAL_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ServiceCredentialError(
            f"the service credential {name} cannot be read: {exc.strerror or exc}"
        ) from None
    if len(data) > _MAX_CREDENTIAL_BYTES:
        raise ServiceCredentialError(f"the service credential {name} is too large to be a secret")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ServiceCredentialError(f"the service credential {name} is not UTF-8 text") from None
    text = text.removesuffix("\n").removesuffix("\r")
    if not text:
        raise ServiceCredentialError(
            f"the service credential {name} is empty: put the password in the file the unit's "
            "LoadCredential= names"
        )
    register_secret(text)
    return text
