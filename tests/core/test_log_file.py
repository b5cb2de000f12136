"""The rotating log file: where it lives, who may read it, and that no secret reaches it.

Secrets enter the redaction filter the way they do in the program: the credential store
registers each one it reads or writes (here the real keyring), and secret-shaped text
(webhook URLs, database URLs, token fields) is scrubbed even when nobody registered it.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.cli import main
from console.core.credentials import SecretKind, SecretStore
from console.core.logging import (
    LISTENER_LOG_FILE_NAME,
    LOG_FILE_MAX_BYTES,
    LOG_FILE_NAME,
    close_file_logging,
    configure_file_logging,
    log_file_path,
    register_secret,
)
from console.core.masking import MASK
from tests.support.secret_spellings import (
    SPELLING_NAMES,
    horoshop_secret_in_keyring,
    leaked,
    spellings,
)

log = logging.getLogger("tests.log_file")


@pytest.fixture
def log_file() -> Iterator[Path]:
    path = configure_file_logging(logging.DEBUG)
    try:
        yield path
    finally:
        close_file_logging()


def test_the_log_lives_in_the_overridden_folder_and_only_its_owner_reads_it(
    log_file: Path,
) -> None:
    assert log_file == Path(os.environ["B24_CONSOLE_LOG_DIR"]) / LOG_FILE_NAME
    log.info("hello")
    assert "INFO tests.log_file: hello" in log_file.read_text(encoding="utf-8")
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_a_new_log_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "state" / "log"
    monkeypatch.setenv("B24_CONSOLE_LOG_DIR", str(folder))
    try:
        path = configure_file_logging(logging.INFO)
    finally:
        close_file_logging()
    assert path.parent == folder and stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_file_rotates_and_the_new_one_stays_private(log_file: Path) -> None:
    line = "x" * 1000
    for _ in range(LOG_FILE_MAX_BYTES // 1000 + 10):
        log.info(line)
    rotated = log_file.with_name(LOG_FILE_NAME + ".1")
    assert rotated.exists() and log_file.stat().st_size < LOG_FILE_MAX_BYTES
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(rotated.stat().st_mode) == 0o600


@pytest.mark.real_keyring
def test_no_secret_the_console_holds_reaches_the_log_file(log_file: Path) -> None:
    store = SecretStore()
    profile = f"log-test-{secrets.token_hex(4)}"
    held = {kind: f"{kind.value}-{secrets.token_hex(12)}" for kind in SecretKind}
    try:
        for kind, value in held.items():
            store.set(profile, kind, value)
        for kind in SecretKind:  # read back, as the listener and the client do
            assert store.get(profile, kind) == held[kind]
    finally:
        store.delete_all(profile)
    webhook_code = held[SecretKind.WEBHOOK_CODE]
    db_password = f"pg-{secrets.token_hex(10)}"
    # Team mode keeps the database password in the keyring too; its store registers it.
    register_secret(db_password)

    log.info("calling https://shop.bitrix24.ua/rest/1/%s/sale.order.list", webhook_code)
    log.info("the webhook code alone: %s", webhook_code)
    log.warning("event with token %s", held[SecretKind.APPLICATION_TOKEN])
    log.warning("horoshop posted to /horoshop/%s", held[SecretKind.HOROSHOP_SECRET])
    log.debug(
        "oauth answer %s",
        {
            "access_token": held[SecretKind.ACCESS_TOKEN],
            "refresh_token": held[SecretKind.REFRESH_TOKEN],
        },
    )
    log.debug("refresh with client_secret=%s", held[SecretKind.CLIENT_SECRET])
    log.error("cannot connect to postgresql://console:%s@db.local:5432/events", db_password)
    log.error("the database refused the password %s", db_password)
    try:
        raise ConnectionError(f"token {held[SecretKind.ACCESS_TOKEN]} refused by {webhook_code}")
    except ConnectionError:
        log.exception("a call failed")

    text = log_file.read_text(encoding="utf-8")
    for value in [*held.values(), db_password]:
        assert value not in text, f"{value} reached the log file"
    assert text.count(MASK) >= 11
    # The traceback itself is kept: only the secrets in it are gone.
    assert "Traceback (most recent call last)" in text and "ConnectionError: token" in text
    assert "postgresql://console:" in text  # the user name still tells which account


@pytest.mark.real_keyring
@pytest.mark.parametrize("spelling", SPELLING_NAMES)
def test_a_secret_reaches_the_log_file_in_no_spelling(log_file: Path, spelling: str) -> None:
    with horoshop_secret_in_keyring() as secret:
        spelled = spellings(secret)[spelling]

    log.info("POST http://127.0.0.1:8765/horoshop/%s -> HTTP 202", spelled)
    log.warning("the storefront answered: %s", spelled)
    try:
        raise ValueError(spelled)
    except ValueError:
        log.exception("a call failed")

    text = log_file.read_text(encoding="utf-8")
    assert leaked(text, secret) == []
    assert text.count(MASK) >= 3


def test_an_unregistered_database_url_password_is_scrubbed(log_file: Path) -> None:
    log.error("dsn postgresql://ops:p@ss:word@10.0.0.5/events failed")
    text = log_file.read_text(encoding="utf-8")
    assert "p@ss" not in text and "word@" not in text
    assert f"postgresql://ops:{MASK}@10.0.0.5/events" in text


def test_log_level_flag_sets_what_the_file_keeps(capsys: pytest.CaptureFixture[str]) -> None:
    """The self-test's requests are logged at INFO (httpx) and its Qt messages at DEBUG."""
    path = log_file_path()
    levels_seen: dict[str, tuple[bool, bool]] = {}
    for level in ("error", "info", "debug"):
        path.unlink(missing_ok=True)
        main(["--log-level", level, "--self-test"])
        close_file_logging()
        text = path.read_text(encoding="utf-8")
        levels_seen[level] = ("HTTP Request: GET" in text, " DEBUG " in text)
    capsys.readouterr()
    assert levels_seen == {
        "error": (False, False),
        "info": (True, False),
        "debug": (True, True),
    }


