"""Where a PostgreSQL store's password comes from, and that it never leaks."""

from __future__ import annotations

import logging
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.core.credentials import SecretStore
from console.core.logging import redact
from console.store.location import parse_store_url
from console.store.postgres.password import (
    PasswordSource,
    find_password,
    forget_password,
    keyring_name,
    remember_password,
    save_password,
)

TEAM = parse_store_url("postgresql://alice@db.example:5432/shop?sslmode=verify-full")


def _never_asked(location: object) -> str:
    raise AssertionError("asked for a password although one was found")


def test_the_keyring_comes_first(tmp_path: Path) -> None:
    save_password(TEAM, "from-the-keyring")
    found = find_password(
        TEAM,
        interactive=True,
        environ={"B24_STORE_PASSWORD": "env-one", "PGPASSWORD": "libpq-one"},
        ask=_never_asked,
    )
    assert (found.value, found.source) == ("from-the-keyring", PasswordSource.KEYRING)


def test_in_a_service_the_credential_systemd_loaded_comes_before_all(tmp_path: Path) -> None:
    save_password(TEAM, "from-the-keyring")
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "b24-store-password").write_text("from-the-unit\n")
    found = find_password(
        TEAM,
        environ={"CREDENTIALS_DIRECTORY": str(credentials), "B24_STORE_PASSWORD": "env-one"},
        ask=_never_asked,
    )
    assert (found.value, found.source) == ("from-the-unit", PasswordSource.SERVICE_CREDENTIAL)
    assert "b24-store-password" in found.described
    assert "from-the-unit" not in redact("connecting with from-the-unit")
    # A unit that loads no such credential: the usual order.
    (credentials / "b24-store-password").unlink()
    usual = find_password(TEAM, environ={"CREDENTIALS_DIRECTORY": str(credentials)})
    assert usual.source is PasswordSource.KEYRING


def test_then_our_variable_then_libpqs(tmp_path: Path) -> None:
    home = {"HOME": str(tmp_path)}
    ours = find_password(
        TEAM, environ={**home, "B24_STORE_PASSWORD": "env-one", "PGPASSWORD": "libpq-one"}
    )
    assert (ours.value, ours.source) == ("env-one", PasswordSource.ENVIRONMENT)
    libpq = find_password(TEAM, environ={**home, "PGPASSWORD": "libpq-one"})
    assert (libpq.value, libpq.source) == ("libpq-one", PasswordSource.LIBPQ_ENVIRONMENT)


def test_a_pgpass_file_is_left_to_libpq_and_nobody_is_asked(tmp_path: Path) -> None:
    (tmp_path / ".pgpass").write_text("db.example:5432:shop:alice:secret-in-pgpass\n")
    found = find_password(TEAM, interactive=True, environ={"HOME": str(tmp_path)}, ask=_never_asked)
    assert (found.value, found.source) == (None, PasswordSource.LIBPQ)


def test_the_prompt_only_for_a_person_and_saved_only_once_accepted(tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path)}
    quiet = find_password(TEAM, interactive=False, environ=environ, ask=_never_asked)
    assert quiet.value is None
    typed = find_password(TEAM, interactive=True, environ=environ, ask=lambda _: "typed-pw")
    assert (typed.value, typed.source) == ("typed-pw", PasswordSource.PROMPT)
    assert SecretStore().get_installation_secret(keyring_name(TEAM)) is None
    assert remember_password(TEAM, typed) is None
    assert SecretStore().get_installation_secret(keyring_name(TEAM)) == "typed-pw"
    assert forget_password(TEAM) is True
    assert forget_password(TEAM) is False


def test_each_location_has_its_own_entry() -> None:
    other_user = parse_store_url("postgresql://bob@db.example:5432/shop")
    other_db = parse_store_url("postgresql://alice@db.example:5432/shop2")
    names = {keyring_name(TEAM), keyring_name(other_user), keyring_name(other_db)}
    assert len(names) == 3
    # The entry names the place, never a password, and the URL's parameters do not split it.
    assert keyring_name(TEAM) == keyring_name(parse_store_url("postgresql://alice@db.example/shop"))


def test_every_password_found_is_redacted_from_logs(tmp_path: Path) -> None:
    found = find_password(TEAM, environ={"HOME": str(tmp_path), "PGPASSWORD": "s3cr3t-pg-pass"})
    assert found.value == "s3cr3t-pg-pass"
    assert "s3cr3t-pg-pass" not in redact("connecting with s3cr3t-pg-pass")
    assert "s3cr3t-pg-pass" not in repr(found)


def test_no_keyring_falls_through_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    keyring.set_keyring(fail.Keyring())
    with caplog.at_level(logging.INFO):
        found = find_password(TEAM, environ={"HOME": str(tmp_path), "B24_STORE_PASSWORD": "x-env"})
    assert (found.value, found.source) == ("x-env", PasswordSource.ENVIRONMENT)
    missing = find_password(TEAM, environ={"HOME": str(tmp_path)})
    assert missing.value is None
    assert missing.keyring_problem is not None and "keyring" in missing.keyring_problem
