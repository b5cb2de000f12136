from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import SecretService, chainer, fail, null

from console.core.credentials import (
    CredentialsError,
    KeyringUnavailable,
    SecretKind,
    SecretStore,
)
from tests.support.memory_keyring import MemoryKeyring


class PlaintextFileKeyring(KeyringBackend):
    """Stands in for a keyrings.alt backend: detection goes by the defining module."""

    # keyring auto-discovers every KeyringBackend subclass; below fail (0) and null (-1) it
    # is never chosen or chained implicitly.
    priority = -2

    def __init__(self) -> None:
        super().__init__()
        self.written: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.written.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.written[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.written.pop((service, username), None)


PlaintextFileKeyring.__module__ = "keyrings.alt.file"


class RaisingKeyring(KeyringBackend):
    """A backend whose every call fails like a locked or broken SecretService."""

    priority = -2

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


def test_memory_backend_round_trip(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(service="svc")
    assert store.get("shop", SecretKind.WEBHOOK_CODE) is None
    store.set("shop", SecretKind.WEBHOOK_CODE, "code-1234")
    assert memory_keyring.secrets == {("svc", "shop:webhook_code"): "code-1234"}
    assert store.get("shop", SecretKind.WEBHOOK_CODE) == "code-1234"
    store.delete("shop", SecretKind.WEBHOOK_CODE)
    store.delete("shop", SecretKind.WEBHOOK_CODE)  # absent: no error
    assert store.get("shop", SecretKind.WEBHOOK_CODE) is None
    assert "MemoryKeyring" in store.check_backend()


def test_delete_all_removes_every_kind_of_one_profile_only(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore(service="svc")
    for kind in SecretKind:
        store.set("a", kind, f"value-{kind}")
    store.set("b", SecretKind.ACCESS_TOKEN, "other-profile")
    store.delete_all("a")
    assert memory_keyring.secrets == {("svc", "b:access_token"): "other-profile"}


def test_empty_secret_is_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(CredentialsError, match="empty"):
        SecretStore().set("a", SecretKind.APPLICATION_TOKEN, "")
    assert memory_keyring.secrets == {}


@pytest.mark.parametrize(
    ("backend", "advice"),
    [
        (fail.Keyring(), "install gnome-keyring"),
        (null.Keyring(), "PYTHON_KEYRING_BACKEND"),
        (PlaintextFileKeyring(), "uninstall keyrings.alt"),
    ],
)
def test_insecure_or_missing_backend_is_refused(backend: KeyringBackend, advice: str) -> None:
    keyring.set_keyring(backend)
    store = SecretStore(service="svc")
    for call in (
        store.check_backend,
        lambda: store.get("a", SecretKind.WEBHOOK_CODE),
        lambda: store.set("a", SecretKind.WEBHOOK_CODE, "never-stored-code"),
        lambda: store.delete("a", SecretKind.WEBHOOK_CODE),
    ):
        with pytest.raises(KeyringUnavailable, match=advice):
            call()
    if isinstance(backend, PlaintextFileKeyring):
        assert backend.written == {}


def test_chainer_with_a_file_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    plaintext = PlaintextFileKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [MemoryKeyring(), plaintext])
    keyring.set_keyring(chainer.ChainerBackend())
    with pytest.raises(KeyringUnavailable, match="keeps secrets in a file"):
        SecretStore().set("a", SecretKind.CLIENT_SECRET, "chained-secret")
    assert plaintext.written == {}


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        (keyring.errors.KeyringLocked("Failed to unlock the collection!"), "unlock the login"),
        (keyring.errors.InitError("Prompt dismissed"), "unlock the login"),
        (keyring.errors.NoKeyringError("none"), "install gnome-keyring"),
        (keyring.errors.PasswordSetError("nope"), "keyring daemon is running"),
    ],
)
def test_backend_failures_become_keyring_unavailable(error: Exception, advice: str) -> None:
    keyring.set_keyring(RaisingKeyring(error))
    store = SecretStore()
    with pytest.raises(KeyringUnavailable, match=advice) as caught:
        store.check_backend()
    assert isinstance(caught.value, CredentialsError)
    with pytest.raises(KeyringUnavailable, match=advice):
        store.set("a", SecretKind.REFRESH_TOKEN, "tok-never-shown")
    assert "tok-never-shown" not in str(caught.value)


@pytest.fixture
def real_store() -> Iterator[SecretStore]:
    store = SecretStore(service=f"b24-console-test-{uuid.uuid4().hex}")
    yield store
    store.delete_all("shop")


@pytest.mark.real_keyring
def test_secret_service_round_trip(real_store: SecretStore) -> None:
    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend):
        # tests.support.memory_keyring (priority 1) is auto-discovered in this process, so
        # keyring chains it behind SecretService; the highest-priority link is what stores.
        backend = backend.backends[0]
    assert isinstance(backend, SecretService.Keyring)
    assert "SecretService" in real_store.check_backend()
    value = f"real-{uuid.uuid4().hex}"
    real_store.set("shop", SecretKind.WEBHOOK_CODE, value)
    # Read back straight from the backend: the store did not keep it anywhere else.
    assert backend.get_password(real_store.service, "shop:webhook_code") == value
    assert real_store.get("shop", SecretKind.WEBHOOK_CODE) == value
    real_store.set("shop", SecretKind.WEBHOOK_CODE, value + "-2")
    assert real_store.get("shop", SecretKind.WEBHOOK_CODE) == value + "-2"
    real_store.delete("shop", SecretKind.WEBHOOK_CODE)
    assert real_store.get("shop", SecretKind.WEBHOOK_CODE) is None
    real_store.delete("shop", SecretKind.WEBHOOK_CODE)


@pytest.mark.real_keyring
def test_secret_service_delete_all(real_store: SecretStore) -> None:
    real_store.set("shop", SecretKind.ACCESS_TOKEN, "access-real")
    real_store.set("shop", SecretKind.REFRESH_TOKEN, "refresh-real")
    real_store.delete_all("shop")
    assert real_store.get("shop", SecretKind.ACCESS_TOKEN) is None
    assert real_store.get("shop", SecretKind.REFRESH_TOKEN) is None


@pytest.mark.real_keyring
def test_without_session_bus_keyring_resolves_to_fail_and_is_refused() -> None:
    # A fresh process: keyring picks its backend once, at first use.
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent/b24-console-test-bus"
    env.pop("PYTHON_KEYRING_BACKEND", None)
    code = (
        "import keyring\n"
        "from console.core.credentials import KeyringUnavailable, SecretStore\n"
        "print(type(keyring.get_keyring()).__module__)\n"
        "try:\n"
        "    SecretStore().check_backend()\n"
        "except KeyringUnavailable as exc:\n"
        "    print('refused:', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    backend_module, refusal = result.stdout.splitlines()
    assert backend_module == "keyring.backends.fail"
    assert refusal.startswith("refused: no OS keyring is available: install gnome-keyring")
