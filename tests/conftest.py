"""Fixtures shared by the whole suite."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

# Set before anything imports Qt, so no test ever needs a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support.memory_keyring import MemoryKeyring
from tests.support.postgres import PgCluster, throwaway_cluster

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "resources" / "samples"


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own config, data and log directories.

    The log folder is outside ``tmp_path``: every command writes a log, and tests that
    check what a command left in their folder must not find it there.
    """
    monkeypatch.setenv("B24_CONSOLE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("B24_CONSOLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("B24_CONSOLE_LOG_DIR", str(tmp_path_factory.mktemp("log")))
    # `--log-level` exports it for child processes: set, then removed, so the monkeypatch
    # takes it away again after a test whose command set it.
    monkeypatch.setenv("B24_CONSOLE_LOG_LEVEL", "")
    monkeypatch.delenv("B24_CONSOLE_LOG_LEVEL")
    return tmp_path


@pytest.fixture(autouse=True)
def restore_root_logging() -> Iterator[None]:
    """The CLI installs root handlers (the stream of the moment, the log file); drop and
    close them after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[MemoryKeyring | None]:
    """In-memory keyring for every test except those marked ``real_keyring``.

    Those need a D-Bus session with an unlocked SecretService collection. Outside the
    README's test command they are skipped; under it (which sets
    B24_REQUIRE_REAL_KEYRING) a missing bus fails them, so CI can never pass without
    having exercised the real backend.
    """
    if request.node.get_closest_marker("real_keyring"):
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            reason = "needs a D-Bus session with gnome-keyring: run `bash tests/run`"
            if os.environ.get("B24_REQUIRE_REAL_KEYRING"):
                pytest.fail(reason)
            pytest.skip(reason)
        yield None
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def samples_dir() -> Path:
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """One throwaway PostgreSQL cluster for the whole run (started on first use)."""
    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_database(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, empty database in the throwaway cluster; its URL names the superuser."""
    name = pg_cluster.create_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)