def test_a_bad_log_level_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--log-level", "loud", "events", "list"])
    _, err = capsys.readouterr()
    assert code == 2 and "--log-level" in err and "debug" in err


def test_listen_writes_its_own_file_so_two_processes_never_rotate_one(tmp_path: Path) -> None:
    """The window's child listener is a second process: it logs to listener.log."""
    result = subprocess.run(
        [sys.executable, "-m", "console", "--log-level", "info", "listen", "--port", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    folder = Path(os.environ["B24_CONSOLE_LOG_DIR"])
    assert (folder / LISTENER_LOG_FILE_NAME).exists()
    assert not (folder / LOG_FILE_NAME).exists()


def test_log_level_reaches_the_processes_the_console_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The window's listener is a child process: --log-level debug reaches its log file,
    not its stderr (a pipe the window reads for error messages)."""
    main(["--log-level", "debug", "--self-test"])
    capsys.readouterr()
    close_file_logging()
    assert os.environ["B24_CONSOLE_LOG_LEVEL"] == "debug"
    path = log_file_path()
    path.unlink()
    child = subprocess.run(
        [sys.executable, "-m", "console", "--self-test"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert " DEBUG " in path.read_text(encoding="utf-8")
    assert " DEBUG " not in child.stderr


def test_a_bad_inherited_level_is_said_and_the_file_keeps_info(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B24_CONSOLE_LOG_LEVEL", "loud")
    main(["--self-test"])
    _, err = capsys.readouterr()
    close_file_logging()
    assert "B24_CONSOLE_LOG_LEVEL=loud is not a log level" in err
    text = log_file_path().read_text(encoding="utf-8")
    assert "HTTP Request: GET" in text and " DEBUG " not in text
