"""The systemd unit of the team listener: valid for systemd, and its command line works.

systemd is not PID 1 here, so the unit cannot be started. What can be checked is checked
for real: ``systemd-analyze verify`` on the unit, and the unit's command (the keyring
session wrapper, then ``listen``) run with what the unit sets up: the credentials
directory, the state directories, no display, no_new_privs and write-xor-execute memory.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from console.core.service_credentials import (
    STORE_PASSWORD_CREDENTIAL,
    ServiceCredentialError,
    service_credential,
)
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from tests.listener.conftest import APP_TOKEN, DOMAIN, FORM, sample
from tests.listener.crash_harness import REPO_ROOT
from tests.support.postgres import PgCluster

PACKAGING = REPO_ROOT / "packaging"
UNIT = PACKAGING / "b24-console-listener.service"
KEYRING_SESSION = PACKAGING / "b24-console-keyring-session"
CLI = [sys.executable, "-c", "import sys; from console.cli import main; sys.exit(main())"]
WEBHOOK = f"https://{DOMAIN}/rest/1/q1w2e3r4t5y6u7i8/"
RUNNER = [sys.executable, "-m", "tests.packaging.service_runner"]


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def _verify(unit: Path) -> list[str]:
    """What ``systemd-analyze verify`` says about ``unit`` (a setting it cannot parse is
    only a message, with exit status 0: every line naming the file counts)."""
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if unit.name in line]
    if done.returncode != 0 and not said:
        said = [f"exit status {done.returncode}: {done.stderr.strip()}"]
    return said


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing: .ci/run installs the Debian systemd package")
        pytest.skip("systemd is not installed")
    # The installed paths do not exist here: point them at the repository's files, which
    # verify then checks for being executable.
    text = UNIT.read_text(encoding="utf-8").replace(
        "/opt/b24-console/bin/b24-console-keyring-session", str(KEYRING_SESSION)
    )
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    assert _verify(unit) == []
    # The check can fail: a value systemd cannot parse is reported.
    broken = tmp_path / "broken" / UNIT.name
    broken.parent.mkdir()
    broken.write_text(text.replace("ProtectSystem=strict", "ProtectSystem=strickt"))
    assert any("ProtectSystem" in line or "protect system" in line for line in _verify(broken))


def test_the_unit_holds_what_a_team_listener_needs() -> None:
    settings = unit_settings()
    assert settings["User"] == ["b24-console"]
    assert settings["Restart"] == ["on-failure"]
    assert settings["NoNewPrivileges"] == ["yes"]
    assert settings["ProtectSystem"] == ["strict"]
    assert settings["CapabilityBoundingSet"] == [""]
    assert settings["MemoryDenyWriteExecute"] == ["yes"]
    assert "--store ${B24_STORE_URL}" in settings["ExecStart"][0]
    credentials = {value.split(":", 1)[0] for value in settings["LoadCredential"]}
    assert credentials == {STORE_PASSWORD_CREDENTIAL, "keyring-password"}
    # No secret is ever written into the unit or its environment.
    assert not any(re.search(r"PASSWORD=|TOKEN=", value) for value in settings["Environment"])


def test_service_credentials_are_read_from_the_directory_systemd_gives(tmp_path: Path) -> None:
    directory = tmp_path / "credentials"
    directory.mkdir()
    (directory / STORE_PASSWORD_CREDENTIAL).write_text("s3cret-from-systemd\n")
    environ = {"CREDENTIALS_DIRECTORY": str(directory)}
    assert service_credential(STORE_PASSWORD_CREDENTIAL, environ) == "s3cret-from-systemd"
    # Outside a service, or a credential the unit does not load: none.
    assert service_credential(STORE_PASSWORD_CREDENTIAL, {}) is None
    assert service_credential("other", environ) is None
    (directory / "empty").write_text("\n")
    with pytest.raises(ServiceCredentialError, match="empty"):
        service_credential("empty", environ)
    with pytest.raises(ValueError, match="not a credential name"):
        service_credential("../etc/passwd", environ)


def _service_environment(root: Path, *, invocation: bool) -> dict[str, str]:
    """What the unit's Environment= lines and LoadCredential= give the command."""
    credentials = root / "credentials"
    credentials.mkdir(exist_ok=True)
    (credentials / "keyring-password").write_text("service-keyring-password-0123\n")
    state = root / "state"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "DISPLAY", "WAYLAND", "B24_", "XDG_"))
    }
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        PYTHONUNBUFFERED="1",
        HOME=str(state),
        XDG_DATA_HOME=str(state / "share"),
        B24_CONSOLE_CONFIG_DIR=str(state / "config"),
        B24_CONSOLE_DATA_DIR=str(state / "data"),
        CREDENTIALS_DIRECTORY=str(credentials),
    )
    if invocation:
        env["INVOCATION_ID"] = "0123456789abcdef0123456789abcdef"
    return env


