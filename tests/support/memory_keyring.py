"""An in-memory keyring backend.

A test double: tests that do not exercise the keyring itself use it so they neither
depend on nor pollute the session's SecretService collection. The credentials tests
run against the real backend (marker ``real_keyring``).
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    # Below the fail (0) and null (-1) backends, so keyring never picks it up by itself.
    priority = -2  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.secrets[(service, username)]
        except KeyError as exc:
            raise PasswordDeleteError(username) from exc
