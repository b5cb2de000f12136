"""The store holds customers' names, e-mails and phones: its files and the directories
the console creates are private to the operator, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.core.instance import acquire_instance_lock
from console.core.profiles import Profile, ProfileRepository
from console.core.settings import Settings, save_settings, settings_path
from console.store import SqliteEventStore, StoreNotFound, open_store
from tests.store.records import record


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual desktop umask: files 0644, directories 0755
    yield
    os.umask(previous)


def test_store_files_and_directory_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "events.sqlite3"
    with SqliteEventStore(path) as store:
        store.append(record())
        for suffix in ("", "-wal", "-shm"):
            assert mode(path.with_name(path.name + suffix)) == 0o600, suffix
        assert mode(path.parent) == 0o700


def test_an_existing_store_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite3"
    os.chmod(tmp_path, 0o755)  # noqa: S103 (a shared directory the operator chose)
    SqliteEventStore(path).close()
    os.chmod(path, 0o644)  # as a console before this change created it
    with SqliteEventStore(path) as store:
        store.append(record())
        assert mode(path) == 0o600
        assert mode(path.with_name(path.name + "-wal")) == 0o600
    assert mode(tmp_path) == 0o755  # a directory the operator chose keeps its mode


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    with acquire_instance_lock(tmp_path / "data") as lock:
        assert mode(lock.path) == 0o600
        assert mode(lock.path.parent) == 0o700


def test_config_files_are_private(isolated_dirs: Path) -> None:
    save_settings(Settings())
    assert mode(settings_path()) == 0o600
    assert mode(settings_path().parent) == 0o700
    repo = ProfileRepository()
    repo.save(Profile(name="shop", portal_url="https://shop.bitrix24.ua"))
    assert mode(repo.path) == 0o600


def test_opening_without_create_never_makes_a_store(tmp_path: Path) -> None:
    missing = tmp_path / "mistyped" / "events.sqlite3"
    with pytest.raises(StoreNotFound) as raised:
        open_store(missing, create=False)
    assert raised.value.path == missing
    assert not missing.parent.exists()