def test_the_keyring_session_refuses_to_run_without_a_password(tmp_path: Path) -> None:
    env = _service_environment(tmp_path, invocation=False)
    (tmp_path / "credentials" / "keyring-password").unlink()
    done = subprocess.run(
        [str(KEYRING_SESSION), "true"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 78
    assert "keyring-password" in done.stderr


@pytest.mark.skipif(
    shutil.which("dbus-daemon") is None or shutil.which("gnome-keyring-daemon") is None,
    reason="dbus and gnome-keyring are not installed",
)
def test_the_units_command_runs_confined_with_its_own_keyring(
    tmp_path: Path, pg_cluster: PgCluster, pg_database: str
) -> None:
    # Set-up as TEAM.md says, through the same wrapper: the profile's token goes into the
    # service's keyring, unlocked by the credential.
    setup = _service_environment(tmp_path, invocation=False)
    added = subprocess.run(
        [str(KEYRING_SESSION), *CLI, "profile", "add", "shop", "--portal", f"https://{DOMAIN}"],
        env={**setup, "B24_APP_TOKEN": APP_TOKEN, "B24_WEBHOOK_URL": WEBHOOK},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "state" / "share" / "keyrings").is_dir()

    env = _service_environment(tmp_path, invocation=True)
    # The schema, as `store init` makes it before the service first starts.
    PostgresEventStore(parse_store_url(pg_database), pg_cluster.password).close()
    # The store password comes only from the credential systemd would load.
    (tmp_path / "credentials" / STORE_PASSWORD_CREDENTIAL).write_text(pg_cluster.password + "\n")
    env.pop("PGPASSWORD", None)
    listen = [*CLI, "listen", "--store", pg_database, "--port", "0", "--no-catch-up"]
    listen += ["--trusted-proxy", "127.0.0.1"]
    listen += ["--public-url", "https://events.example.com"]
    proc = subprocess.Popen(
        [*RUNNER, str(KEYRING_SESSION), *listen],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if not first and proc.wait(timeout=30) == 3:
            pytest.skip("this kernel cannot confine a process as the unit does (PR_SET_MDWE)")
        assert first.startswith("listening on http://127.0.0.1:"), first + proc.stderr.read()
        base_url = first.split()[2]
        shown = ""
        while "bitrix/shop" not in shown:
            shown = proc.stdout.readline()
            assert shown, "the listener exited before listing its handler URLs"
        assert "https://events.example.com/bitrix/shop" in shown
        answer = httpx.post(
            f"{base_url}/bitrix/shop",
            content=sample("bitrix-onsaleordersaved-app.form"),
            headers={**FORM, "X-Forwarded-For": "203.0.113.9"},
            timeout=30,
        )
        # The token came out of the service's keyring: the event is verified and kept.
        assert answer.status_code == 200, answer.text
        line = ""
        while "verified" not in line:
            line = proc.stdout.readline()
            assert line, "the listener exited before printing the event"
        proc.send_signal(signal.SIGTERM)
        rest = proc.stdout.read()
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
        assert "listener stopped" in rest
        # In the team database, with the address the proxy named.
        stored = pg_cluster.psql(
            "SELECT remote_addr FROM events", parse_store_url(pg_database).dbname
        )
        assert stored.split() == ["203.0.113.9"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
