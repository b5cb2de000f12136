from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from console.cli import main
from console.core.credentials import SecretKind, SecretStore
from console.core.masking import MASK
from console.core.profiles import ProfileRepository
from tests.support.memory_keyring import MemoryKeyring

CODE = "w3bh00kc0de0042"
APP_TOKEN = "51856fefc120afa4b628cc82d3935cce"
HOROSHOP = "hs-secret-in-target-url-77"
CLIENT_SECRET = "cl1ent-s3cret-x"
ACCESS = "access-tok-aaaa"
REFRESH = "refresh-tok-bbbb"
ALL_SECRETS = (CODE, APP_TOKEN, HOROSHOP, CLIENT_SECRET, ACCESS, REFRESH)
ENV_VARS = (
    "B24_WEBHOOK_URL",
    "B24_APP_TOKEN",
    "B24_HOROSHOP_SECRET",
    "B24_CLIENT_ID",
    "B24_CLIENT_SECRET",
    "B24_ACCESS_TOKEN",
    "B24_REFRESH_TOKEN",
)


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdin is not a terminal, and no B24_* secret leaks in from the caller's shell."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


def webhook_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B24_WEBHOOK_URL", f"https://shop.bitrix24.ua/rest/1/{CODE}/")
    monkeypatch.setenv("B24_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("B24_HOROSHOP_SECRET", HOROSHOP)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_show_remove_webhook_profile(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
    isolated_dirs: Path,
) -> None:
    webhook_env(monkeypatch)
    outputs: list[str] = []

    code, out, err = run(capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua")
    assert (code, err) == (0, "")
    assert "saved profile shop" in out
    outputs.append(out)

    assert memory_keyring.secrets == {
        ("b24-console", "shop:webhook_code"): CODE,
        ("b24-console", "shop:application_token"): APP_TOKEN,
        ("b24-console", "shop:horoshop_secret"): HOROSHOP,
    }
    profiles_file = (isolated_dirs / "config" / "profiles.json").read_text()

    code, out, err = run(capsys, "profile", "list")
    assert code == 0
    assert "https://shop.bitrix24.ua" in out and f"webhook_code={MASK}" in out
    outputs.append(out + err)

    code, out, _ = run(capsys, "profile", "list", "--json")
    listed = json.loads(out)
    assert listed == [
        {
            "name": "shop",
            "portal_url": "https://shop.bitrix24.ua",
            "auth_mode": "webhook",
            "secrets": {"webhook_code": MASK, "application_token": MASK, "horoshop_secret": MASK},
        }
    ]
    outputs.append(out)

    code, out, _ = run(capsys, "profile", "show", "shop")
    assert code == 0
    assert f"webhook_url: https://shop.bitrix24.ua/rest/1/{MASK}/" in out
    assert "secret client_secret: (not set)" in out
    outputs.append(out)

    code, out, _ = run(capsys, "profile", "show", "shop", "--json")
    shown: dict[str, Any] = json.loads(out)
    assert shown["webhook_user_id"] == 1 and shown["domain"] == "shop.bitrix24.ua"
    assert shown["webhook_url"] == f"https://shop.bitrix24.ua/rest/1/{MASK}/"
    outputs.append(out)

    for text in [*outputs, profiles_file]:
        for secret in ALL_SECRETS:
            assert secret not in text

    code, out, _ = run(capsys, "profile", "remove", "shop")
    assert code == 0
    assert memory_keyring.secrets == {}
    code, _, err = run(capsys, "profile", "show", "shop")
    assert code == 2 and "no profile named 'shop'" in err


def test_add_oauth_profile(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.setenv("B24_CLIENT_ID", "local.abc123.456")
    monkeypatch.setenv("B24_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("B24_ACCESS_TOKEN", ACCESS)
    monkeypatch.setenv("B24_REFRESH_TOKEN", REFRESH)
    code, out, err = run(
        capsys,
        "profile",
        "add",
        "app",
        "--portal",
        "https://shop.bitrix24.ua",
        "--oauth",
        "--member-id",
        "m-1",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["secrets"] == {
        "access_token": MASK,
        "client_secret": MASK,
        "refresh_token": MASK,
    }
    repo = ProfileRepository()
    profile = repo.get("app")
    assert (profile.auth_mode, profile.client_id, profile.member_id) == (
        "oauth",
        "local.abc123.456",
        "m-1",
    )
    tokens = repo.oauth_tokens("app")
    assert tokens is not None and (tokens.access_token, tokens.refresh_token) == (ACCESS, REFRESH)
    assert repo.secret("app", SecretKind.CLIENT_SECRET) == CLIENT_SECRET
    for secret in ALL_SECRETS:
        assert secret not in out + err


@pytest.mark.parametrize(
    ("extra", "endpoint"),
    [
        ([], "https://oauth.bitrix.info/rest/"),
        (["--server-endpoint", "oauth.bitrix24.tech"], "https://oauth.bitrix24.tech/rest/"),
    ],
)
def test_add_oauth_profile_records_where_tokens_are_renewed(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
    extra: list[str],
    endpoint: str,
) -> None:
    monkeypatch.setenv("B24_CLIENT_ID", "local.abc123.456")
    monkeypatch.setenv("B24_CLIENT_SECRET", CLIENT_SECRET)
    argv = ["profile", "add", "app", "--portal", "shop.bitrix24.ua", "--oauth", *extra]
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert json.loads(out)["server_endpoint"] == endpoint
    assert ProfileRepository().get("app").server_endpoint == endpoint
    code, out, _ = run(capsys, "profile", "show", "app")
    assert f"server_endpoint: {endpoint}" in out


def test_oauth_profile_renews_expired_tokens_at_its_server_endpoint(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    from console.bitrix.connect import client_for_profile
    from console.bitrix.limiter import BucketLimits
    from console.sandbox import SandboxConfig, SandboxPortal

    limits = BucketLimits(50, 100.0)
    with SandboxPortal(SandboxConfig(port=0, burst=50, drain_rate=100.0)) as portal:
        access, refresh = portal.issue_oauth_tokens()
        monkeypatch.setenv("B24_CLIENT_ID", portal.oauth_client_id)
        monkeypatch.setenv("B24_CLIENT_SECRET", portal.oauth_client_secret)
        monkeypatch.setenv("B24_ACCESS_TOKEN", access)
        monkeypatch.setenv("B24_REFRESH_TOKEN", refresh)
        code, _, err = run(
            capsys, "profile", "add", "sb", "--portal", portal.base_url, "--oauth",
            "--server-endpoint", portal.server_endpoint,
        )  # fmt: skip
        assert code == 0, err
        portal.expire_access_tokens()

        repo = ProfileRepository()
        with client_for_profile(repo, "sb", limits=limits) as client:
            assert client.statuses.get("N").id == "N"

        tokens = repo.oauth_tokens("sb")
        assert tokens is not None
        assert tokens.access_token != access and tokens.refresh_token != refresh
        assert memory_keyring.secrets[("b24-console", "sb:refresh_token")] == tokens.refresh_token
        profile = repo.get("sb")
        assert profile.server_endpoint == portal.server_endpoint
        assert profile.token_expires_at is not None

        # The old refresh token is spent; only the stored, rotated pair renews again.
        portal.expire_access_tokens()
        with client_for_profile(repo, "sb", limits=limits) as client:
            assert client.statuses.get("P").id == "P"
        renewed = repo.oauth_tokens("sb")
        assert renewed is not None and renewed.refresh_token != tokens.refresh_token


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["bad name"], {}, "NAME: profile name"),
        (["shop", "--portal", "http://shop.bitrix24.ua"], {}, "--portal: plain http"),
        (["shop"], {}, "B24_WEBHOOK_URL"),
        (
            ["shop"],
            {"B24_WEBHOOK_URL": f"https://shop.bitrix24.ua/api/{CODE}"},
            "B24_WEBHOOK_URL: not an inbound webhook URL",
        ),
        (
            ["shop"],
            {"B24_WEBHOOK_URL": f"https://other.bitrix24.ua/rest/1/{CODE}/"},
            "not the --portal https://shop.bitrix24.ua",
        ),
        (["shop", "--oauth"], {"B24_CLIENT_ID": "cid"}, "B24_CLIENT_SECRET"),
        (
            ["shop", "--oauth"],
            {
                "B24_CLIENT_ID": "cid",
                "B24_CLIENT_SECRET": CLIENT_SECRET,
                "B24_ACCESS_TOKEN": ACCESS,
            },
            "both the access and the refresh token",
        ),
        (["shop", "--member-id", " "], {}, "--member-id"),
        (
            ["shop", "--server-endpoint", "https://oauth.bitrix24.tech/rest/"],
            {},
            "--server-endpoint: only for OAuth profiles",
        ),
        (
            ["shop", "--oauth", "--server-endpoint", "http://oauth.bitrix24.tech/rest/"],
            {"B24_CLIENT_ID": "cid", "B24_CLIENT_SECRET": CLIENT_SECRET},
            "--server-endpoint: plain http",
        ),
        (
            ["shop", "--oauth", "--server-endpoint", ""],
            {"B24_CLIENT_ID": "cid", "B24_CLIENT_SECRET": CLIENT_SECRET},
            "--server-endpoint: bad host",
        ),
        (
            ["shop", "--oauth", "--server-endpoint", "https://oauth.bitrix24.tech/oauth/token/"],
            {"B24_CLIENT_ID": "cid", "B24_CLIENT_SECRET": CLIENT_SECRET},
            "--server-endpoint: no other path",
        ),
    ],
)
def test_add_refuses_bad_input_before_storing_anything(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
    isolated_dirs: Path,
    argv: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("B24_APP_TOKEN", APP_TOKEN)
    if "--portal" not in argv:
        argv = [*argv, "--portal", "https://shop.bitrix24.ua"]
    code, out, err = run(capsys, "profile", "add", *argv)
    assert code == 2
    assert message in err
    assert memory_keyring.secrets == {}
    assert not (isolated_dirs / "config" / "profiles.json").exists()
    for secret in ALL_SECRETS:
        assert secret not in out + err


def test_add_refuses_existing_name_unless_replace(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    webhook_env(monkeypatch)
    assert run(capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua")[0] == 0
    code, _, err = run(capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua")
    assert code == 2 and "--replace" in err
    # Replacing drops secrets the new configuration no longer has.
    monkeypatch.delenv("B24_HOROSHOP_SECRET")
    monkeypatch.setenv("B24_WEBHOOK_URL", "https://shop.bitrix24.ua/rest/2/newcode999/")
    code, _, err = run(
        capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua", "--replace"
    )
    assert code == 0, err
    assert ("b24-console", "shop:horoshop_secret") not in memory_keyring.secrets
    assert ProfileRepository().webhook_credentials("shop").code == "newcode999"
    assert ProfileRepository().get("shop").webhook_user_id == 2


def test_interactive_add_asks_for_secrets_without_echo(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter([f"https://shop.bitrix24.ua/rest/3/{CODE}/", "", HOROSHOP])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    def no_echoing_input(prompt: str = "") -> str:
        raise AssertionError(f"secret asked with echo: {prompt}")

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("builtins.input", no_echoing_input)
    # Environment variables are for scripts only; a terminal user is asked.
    monkeypatch.setenv("B24_APP_TOKEN", APP_TOKEN)
    code, _, err = run(capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua")
    assert code == 0, err
    assert len(prompts) == 3 and "webhook" in prompts[0].lower()
    assert memory_keyring.secrets == {
        ("b24-console", "shop:webhook_code"): CODE,
        ("b24-console", "shop:horoshop_secret"): HOROSHOP,
    }


def test_secrets_are_never_command_line_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua", "--webhook-url", "x"
    )
    assert code == 2 and "unrecognized arguments" in err


def test_unusable_keyring_exits_with_credentials_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    webhook_env(monkeypatch)
    code, _, err = run(capsys, "profile", "add", "shop", "--portal", "shop.bitrix24.ua")
    assert code == 5
    assert "install gnome-keyring" in err
    assert not ProfileRepository().list()


class FakePortal(BaseHTTPRequestHandler):
    """Answers inbound-webhook calls like a portal: only with the right user id and code."""

    calls: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        FakePortal.calls.append(self.path)
        results = {
            f"/rest/1/{CODE}/server.time": "2026-11-24T12:00:00+00:00",
            f"/rest/1/{CODE}/profile": {"ID": "1", "NAME": "Admin", "ADMIN": True},
            f"/rest/1/{CODE}/sale.status.list": {"statuses": []},
            f"/rest/1/{CODE}/crm.deal.list": [],
        }
        if self.path in results:
            status, body = 200, {"result": results[self.path], "time": {"duration": 0.01}}
        else:
            status, body = 401, {"error": "NO_AUTH_FOUND", "error_description": "Wrong auth"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def fake_portal() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePortal)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    FakePortal.calls.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_profile_test_calls_the_portal_with_the_stored_webhook(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fake_portal: str,
) -> None:
    pytest.importorskip("console.bitrix.connect")
    monkeypatch.setenv("B24_WEBHOOK_URL", f"{fake_portal}/rest/1/{CODE}/")
    assert run(capsys, "profile", "add", "local", "--portal", fake_portal)[0] == 0

    code, out, err = run(capsys, "profile", "test", "local", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["server_time"] == "2026-11-24T12:00:00+00:00"
    assert result["user"]["NAME"] == "Admin"
    assert f"/rest/1/{CODE}/server.time" in FakePortal.calls

    code, out, err = run(capsys, "profile", "test", "local")
    assert code == 0, err
    assert "profile local: connection OK" in out
    assert CODE not in out + err


def test_profile_test_of_unknown_profile_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("console.bitrix.connect")
    code, _, err = run(capsys, "profile", "test", "nope")
    assert code == 2 and "no profile named 'nope'" in err


def entry_point() -> str:
    script = Path(sys.executable).parent / "b24-console"
    assert script.exists(), "run the tests through uv so the entry point is installed"
    return str(script)


@pytest.mark.real_keyring
def test_add_through_real_entry_point_stores_secret_in_secret_service(
    isolated_dirs: Path,
) -> None:
    name = f"t-{uuid.uuid4().hex[:12]}"
    code = f"real{uuid.uuid4().hex}"
    env = {
        **os.environ,  # carries DBUS_SESSION_BUS_ADDRESS and the B24_CONSOLE_* dirs
        "B24_WEBHOOK_URL": f"https://shop.bitrix24.ua/rest/9/{code}/",
        "B24_APP_TOKEN": APP_TOKEN,
    }
    env.pop("B24_HOROSHOP_SECRET", None)
    store = SecretStore()
    try:
        result = subprocess.run(
            [entry_point(), "profile", "add", name, "--portal", "https://shop.bitrix24.ua"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        from keyring.backends import SecretService

        backend = SecretService.Keyring()  # read back over D-Bus, not through our code
        assert backend.get_password("b24-console", f"{name}:webhook_code") == code
        assert backend.get_password("b24-console", f"{name}:application_token") == APP_TOKEN
        profiles = (isolated_dirs / "config" / "profiles.json").read_text()
        assert name in profiles
        assert code not in profiles and APP_TOKEN not in profiles
        assert code not in result.stdout + result.stderr

        shown = subprocess.run(
            [entry_point(), "profile", "show", name],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert shown.returncode == 0, shown.stderr
        assert f"https://shop.bitrix24.ua/rest/9/{MASK}/" in shown.stdout
        assert code not in shown.stdout + shown.stderr

        removed = subprocess.run(
            [entry_point(), "profile", "remove", name],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert removed.returncode == 0, removed.stderr
        assert backend.get_password("b24-console", f"{name}:webhook_code") is None
    finally:
        store.delete_all(name)


@pytest.mark.real_keyring
def test_add_without_session_bus_exits_5_and_stores_nothing(isolated_dirs: Path) -> None:
    env = {
        **os.environ,
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/b24-console-test-bus",
        "B24_WEBHOOK_URL": f"https://shop.bitrix24.ua/rest/9/{CODE}/",
    }
    env.pop("PYTHON_KEYRING_BACKEND", None)
    result = subprocess.run(
        [entry_point(), "profile", "add", "shop", "--portal", "https://shop.bitrix24.ua"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 5
    assert "install gnome-keyring" in result.stderr
    assert CODE not in result.stdout + result.stderr
    assert not (isolated_dirs / "config" / "profiles.json").exists()
