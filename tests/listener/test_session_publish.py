"""The running listener says where it listens (listener.json beside the store)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from console.core import masking
from console.core.settings import ListenerSettings
from console.session import (
    listener_file,
    publish_listener,
    running_listener,
    start_listen_session,
    withdraw_listener,
)


@pytest.fixture
def fresh_key() -> Iterator[None]:
    saved = (masking._holder.key, masking._holder.persistent)
    masking._holder.key, masking._holder.persistent = None, False
    try:
        yield
    finally:
        masking._holder.key, masking._holder.persistent = saved


def test_a_session_publishes_while_it_runs(tmp_path: Path) -> None:
    store_path = tmp_path / "events.sqlite3"
    session = start_listen_session(ListenerSettings(port=0), store_path=store_path)
    try:
        assert session.server is not None
        assert running_listener(store_path) == session.server.base_url
        assert listener_file(store_path).stat().st_mode & 0o077 == 0
    finally:
        session.stop()
    assert not listener_file(store_path).exists()
    assert running_listener(store_path) is None


def test_withdraw_leaves_another_process_file_alone(tmp_path: Path) -> None:
    store_path = tmp_path / "events.sqlite3"
    listener_file(store_path).write_text(json.dumps({"base_url": "http://x:1", "pid": 1}))
    withdraw_listener(store_path)
    assert listener_file(store_path).exists()
    publish_listener(store_path, "http://127.0.0.1:9000")
    assert running_listener(store_path) == "http://127.0.0.1:9000"
    withdraw_listener(store_path)
    assert not listener_file(store_path).exists()


@pytest.mark.parametrize("content", ["", "{", "[]", '{"base_url": 1, "pid": 1}', '{"pid": 1}'])
def test_a_damaged_file_means_no_listener(tmp_path: Path, content: str) -> None:
    store_path = tmp_path / "events.sqlite3"
    listener_file(store_path).write_text(content)
    assert running_listener(store_path) is None


def test_without_a_keyring_the_listener_runs_and_says_what_it_costs(
    tmp_path: Path, fresh_key: None
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        session = start_listen_session(
            ListenerSettings(port=0), store_path=tmp_path / "events.sqlite3"
        )
    finally:
        keyring.set_keyring(previous)
    try:
        assert session.server is not None and session.server.running
        assert session.fingerprint_warning is not None
        assert "replay" in session.fingerprint_warning
    finally:
        session.stop()
