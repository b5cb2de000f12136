"""The window hands its child listener the store's URL, never the store's password."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.core.settings import ListenerSettings, Settings, save_settings
from console.listener.child import ListenerChild
from console.session import start_window_session

PASSWORDS = ("s3cret-from-b24-env", "s3cret-from-pgpassword")


def _proc_text(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_bytes().replace(b"\x00", b" ").decode()


def test_the_child_gets_the_url_and_no_password_in_argv_or_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("B24_STORE_PASSWORD", PASSWORDS[0])
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[1])
    save_settings(Settings(listener=ListenerSettings(port=0)))
    store = tmp_path / "chosen" / "events.sqlite3"
    session = start_window_session(
        ListenerSettings(port=0),
        store_path=store,
        data_dir=None,
        store_url=f"sqlite://{store}",
    )
    try:
        assert session.bind_error is None, session.bind_error
        process = session.child._process
        assert process is not None
        argv = _proc_text(process.pid, "cmdline")
        environ = _proc_text(process.pid, "environ")
        assert f"--store sqlite://{store}" in argv
        for secret in PASSWORDS:
            assert secret not in argv and secret not in environ
        assert "B24_STORE_PASSWORD" not in environ and "PGPASSWORD" not in environ
        # The child stores where it was told: its listener file is beside that store.
        assert (store.parent / "listener.json").exists()
    finally:
        session.stop()


def test_a_team_store_url_goes_to_the_child_as_it_is() -> None:
    url = "postgresql://alice@db.example:5432/shop?sslmode=verify-full"
    child = ListenerChild(store_url=url, env={"PGPASSWORD": "x-secret", "HOME": "/h"})
    assert child.command()[-2:] == ["--store", url]
    assert child.environment() == {"HOME": "/h", "PYTHONUNBUFFERED": "1"}
