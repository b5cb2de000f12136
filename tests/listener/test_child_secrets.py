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


def test_a_team_store_has_its_own_lock_and_listener_file_on_this_computer(
    tmp_path: Path,
) -> None:
    import os

    from console.core.instance import AlreadyRunning, acquire_instance_lock
    from console.session import (
        listener_file,
        local_store_anchor,
        publish_listener,
        running_listener,
    )
    from console.store.location import parse_store_url

    team = parse_store_url("postgresql://alice@db.example:5432/shop")
    other = parse_store_url("postgresql://alice@db.example:5432/other")
    data = Path(os.environ["B24_CONSOLE_DATA_DIR"])
    assert local_store_anchor(team).parent == data
    assert local_store_anchor(team) != local_store_anchor(other)
    assert listener_file(team) != listener_file(other)
    assert listener_file(team).name != "listener.json"  # the local store's stays its own
    publish_listener(team, "http://127.0.0.1:9999")
    assert running_listener(team) == "http://127.0.0.1:9999"
    assert running_listener(other) is None
    with acquire_instance_lock(local_store_anchor(team)):
        try:
            acquire_instance_lock(local_store_anchor(team))
        except AlreadyRunning as exc:
            assert exc.pid == os.getpid()
        else:
            raise AssertionError("a second console on the same team store was not refused")
        acquire_instance_lock(local_store_anchor(other)).release()
