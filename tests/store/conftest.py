"""Fixtures for the store tests: the interface's contract runs against both stores.

``store`` is a SQLite file in the test's temporary directory, or a PostgreSQL store on a
fresh database of the throwaway cluster: every test that takes it runs twice. Tests that
reopen the same storage use ``open_store_again``; SQLite-only tests take ``sqlite_store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import pytest

from console.store import SqliteEventStore
from console.store import sqlite as sqlite_module
from console.store.location import parse_store_url
from console.store.postgres import PostgresEventStore
from console.store.postgres import store as postgres_module
from tests.support.postgres import PgCluster

AnyStore = SqliteEventStore | PostgresEventStore


@dataclass
class StoreBacking:
    """Where a test's store keeps its events, and how to look at them from outside."""

    kind: str
    open: Callable[..., AnyStore]
    # Runs SQL on a connection of its own: it sees only what is committed.
    peek: Callable[..., list[tuple[Any, ...]]]
    module: ModuleType


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "events.sqlite3"


def _sqlite_backing(path: Path) -> StoreBacking:
    import sqlite3
    from contextlib import closing

    def peek(sql: str, *params: object) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            return conn.execute(sql, params).fetchall()

    return StoreBacking("sqlite", lambda **kw: SqliteEventStore(path, **kw), peek, sqlite_module)


def _postgres_backing(cluster: PgCluster, url: str) -> StoreBacking:
    location = parse_store_url(url)

    def peek(sql: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(**cluster.admin_params(location.dbname), autocommit=True) as conn:
            cursor = conn.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    return StoreBacking(
        "postgres",
        lambda **kw: PostgresEventStore(location, cluster.password, **kw),
        peek,
        postgres_module,
    )


@pytest.fixture(params=["sqlite", "postgres"])
def backing(request: pytest.FixtureRequest, store_path: Path) -> StoreBacking:
    if request.param == "sqlite":
        return _sqlite_backing(store_path)
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return _postgres_backing(cluster, request.getfixturevalue("pg_database"))


@pytest.fixture
def open_store_again(backing: StoreBacking) -> Callable[..., AnyStore]:
    """Opens another store on the same file or database (a restart, a second listener)."""
    return backing.open


@pytest.fixture
def store(backing: StoreBacking) -> Iterator[AnyStore]:
    opened = backing.open()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def sqlite_store(store_path: Path) -> Iterator[SqliteEventStore]:
    opened = SqliteEventStore(store_path)
    try:
        yield opened
    finally:
        opened.close()
